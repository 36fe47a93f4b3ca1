#!/usr/bin/python3
"""Clean-room baseline for the speed benchmark: a plain-Python file-level LPT packer.

Not pytest-split and not shardplan: the smallest honest Python program that does the same job
as `shardplan plan --files-from-timings` on a .test_durations file. It reads the JSON with
json.load, sums the seconds per test file (the part of the id before the first "::"), puts
the files heaviest first (ties by path) each onto the shard with the least work so far (a
heapq of (seconds, shard index)), and writes the shards' file lists as JSON. Written for this
benchmark; stdlib only.
Usage: python_packer.py DURATIONS SHARDS OUTPUT
"""
import heapq
import json
import sys


def pack(durations, shards):
    per_file = {}
    for test_id, seconds in durations.items():
        path = test_id.split("::", 1)[0]
        per_file[path] = per_file.get(path, 0.0) + seconds
    heap = [(0.0, shard) for shard in range(shards)]
    plan = [[] for _ in range(shards)]
    for path, seconds in sorted(per_file.items(), key=lambda item: (-item[1], item[0])):
        load, shard = heapq.heappop(heap)
        plan[shard].append(path)
        heapq.heappush(heap, (load + seconds, shard))
    return plan


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: python_packer.py DURATIONS SHARDS OUTPUT")
    with open(sys.argv[1], encoding="utf-8") as stream:
        durations = json.load(stream)
    plan = pack(durations, int(sys.argv[2]))
    with open(sys.argv[3], "w", encoding="utf-8") as stream:
        json.dump({"shards": plan}, stream)


if __name__ == "__main__":
    main()
