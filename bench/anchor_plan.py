#!/usr/bin/python3
"""The real anchor's planning step, timed as a whole process: pytest-split 0.11.0, unmodified,
from ../shared/anchors/pytest-split-0.11.0 (see ../shared/anchors/README.md).

Reads a .test_durations file with json.load, makes one item per test id (an object with
.nodeid, in the file's order, standing in for pytest's collected items), calls
pytest_split.algorithms.Algorithms[ALGORITHM].value(splits, items, durations) and writes the
selected node ids of every group as JSON. Nothing of the anchor is re-implemented here.
The anchor is looked for in $SHARDPLAN_ANCHORS (default ../shared/anchors beside the
repository). Exit code 2 with a reason when it is absent.
Usage: anchor_plan.py [--anchors DIR] [--algorithm least_duration|duration_based_chunks]
                      DURATIONS SPLITS OUTPUT
"""
import argparse
import json
import sys

from anchor_items import DEFAULT_ANCHORS, Function, load_algorithms  # beside this script


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--anchors", default=DEFAULT_ANCHORS)
    parser.add_argument("--algorithm", default="least_duration")
    parser.add_argument("durations")
    parser.add_argument("splits", type=int)
    parser.add_argument("output")
    args = parser.parse_args()
    algorithms = load_algorithms(args.anchors, "anchor_plan")
    if algorithms is None:
        return 2

    with open(args.durations, encoding="utf-8") as stream:
        durations = json.load(stream)
    items = [Function(nodeid) for nodeid in durations]
    groups = algorithms.Algorithms[args.algorithm].value(args.splits, items, durations)
    with open(args.output, "w", encoding="utf-8") as stream:
        json.dump([[item.nodeid for item in group.selected] for group in groups], stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
