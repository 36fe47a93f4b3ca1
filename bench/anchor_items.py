"""What the two anchor scripts (anchor_plan.py, anchor_groups.py) share: where pytest-split
0.11.0's unmodified source is, and the stand-in for a collected pytest item that its
algorithms are given."""
import os

DEFAULT_ANCHORS = os.path.join(
    os.environ.get("SHARDPLAN_ANCHORS") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "anchors"),
    "pytest-split-0.11.0")


class Function:
    """Stands in for a collected pytest item: the anchor reads .nodeid, and sorts by str(item)
    to break ties, which for pytest's items is "<Function NAME>" (NAME: the id's last part)."""
    __slots__ = ("nodeid", "name")

    def __init__(self, nodeid):
        self.nodeid = nodeid
        self.name = nodeid.rsplit("::", 1)[-1]

    def __repr__(self):
        return f"<Function {self.name}>"


def load_algorithms(anchors, who):
    """pytest-split's `algorithms` module from `anchors`, or None after saying on stderr that it
    is missing (`who` names the script)."""
    import sys

    if not os.path.isdir(os.path.join(anchors, "pytest_split")):
        print(f"{who}: {anchors}/pytest_split is missing (see ../shared/anchors)", file=sys.stderr)
        return None
    sys.path.insert(0, anchors)
    from pytest_split import algorithms  # the unmodified anchor

    return algorithms
