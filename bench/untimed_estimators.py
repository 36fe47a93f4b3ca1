#!/usr/bin/python3
"""Which estimate for a test file without timings (issue #13, item 4): leave-out validation on
the real data in ../shared/data.

For every data set, some timed files are hidden (a fraction, several seeds), their seconds are
estimated from the files still timed by each candidate estimator, the files are packed into N
shards by LPT on the estimated weights, and the packing is scored with the true seconds: the
slowest shard's excess over the same LPT with every time known (what a wrong estimate costs
where it matters), plus the median per-file error |log(estimate / truth)|. A model exercise
by design: the question is only which estimate to use, not how fast real pytest runs.

Estimators (the first is the planner's today, src/core/plan/workload.cc):
  dir-mean         mean timed file of the file's own directory, else of the nearest ancestor
                   with timed files below it, else the median timed file
  dir-median       the same walk with medians
  global-mean      mean timed file
  global-median    median timed file
  tests x dir-test number of tests in the file x mean test of its directory (walk as above).
                   Needs the file's test count, which for an untimed file only its source
                   gives (test functions counted; parametrization not expanded): here the
                   hidden file's ids are counted, so this row is optimistic
Prints a Markdown table. Usage: bench/untimed_estimators.py [--data DIR] [--hide F] [--seeds K]
"""
import argparse
import heapq
import json
import math
import os
import random
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
SHARDS = (4, 8, 16)


def load(dataset):
    with open(os.path.join(dataset, "test_durations.json"), encoding="utf-8") as stream:
        durations = json.load(stream)
    with open(os.path.join(dataset, "files.txt"), encoding="utf-8") as stream:
        universe = {line.strip() for line in stream if line.strip()}
    seconds, tests = {}, {}
    for nodeid, value in durations.items():
        file = nodeid.split("::")[0]
        if file in universe:
            seconds[file] = seconds.get(file, 0.0) + float(value)
            tests[file] = tests.get(file, 0) + 1
    return seconds, tests


def parents(path):
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]  # own dir first, "" last


def walk_estimate(file, own, below, summary, fallback):
    dirs = parents(file)
    if dirs[0] in own:
        return summary(own[dirs[0]])
    for directory in dirs[1:]:
        if directory in below:
            return summary(below[directory])
    return fallback


def grouped(visible, value):
    own, below = {}, {}
    for file in visible:
        dirs = parents(file)
        own.setdefault(dirs[0], []).append(value(file))
        for directory in dirs:
            below.setdefault(directory, []).append(value(file))
    return own, below


def estimators(visible, seconds, tests):
    values = [seconds[f] for f in visible]
    mean, median = statistics.fmean(values), statistics.median(values)
    own, below = grouped(visible, lambda f: seconds[f])
    per_test = {f: seconds[f] / tests[f] for f in visible}
    own_t, below_t = grouped(visible, lambda f: per_test[f])
    mean_test = statistics.fmean(per_test.values())
    return {
        "dir-mean": lambda f: walk_estimate(f, own, below, statistics.fmean, median),
        "dir-median": lambda f: walk_estimate(f, own, below, statistics.median, median),
        "global-mean": lambda f: mean,
        "global-median": lambda f: median,
        "tests x dir-test": lambda f: tests[f] * walk_estimate(f, own_t, below_t,
                                                               statistics.fmean, mean_test),
    }


def lpt(weights, shards):
    heap = [(0.0, i, []) for i in range(shards)]
    for file in sorted(weights, key=lambda f: (-weights[f], f)):
        load, index, files = heapq.heappop(heap)
        files.append(file)
        heapq.heappush(heap, (load + weights[file], index, files))
    return [files for _, _, files in heap]


def slowest(packing, seconds):
    return max(sum(seconds[f] for f in files) for files in packing)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    parser.add_argument("--hide", type=float, default=0.2)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    names = sorted(d for d in os.listdir(args.data)
                   if os.path.isfile(os.path.join(args.data, d, "test_durations.json")))
    excess, errors = {}, {}
    for name in names:
        seconds, tests = load(os.path.join(args.data, name))
        files = sorted(seconds)
        for seed in range(args.seeds):
            rng = random.Random(seed)
            hidden = set(rng.sample(files, max(1, int(len(files) * args.hide))))
            visible = [f for f in files if f not in hidden]
            for label, estimate in estimators(visible, seconds, tests).items():
                guess = {f: (estimate(f) if f in hidden else seconds[f]) for f in files}
                for f in hidden:
                    errors.setdefault((name, label), []).append(
                        abs(math.log(max(guess[f], 1e-6) / max(seconds[f], 1e-6))))
                for shards in SHARDS:
                    best = slowest(lpt(seconds, shards), seconds)
                    got = slowest(lpt(guess, shards), seconds)
                    excess.setdefault((name, label), []).append(got / best - 1)
    labels = list(estimators(sorted(seconds)[:2], seconds, tests))
    print(f"Hidden: {args.hide:.0%} of the timed files, {args.seeds} seeds, N = "
          f"{', '.join(map(str, SHARDS))}; cells: mean excess of the slowest shard over the "
          "packing with every time known (lower is better) / median |log(estimate/truth)| per "
          "hidden file.\n")
    print("| estimator | " + " | ".join(names) + " | mean excess |")
    print("|---|" + "--:|" * (len(names) + 1))
    for label in labels:
        cells = [f"{statistics.fmean(excess[(n, label)]):+.1%} / "
                 f"{statistics.median(errors[(n, label)]):.2f}" for n in names]
        overall = statistics.fmean(statistics.fmean(excess[(n, label)]) for n in names)
        print(f"| {label} | " + " | ".join(cells) + f" | {overall:+.1%} |")


if __name__ == "__main__":
    main()
