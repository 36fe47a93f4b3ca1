#!/usr/bin/env bash
# Collection time per job on networkx (Debian's python3-networkx, a private copy) split N ways
# with one subpackage excluded (issue #20). Records durations over the scope with one serial
# run (the bundled plugin; pytest-split's format), then times `pytest --collect-only -q` for
# every job of three approaches:
#   shardplan     plan --exclude SUB, then `shardplan run --plan --shard G -- pytest --collect-only networkx`
#                 (the plan's scope keeps SUB out; no --ignore on the command line)
#   whole tree    every job collects the whole scope (`--ignore=SUB`), no split
#   pytest-split  0.11.0 from ../shared/anchors: `--ignore=SUB --splits N --group G
#                 --durations-path durations.json --splitting-algorithm least_duration`
# Median of 3 runs per job; the rounds alternate the approaches job by job (shardplan job 1,
# whole tree job 1, pytest-split job 1, shardplan job 2, ...) so noise hits all alike. Checks
# that each splitting approach's jobs collect the whole scope's ids exactly once.
# Writes bench/results/scope_networkx.md (scripts/bench.sh --networkx puts it into
# docs/benchmarks.md). Not part of CI; a few minutes (the serial run dominates).
# Usage: scripts/bench_scope_networkx.sh [N] [EXCLUDED]   (defaults: 4 networkx/generators)
#        env: SHARDPLAN=path/to/shardplan  SHARDPLAN_ANCHORS=../shared/anchors
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shards=${1:-4}
excluded=${2:-networkx/generators}
shardplan=${SHARDPLAN:-}
if [ -z "$shardplan" ]; then
  for dir in b3 bench release dev; do
    [ -x "$root/build/$dir/shardplan" ] && { shardplan=$root/build/$dir/shardplan; break; }
  done
fi
[ -n "$shardplan" ] && [ -x "$shardplan" ] || { echo "bench_scope_networkx: build shardplan first" >&2; exit 2; }
anchors=${SHARDPLAN_ANCHORS:-$root/../shared/anchors}/pytest-split-0.11.0
[ -d "$anchors/pytest_split" ] || { echo "bench_scope_networkx: pytest-split 0.11.0 not found at $anchors" >&2; exit 2; }
source_dir=/usr/lib/python3/dist-packages/networkx
[ -d "$source_dir" ] || { echo "bench_scope_networkx: apt-get install python3-networkx" >&2; exit 2; }
[ -d "$source_dir/${excluded#networkx/}" ] || { echo "bench_scope_networkx: no $excluded in networkx" >&2; exit 2; }
py=/usr/bin/python3

work=$(mktemp -d /tmp/shardplan-scope-networkx.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir" "$work/networkx"
find "$work/networkx" -name __pycache__ -prune -exec rm -rf {} +
printf '[pytest]\naddopts = -p no:cacheprovider\n' > "$work/pytest.ini"
cd "$work"
export PYTHONDONTWRITEBYTECODE=1

echo "bench_scope_networkx: networkx $($py -c 'import networkx; print(networkx.__version__)'), pytest $($py -m pytest --version 2>&1 | awk '{print $2}'), N=$shards, excluded $excluded, $shardplan, in $work" >&2
echo "serial run over the scope (records durations)..." >&2
start=$(date +%s)
PYTHONPATH=$("$shardplan" plugin-path) $py -m pytest -q -p shardplan_pytest \
  --shardplan-store-durations=durations.json networkx "--ignore=$excluded" > serial.log 2>&1 || {
  status=$?; [ "$status" -le 1 ] || { tail -20 serial.log >&2; exit 1; }; }
echo "  $(tail -1 serial.log | tr -d '=' | sed 's/^ *//') ($(( $(date +%s) - start )) s)" >&2
"$shardplan" plan --root . --shards "$shards" --durations durations.json --exclude "$excluded" \
  -o plan.json 2> plan.log
grep -E "makespan" plan.log >&2

$py - "$shards" "$excluded" "$shardplan" "$anchors" "$root/bench/results/scope_networkx.md" <<'PY'
import collections, json, os, statistics, subprocess, sys, time
shards, excluded, shardplan, anchors, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
py = "/usr/bin/python3"
collect = [py, "-m", "pytest", "--collect-only", "-q"]
split_env = dict(os.environ, PYTHONPATH=anchors)

def command(approach, group):
    if approach == "shardplan":
        return [shardplan, "run", "--plan", "plan.json", "--shard", str(group), "--", *collect, "networkx"], None
    if approach == "whole":
        return [*collect, "networkx", f"--ignore={excluded}"], None
    return [*collect, "-p", "pytest_split.plugin", "networkx", f"--ignore={excluded}", "--splits", str(shards),
            "--group", str(group), "--durations-path", "durations.json",
            "--splitting-algorithm", "least_duration"], split_env

def run(approach, group):
    cmd, env = command(approach, group)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{approach} job {group} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    ids = [l for l in proc.stdout.splitlines() if l.startswith("networkx/") and "::" in l]
    return wall, ids

approaches = [("shardplan", "shardplan (plan `--exclude`, `shardplan run`)"),
              ("whole", "whole tree per job (`--ignore`, no split)"),
              ("split", "pytest-split 0.11.0 (`--ignore`, `--splits`, least_duration)")]
walls = collections.defaultdict(list)
ids = {}
for rep in range(3):
    for group in range(1, shards + 1):
        for key, _ in approaches:
            wall, got = run(key, group)
            walls[key, group].append(wall)
            ids[key, group] = got
    print(f"  round {rep + 1} of 3 done", file=sys.stderr)

scope = ids["whole", 1]
plan = json.load(open("plan.json"))
durations = json.load(open("durations.json"))
lines = [
    f"networkx {__import__('networkx').__version__} (Debian python3-networkx, a private copy), "
    f"`{excluded}` excluded: {len(scope)} tests in scope, {len(durations)} with a recorded duration "
    f"(one serial run over the scope). N = {shards}. Wall seconds of `pytest --collect-only -q` per job, "
    f"median of 3 runs; the runs alternate the approaches job by job. shardplan's plan: "
    f"{sum(len(s['files']) for s in plan['shards'])} whole files, "
    f"{sum(len(s['slices']) for s in plan['shards'])} slices, scope {json.dumps(plan['scope']['exclude'])} excluded.",
    "",
    "| approach | " + " | ".join(f"job {g} s" for g in range(1, shards + 1))
    + " | slowest job s | sum of jobs s | tests per job | every test exactly once |",
    "|---|" + "--:|" * shards + "--:|--:|---|---|",
]
for key, name in approaches:
    med = [statistics.median(walls[key, g]) for g in range(1, shards + 1)]
    counts = [len(ids[key, g]) for g in range(1, shards + 1)]
    if key == "whole":
        once = "n/a (each job collects all)"
    else:
        c = collections.Counter(i for g in range(1, shards + 1) for i in ids[key, g])
        twice = sum(1 for v in c.values() if v > 1)
        missing, extra = len(set(scope) - set(c)), len(set(c) - set(scope))
        once = "yes" if not (twice or missing or extra) else f"**NO**: {twice} twice, {missing} missing, {extra} extra"
    lines.append(f"| {name} | " + " | ".join(f"{m:.2f}" for m in med)
                 + f" | {max(med):.2f} | {sum(med):.2f} | {', '.join(map(str, counts))} | {once} |")
slowest = {key: max(statistics.median(walls[key, g]) for g in range(1, shards + 1)) for key, _ in approaches}
total = {key: sum(statistics.median(walls[key, g]) for g in range(1, shards + 1)) for key, _ in approaches}
lines.append("")
lines.append(f"Slowest job: shardplan {slowest['shardplan']:.2f} s, {slowest['shardplan'] / slowest['whole']:.2f}x the "
             f"whole tree's {slowest['whole']:.2f} s and {slowest['shardplan'] / slowest['split']:.2f}x pytest-split's "
             f"{slowest['split']:.2f} s; all jobs together {total['shardplan']:.1f} s against {total['whole']:.1f} s and "
             f"{total['split']:.1f} s. pytest-split imports every file of the scope in every job and then deselects; "
             f"a shardplan job imports only its own files, and the excluded subpackage is left out by the plan's "
             f"scope, not by a command-line `--ignore`.")
spread = {key: max(max(walls[key, g]) - min(walls[key, g]) for g in range(1, shards + 1)) for key, _ in approaches}
lines.append("")
lines.append("Largest spread of one job's 3 runs: " + ", ".join(f"{k} {v:.2f} s" for k, v in spread.items())
             + f". Load average at the end: {os.getloadavg()[0]:.1f} (2 cores).")
os.makedirs(os.path.dirname(out), exist_ok=True)
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
