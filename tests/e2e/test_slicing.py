"""Test-level slices with real pytest: for N = 2..8 the shards collect the full suite exactly
once, also after tests were added to and deleted from a sliced file and a new untimed file
appeared — all without re-planning."""
import json
import re

import pytest

from conftest import collect, shardplan
from test_core import assert_exactly_once, shard_collections

ADDED_TESTS = '''

def test_added_after_planning_one():
    assert True


class TestAddedAfterPlanning:
    @pytest.mark.parametrize("value", ["new a", "new::b"])
    def test_new(self, value):
        assert value
'''

NEW_FILE = '''
def test_brand_new_file():
    assert True
'''


def change_suite(demo):
    heavy = demo / "tests" / "test_heavy.py"
    text = heavy.read_text(encoding="utf-8")
    # Delete two tests that the timings know: the partitions test and the knapsack class.
    text, deleted = re.subn(r"def test_partitions_grow\(", "def _deleted_partitions_grow(", text)
    assert deleted == 1
    text = text.replace("class TestKnapsack:", "class _DeletedKnapsack:")
    heavy.write_text(text + ADDED_TESTS, encoding="utf-8")
    (demo / "tests" / "unit" / "test_zz_new_after_plan.py").write_text(NEW_FILE, encoding="utf-8")


@pytest.mark.parametrize("shards", [2, 3, 4, 5, 6, 7, 8])
def test_slices_cover_the_changed_suite_exactly_once(demo, shards):
    plan_path = demo / "plan.json"
    # A small file overhead makes the heavy file worth splitting at every N.
    shardplan("plan", "--shards", shards, "--durations", ".test_durations", "--file-overhead",
              "0.05", "-o", plan_path, cwd=demo)
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    sliced = {s["file"] for shard in plan["shards"] for s in shard["slices"]}
    if shards >= 4:
        assert "tests/test_heavy.py" in sliced
    full_before = collect(demo)
    assert_exactly_once(full_before, shard_collections(demo, plan_path, shards, "plugin"))

    change_suite(demo)
    full_after = collect(demo)
    assert set(full_after) != set(full_before)
    assert any("test_added_after_planning_one" in node for node in full_after)
    assert any("test_zz_new_after_plan" in node for node in full_after)
    assert_exactly_once(full_after, shard_collections(demo, plan_path, shards, "plugin"))
    check = shardplan("check", "--plan", plan_path, cwd=demo)
    assert "tests/unit/test_zz_new_after_plan.py is not in the plan" in check.stderr
