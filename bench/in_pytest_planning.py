#!/usr/bin/python3
"""What planning inside the job costs: `pytest --shardplan-splits N --shardplan-group G` against
plain pytest collecting the same shard, whole processes, on the 30k-test synthetic suite.

1. Generates the suite's timings with bench_gen (30,000 tests in 3,000 files, seed 1, as
   scripts/bench_cli.py) and materializes real test files from them with
   ../shared/tools/materialize.py (cached in --work).
2. Plans it by hand (`shardplan plan --shards N`), to know group G's files.
3. In one run, round-robin, after one warm-up of each: median wall time of
     plain       pytest --collect-only -q <group G's files and slice ids>   (no shardplan)
     in-job      pytest -p shardplan_pytest --shardplan-splits N --shardplan-group G
                        --collect-only -q
     two-step    pytest -p shardplan_pytest --shardplan=plan.json --shardplan-shard=G
                        --collect-only -q
     planner     the binary alone, with the command line the plugin runs
   and the planner time the plugin itself reports ("planned here: ... in X ms").
   in-job minus plain is what in-job planning adds; in-job minus two-step is the planning
   alone; two-step minus plain is the plugin's filter over the whole tree (the existing path).
4. Where the planning time goes: the planner's own phases are not exposed, so the script
   times the binary with the universe given as a list (--files-from, no directory walk), and
   the plugin's JSON decode of the plan (decode_plan) in this process.

Prints a Markdown section (and writes it with --out). Target (issue #12): in-job <= plain + 60 ms.
Python bytecode is cached as after `pip install` (PYTHONDONTWRITEBYTECODE is taken out of the
environment); --no-bytecode-cache measures the machines that set it, where every job compiles
the plugin again.
Usage: /usr/bin/python3 bench/in_pytest_planning.py [--bin-dir DIR] [--runs K] [--work DIR]
           [--shards N] [--group G] [--out FILE] [--no-bytecode-cache]
Exit code: 0 when the target is met, 1 when not. Not part of CI (a few minutes).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
TESTS, FILES = 30_000, 3_000
TARGET_SECONDS = 0.060


def materialize(args, gen):
    """The suite's directory (test files, pytest.ini, .test_durations), generated once."""
    suite = os.path.join(args.work, f"suite-{TESTS}-{FILES}-{args.shape}")
    durations = os.path.join(suite, ".test_durations")
    if os.path.exists(durations):
        return suite
    tool = os.path.join(os.path.dirname(REPO), "shared", "tools", "materialize.py")
    if not os.path.exists(tool):
        sys.exit(f"in_pytest_planning: {tool} is missing (it turns timings into test files)")
    staging = suite + ".partial"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    generated = os.path.join(staging, "generated.json")
    subprocess.run([gen, "--shape", args.shape, str(TESTS), str(FILES), generated], check=True)
    subprocess.run([PYTHON, tool, generated, staging], check=True, stdout=subprocess.DEVNULL)
    os.replace(generated, os.path.join(staging, ".test_durations"))
    os.replace(staging, suite)
    return suite


def timed(command, cwd, env):
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"in_pytest_planning: {command[:6]}... exited {proc.returncode}:\n"
                 f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def collected_count(output):
    match = re.search(r"(\d+)(?:/\d+)? tests? collected", output)  # kept/collected
    return int(match.group(1)) if match else -1


def plugin_decode_seconds(plugin_dir, plan_path, group, runs):
    """Median seconds of the plugin's own decode of the plan (json + ShardView), in process."""
    sys.path.insert(0, plugin_dir)
    import shardplan_pytest  # noqa: E402  (the binary's embedded copy)
    with open(plan_path, "rb") as stream:
        raw = stream.read()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        shardplan_pytest.decode_plan(raw, group)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), len(raw)


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", default=os.path.join(REPO, "build", "bench"),
                        help="holds the release shardplan and bench_gen")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work",
                        default=os.path.join(tempfile.gettempdir(), "shardplan-bench-inpy"))
    parser.add_argument("--shards", type=int, default=38)
    parser.add_argument("--group", type=int, default=1)
    parser.add_argument("--out")
    parser.add_argument("--shape", choices=("zipf", "uniform", "legacy"), default="zipf",
                        help="bench_gen's suite shape (default zipf: skewed file sizes, deep "
                             "paths; legacy: the suite issue 12 set its target on)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run pytest with PYTHONDONTWRITEBYTECODE=1: every job compiles the "
                             "plugin (and pytest's assertion rewrite of it) again")
    args = parser.parse_args()
    bin_dir = os.path.abspath(args.bin_dir)
    binary, gen = os.path.join(bin_dir, "shardplan"), os.path.join(bin_dir, "bench_gen")
    for needed in (binary, gen):
        if not os.path.exists(needed):
            sys.exit(f"in_pytest_planning: {needed} is missing: build the bench preset "
                     f"(cmake --preset bench && cmake --build --preset bench) or pass --bin-dir")
    os.makedirs(args.work, exist_ok=True)
    suite = materialize(args, gen)
    plugin_dir = subprocess.run([binary, "plugin-path"], check=True, stdout=subprocess.PIPE,
                                text=True).stdout.strip()
    env = dict(os.environ, SHARDPLAN_BINARY=binary)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (plugin_dir, env.get("PYTHONPATH")) if p)
    env.pop("PYTEST_ADDOPTS", None)
    # pip compiles an installed wheel's modules, and pytest caches its rewrite of a plugin in
    # __pycache__: the state of every job after the first on a machine. PYTHONDONTWRITEBYTECODE
    # (set on some machines and images) makes each job compile the 70 KB plugin again.
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        shutil.rmtree(os.path.join(plugin_dir, "__pycache__"), ignore_errors=True)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    major = subprocess.run([PYTHON, "-c", "import pytest; print(pytest.__version__)"], env=env,
                           check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    plan = os.path.join(args.work, "plan.json")
    pytest_args = ["-p", "shardplan_pytest", "--collect-only", "-q"]
    planner = [binary, "plan", "--shards", str(args.shards), "--root", ".", "--pytest-version",
               str(min(max(int(major.split(".")[0]), 7), 9)), "--durations",
               os.path.join(suite, ".test_durations")]
    subprocess.run(planner + ["-o", plan, "--"] + pytest_args, cwd=suite, env=env, check=True,
                   stderr=subprocess.DEVNULL)
    with open(plan, encoding="utf-8") as stream:
        data = json.load(stream)
    shard = data["shards"][args.group - 1]
    selection = subprocess.run([binary, "show", "--plan", plan, "--shard", str(args.group)],
                               check=True, stdout=subprocess.PIPE, text=True).stdout.split("\n")
    selection = [line for line in selection if line]
    files_list = os.path.join(args.work, "files.txt")
    with open(files_list, "w", encoding="utf-8") as stream:
        stream.write("".join(path + "\n" for path in sorted(
            {f for s in data["shards"] for f in s["files"]}
            | {p["file"] for s in data["shards"] for p in s["slices"]})))

    cases = {
        "plain": [PYTHON, "-m", "pytest", "--collect-only", "-q"] + selection,
        "in-job": [PYTHON, "-m", "pytest"] + pytest_args + [
            f"--shardplan-splits={args.shards}", f"--shardplan-group={args.group}"],
        "two-step": [PYTHON, "-m", "pytest"] + pytest_args + [
            f"--shardplan={plan}", f"--shardplan-shard={args.group}"],
        "planner": planner + ["--"] + pytest_args,
        "planner, no walk": [binary, "plan", "--shards", str(args.shards), "--files-from",
                             files_list, "--durations", os.path.join(suite, ".test_durations")],
    }
    walls = {name: [] for name in cases}
    counts, reported, waited = {}, [], []
    for round_index in range(args.runs + 1):  # round 0 is the warm-up
        for name, command in cases.items():
            elapsed, output = timed(command, suite, env)
            if round_index == 0:
                counts[name] = collected_count(output)
                continue
            walls[name].append(elapsed)
            found = re.search(r"planned here: .* in (\d+) ms, (\d+) ms of it waited", output)
            if found:
                reported.append(int(found.group(1)) / 1000)
                waited.append(int(found.group(2)) / 1000)
    median = {name: statistics.median(samples) for name, samples in walls.items()}
    decode, plan_bytes = plugin_decode_seconds(plugin_dir, plan, args.group, max(args.runs, 5))
    added = median["in-job"] - median["plain"]
    fastest = {name: min(samples) for name, samples in walls.items()}
    met = added <= TARGET_SECONDS
    load = os.getloadavg()[0]

    with open(os.path.join(suite, ".test_durations"), encoding="utf-8") as stream:
        suite_files = len({test.split("::")[0] for test in json.load(stream)})
    lines = [
        f"Command: `/usr/bin/python3 bench/in_pytest_planning.py --bin-dir build/bench` "
        f"(release binary). Suite: {TESTS:,} generated tests in {suite_files:,} "
        f"files (bench_gen --shape {args.shape} seed 1, made collectable by "
        f"../shared/tools/materialize.py), "
        f"N = {args.shards}, group {args.group}: {len(shard['files'])} whole files and "
        f"{len(shard['slices'])} slices, {counts['in-job']} tests. pytest {major}, "
        f"{os.cpu_count()} cores; whole processes, median of {args.runs} rounds after one "
        f"warm-up round, the cases interleaved within each round; Python bytecode "
        f"{'not cached (PYTHONDONTWRITEBYTECODE=1: the plugin is compiled in every job)' if args.no_bytecode_cache else 'cached as after pip install'}.",
        "",
        "| case | command | median | min | max | tests collected |",
        "|---|---|--:|--:|--:|--:|",
    ]
    described = {
        "plain": "`pytest --collect-only -q` + the group's files and slice ids (no plugin)",
        "in-job": f"`pytest --shardplan-splits {args.shards} --shardplan-group {args.group} "
                  f"--collect-only -q`",
        "two-step": f"`pytest --shardplan=plan.json --shardplan-shard={args.group} "
                    f"--collect-only -q`",
        "planner": "the binary alone: `shardplan plan` as the plugin runs it (directory walk)",
        "planner, no walk": "`shardplan plan --files-from LIST` (the same universe, no walk)",
    }
    for name in cases:
        samples = walls[name]
        count = counts[name] if counts[name] >= 0 else "-"
        lines.append(f"| {name} | {described[name]} | {ms(median[name])} | {ms(min(samples))} "
                     f"| {ms(max(samples))} | {count} |")
    lines += [
        "",
        f"- in-job planning adds **{ms(added)}** to the job (in-job - plain; target <= "
        f"{ms(TARGET_SECONDS)}: {'met' if met else '**missed**'}).",
        f"- in-job - two-step: {ms(median['in-job'] - median['two-step'])} (a group of a plan "
        f"made in the job skips the directories without its files; a plan made before may "
        f"be stale, so the two-step path walks every directory); "
        f"the planner run as the plugin reports it: median {ms(statistics.median(reported))} "
        f"from start to plan, of which the job waited {ms(statistics.median(waited))} (the "
        f"rest overlapped pytest's start-up: conftests, plugin configuration); "
        f"the binary alone {ms(median['planner'])}, {ms(median['planner, no walk'])} of it "
        f"without the directory walk (so the walk costs about "
        f"{ms(median['planner'] - median['planner, no walk'])}); the plugin's decode of the "
        f"{plan_bytes / 1024:.0f} KiB plan: {decode * 1000:.1f} ms.",
        f"- the plugin's filter over the whole tree, the existing two-step path (two-step - "
        f"plain): {ms(median['two-step'] - median['plain'])}.",
        f"- on the fastest of the {args.runs} rounds instead of the medians: in-job - plain "
        f"{ms(fastest['in-job'] - fastest['plain'])}.",
        f"- load average (1 min) at the end: {load:.1f}.",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as stream:
            stream.write(text)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
