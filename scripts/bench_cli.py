#!/usr/bin/python3
"""Whole-process timing of `shardplan plan --files-from-timings` on generated suites.

Generates the durations files with build/.../bench_gen (cached in the work directory), then
runs the real binary several times per case and reports the median wall time and the peak
memory (max RSS from /usr/bin/time -v) against the targets of issue 7. Prints a Markdown table.
Usage: bench_cli.py [--bin-dir DIR] [--runs K] [--work DIR]
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

CASES = [  # (tests, files, shards, target seconds, target max RSS bytes or None)
    (30_000, 3_000, 38, 0.050, None),
    (1_000_000, 100_000, 500, 1.0, 1 << 30),
]


def run_once(binary, durations, shards):
    cmd = [binary, "plan", "--files-from-timings", "--durations", durations,
           "--shards", str(shards), "-o", os.devnull]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def max_rss(binary, durations, shards):
    cmd = ["/usr/bin/time", "-v", binary, "plan", "--files-from-timings", "--durations",
           durations, "--shards", str(shards), "-o", os.devnull]
    err = subprocess.run(cmd, check=True, stderr=subprocess.PIPE, text=True).stderr
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", default=os.path.join(os.path.dirname(__file__), "..", "build", "bench"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "shardplan-bench"))
    args = parser.parse_args()
    binary, gen = os.path.join(args.bin_dir, "shardplan"), os.path.join(args.bin_dir, "bench_gen")
    os.makedirs(args.work, exist_ok=True)
    rows, missed = [], []
    for tests, files, shards, target, rss_target in CASES:
        durations = os.path.join(args.work, f"durations-{tests}-{files}.json")
        if not os.path.exists(durations):
            subprocess.run([gen, str(tests), str(files), durations], check=True)
        run_once(binary, durations, shards)  # warm the page cache
        walls = [run_once(binary, durations, shards) for _ in range(args.runs)]
        median = statistics.median(walls)
        rss = max_rss(binary, durations, shards)
        ok_time, ok_rss = median < target, rss_target is None or rss < rss_target
        if not ok_time:
            missed.append(f"{tests:,} tests / {shards} shards: {median * 1000:.0f} ms > {target * 1000:.0f} ms")
        if not ok_rss:
            missed.append(f"{tests:,} tests: max RSS {rss / 2**20:.0f} MiB > {rss_target / 2**20:.0f} MiB")
        rows.append(f"| {tests:,} | {files:,} | {shards} | {os.path.getsize(durations) / 2**20:.1f} MiB "
                    f"| {median * 1000:.0f} ms (min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}) "
                    f"| {target * 1000:.0f} ms | {median / target:.2f} {'' if ok_time else '**missed**'} "
                    f"| {rss / 2**20:.0f} MiB{'' if ok_rss else ' **missed**'} |")
    print(f"`shardplan plan --files-from-timings --durations X --shards N -o /dev/null`, median of "
          f"{args.runs} runs after one warm-up (page cache warm), on this machine ({os.cpu_count()} cores).\n")
    print("| tests | files | shards | file size | median wall | target | median / target | max RSS |")
    print("|--:|--:|--:|--:|--:|--:|--:|--:|")
    print("\n".join(rows))
    print("\n" + ("Targets met." if not missed else "Targets **missed**: " + "; ".join(missed) + "."))


if __name__ == "__main__":
    sys.exit(main())
