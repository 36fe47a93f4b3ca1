#!/usr/bin/python3
"""Streaming JUnit at scale: writes a pytest (xunit1) report with 1,000,000 testcases, then runs
`shardplan merge --junit REPORT -o OUT` several times and prints a Markdown table of the
median wall time and the peak memory (max RSS from /usr/bin/time -v) against the bound of
issue 4 (streamed: memory stays well below the report's size times a small factor).
Usage: bench_junit.py [--bin-dir DIR] [--runs K] [--work DIR] [--cases N]
"""
import argparse, os, re, statistics, subprocess, tempfile, time

MEMORY_BOUND = 1 << 30  # 1 GiB


def write_report(path, cases):
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest">\n')
        for i in range(cases):
            module = f"tests/pkg{i % 100}/test_m{i % 10_000}.py"
            out.write(f'<testcase classname="tests.pkg{i % 100}.test_m{i % 10_000}.TestC" '
                      f'name="test_case[{i}]" file="{module}" line="{i % 500}" '
                      f'time="{(i % 997) / 1000:.3f}" />\n')
        out.write("</testsuite></testsuites>\n")


def run(cmd, cwd):
    start = time.perf_counter()
    err = subprocess.run(["/usr/bin/time", "-v", *cmd], check=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, cwd=cwd).stderr
    wall = time.perf_counter() - start
    return wall, int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", default=os.path.join(os.path.dirname(__file__), "..", "build", "bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "shardplan-bench"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    report = os.path.join(args.work, f"junit-{args.cases}.xml")
    if not os.path.exists(report):
        write_report(report, args.cases)
    out = os.path.join(args.work, "merged.test_durations")
    # xunit1 names each test's file, so an empty --root is enough (no universe walk to time).
    root = os.path.join(args.work, "empty-root")
    os.makedirs(root, exist_ok=True)
    cmd = [os.path.abspath(os.path.join(args.bin_dir, "shardplan")), "merge", "--junit", report,
           "-o", out]
    results = [run(cmd, root) for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in results)
    rss = max(r[1] for r in results)
    size = os.path.getsize(report)
    print(f"`shardplan merge --junit REPORT -o OUT` on one pytest xunit1 report, median of "
          f"{args.runs} runs.\n")
    print("| testcases | report size | median wall | max RSS | RSS / report size | bound |")
    print("|--:|--:|--:|--:|--:|--:|")
    print(f"| {args.cases:,} | {size / 2**20:.0f} MiB | {wall:.2f} s | {rss / 2**20:.0f} MiB "
          f"| {rss / size:.2f} | {MEMORY_BOUND / 2**20:.0f} MiB "
          f"{'met' if rss < MEMORY_BOUND else '**missed**'} |")


if __name__ == "__main__":
    main()
