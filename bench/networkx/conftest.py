"""Benchmark helper for scripts/bench_networkx.sh; inert unless its environment variables are set.

BENCH_NODEIDS_OUT=FILE   append the node id of every test that ran (any outcome) to FILE.
BENCH_SPLIT_DURATIONS=FILE BENCH_SPLIT_N=N BENCH_SPLIT_I=I
    whole-tree-per-job baseline: collect everything, keep group I (1-based) of N formed by the
    least_duration rule (tests longest first onto the group with the smallest sum; a test with
    no recorded duration weighs the mean), deselect the rest.
"""
import heapq
import json
import os


def pytest_collection_modifyitems(config, items):
    path = os.environ.get("BENCH_SPLIT_DURATIONS")
    if not path:
        return
    splits, group = int(os.environ["BENCH_SPLIT_N"]), int(os.environ["BENCH_SPLIT_I"]) - 1
    with open(path) as f:
        durations = json.load(f)
    mean = sum(durations.values()) / len(durations) if durations else 1.0
    weighted = sorted(((durations.get(item.nodeid, mean), index) for index, item in enumerate(items)),
                      key=lambda pair: -pair[0])
    heap = [(0.0, g) for g in range(splits)]
    mine = set()
    for seconds, index in weighted:
        total, g = heapq.heappop(heap)
        if g == group:
            mine.add(index)
        heapq.heappush(heap, (total + seconds, g))
    kept = [item for index, item in enumerate(items) if index in mine]
    dropped = [item for index, item in enumerate(items) if index not in mine]
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def pytest_runtest_logfinish(nodeid, location):
    out = os.environ.get("BENCH_NODEIDS_OUT")
    if out:
        with open(out, "a") as f:
            f.write(nodeid + "\n")
