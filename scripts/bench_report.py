#!/usr/bin/python3
"""Turns bench_plan's Google Benchmark JSON into the Markdown speed tables of docs/benchmarks.md.
Usage: bench_report.py BENCH.json
"""
import json, sys


def load(path):
    times = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        name, *args = b["name"].split("/")
        times[(name, tuple(int(a) for a in args))] = (b["real_time"] * scale, b)
    return times


def ms(value):
    return "–" if value is None else (f"{value:.2f}" if value < 10 else f"{value:.0f}")


def main():
    times = load(sys.argv[1])
    get = lambda name, args: times.get((name, args), (None, None))[0]
    print("**Stages by suite size** (milliseconds of wall time per iteration, Google Benchmark, at least 0.2 s per case; "
          "files = tests / 10; 38 shards, 500 at 1M)\n")
    print("| tests | files | shards | parse | workload | plan | emit JSON | all four | parse+workload share |")
    print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    sizes = sorted({a for (n, a) in times if n == "BM_Plan"})
    for tests, files, shards in sizes:
        parse, work = get("BM_Parse", (tests, files)), get("BM_Workload", (tests, files))
        plan, emit = get("BM_Plan", (tests, files, shards)), get("BM_Emit", (tests, files, shards))
        total = get("BM_All", (tests, files, shards))
        parts = [x for x in (parse, work, plan, emit) if x is not None]
        share = f"{(parse + work) / sum(parts) * 100:.0f}%" if parse and work and len(parts) == 4 else "–"
        print(f"| {tests:,} | {files:,} | {shards} | {ms(parse)} | {ms(work)} | {ms(plan)} | {ms(emit)} "
              f"| {ms(total)} | {share} |")
    print("\n**Planning time by shard count** (milliseconds; makespan over the planner's lower bound)\n")
    print("| tests | files | shards | plan ms | makespan / bound |")
    print("|--:|--:|--:|--:|--:|")
    for name in ("BM_PlanShards", "BM_PlanFewFiles"):
        for (n, args), (value, raw) in sorted(times.items()):
            if n == name:
                print(f"| {args[0]:,} | {args[1]:,} | {args[2]} | {ms(value)} | {raw.get('makespan_over_lb', 0):.4f} |")
    parses = sorted((a, v) for (n, a), (v, _) in times.items() if n == "BM_Parse")
    if parses:
        print("\nParse throughput: " + ", ".join(
            f"{a[0]:,} tests / {a[1]:,} files {times[('BM_Parse', a)][1].get('bytes_per_second', 0) / 2**20:.0f} MiB/s"
            for a, _ in parses) + ".")


if __name__ == "__main__":
    main()
