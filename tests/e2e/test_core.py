"""Whole chain with real pytest: plan the bundled example, collect every shard through
`shardplan run`, and prove the shards together collect exactly the full suite, once each."""
import collections

import pytest

from conftest import collect, shardplan


def shard_collections(demo, plan, shards, mode):
    per_shard = []
    for index in range(1, shards + 1):
        def runner(command, index=index):
            return shardplan("run", "--plan", plan, "--shard", index, "--mode", mode, "--",
                             *command, cwd=demo, check=False)
        per_shard.append(collect(demo, runner=runner))
    return per_shard


def assert_exactly_once(full, per_shard):
    counts = collections.Counter(node for shard in per_shard for node in shard)
    duplicated = sorted(node for node, count in counts.items() if count > 1)
    missing = sorted(set(full) - set(counts))
    extra = sorted(set(counts) - set(full))
    assert (duplicated, missing, extra) == ([], [], [])
    assert all(per_shard), "a shard collected nothing"


@pytest.mark.parametrize("mode", ["plugin", "args"])
@pytest.mark.parametrize("shards", [1, 2, 3, 4, 7])
def test_shards_collect_the_full_suite_exactly_once(demo, shards, mode):
    plan = demo / "plan.json"
    shardplan("plan", "--shards", shards, "--durations", ".test_durations", "-o", plan, cwd=demo)
    shardplan("check", "--plan", plan, cwd=demo)
    full = collect(demo)
    assert len(full) == len(set(full)) > 500
    assert_exactly_once(full, shard_collections(demo, plan, shards, mode))


def test_universe_matches_pytest_collection(demo):
    files = shardplan("files", cwd=demo).stdout.split()
    collected_files = sorted({node.split("::")[0] for node in collect(demo)})
    assert files == collected_files


def test_run_exits_with_the_commands_code(demo):
    plan = demo / "plan.json"
    shardplan("plan", "--shards", 2, "--durations", ".test_durations", "-o", plan, cwd=demo)
    proc = shardplan("run", "--plan", plan, "--shard", 1, "--", "sh", "-c", "exit 3", cwd=demo,
                     check=False)
    assert proc.returncode == 3
    proc = shardplan("run", "--plan", plan, "--shard", 1, "--", "no-such-command-xyz", cwd=demo,
                     check=False)
    assert proc.returncode == 127
