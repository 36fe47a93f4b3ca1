#!/usr/bin/python3
"""pytest-split 0.11.0's real groups for the balance benchmark (bench_quality --anchor DIR).

For every DIR/<dataset>.json written by `bench_quality --export-units DIR` (the dataset's units,
test id -> seconds, in collection order), runs the unmodified anchor from
../shared/anchors/pytest-split-0.11.0, `least_duration` and `duration_based_chunks`, for each
N given, and writes DIR/<dataset>/<algorithm>-<N>.txt: one line per unit, in the units' order,
holding the 0-based group the anchor put it in. Nothing of the anchor is re-implemented here.
The anchor is looked for in $SHARDPLAN_ANCHORS (default ../shared/anchors beside the
repository). Exit code 2 with a reason when it is absent.
Usage: anchor_groups.py [--anchors DIR] [--shards 4,8,16,38,64] UNITS_DIR
"""
import argparse
import json
import os
import sys

from anchor_items import DEFAULT_ANCHORS, Function, load_algorithms  # beside this script

ALGORITHMS = ("least_duration", "duration_based_chunks")


def write_atomically(path, text):
    with open(path + ".tmp", "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--anchors", default=DEFAULT_ANCHORS)
    parser.add_argument("--shards", default="4,8,16,38,64")
    parser.add_argument("units_dir")
    args = parser.parse_args()
    algorithms = load_algorithms(args.anchors, "anchor_groups")
    if algorithms is None:
        return 2

    for name in sorted(os.listdir(args.units_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(args.units_dir, name), encoding="utf-8") as stream:
            durations = json.load(stream)
        out_dir = os.path.join(args.units_dir, name[:-len(".json")])
        os.makedirs(out_dir, exist_ok=True)
        items = [Function(nodeid) for nodeid in durations]
        for algorithm in ALGORITHMS:
            for splits in (int(n) for n in args.shards.split(",")):
                groups = algorithms.Algorithms[algorithm].value(splits, items, durations)
                group_of = {}
                for index, group in enumerate(groups):
                    for item in group.selected:
                        group_of[item.nodeid] = index
                text = "".join(f"{group_of[item.nodeid]}\n" for item in items)
                write_atomically(os.path.join(out_dir, f"{algorithm}-{splits}.txt"), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
