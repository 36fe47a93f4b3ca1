#!/usr/bin/env bash
# End-to-end benchmark on a real external suite: networkx's own tests as shipped by Debian's
# python3-networkx. Records durations with one full serial run (the bundled plugin), plans
# N shards, runs every shard through `shardplan run`, then runs the same suite
# whole-tree-per-job with the real pytest-split 0.11.0 plugin from ../shared/anchors (every job
# collects everything and keeps its least_duration group; bench/networkx/conftest.py only
# records which tests ran). Prints per-job wall seconds, makespan over serial/N, the sum of
# job seconds over the serial run, and checks that every test ran exactly once. Then re-records
# the durations from the shardplan jobs' JUnit reports (shardplan merge), fits the overheads to
# their walls (shardplan calibrate), plans again and runs the shards a second time.
# Writes bench/results/networkx.md (scripts/bench.sh puts it into docs/benchmarks.md).
# Not part of the default test run; takes a few minutes (about 3x the suite's serial time).
# Usage: scripts/bench_networkx.sh [N]     env: SHARDPLAN=path/to/shardplan
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shards=${1:-4}
shardplan=${SHARDPLAN:-$root/build/bench/shardplan}
[ -x "$shardplan" ] || shardplan=$root/build/release/shardplan
[ -x "$shardplan" ] || { echo "bench_networkx: build shardplan first (cmake --build --preset bench)" >&2; exit 2; }
source_dir=/usr/lib/python3/dist-packages/networkx
[ -d "$source_dir" ] || { echo "bench_networkx: apt-get install python3-networkx" >&2; exit 2; }
py=/usr/bin/python3
anchors=${SHARDPLAN_ANCHORS:-$root/../shared/anchors}/pytest-split-0.11.0
[ -d "$anchors/pytest_split" ] || { echo "bench_networkx: pytest-split 0.11.0 not found at $anchors" >&2; exit 2; }

work=$(mktemp -d /tmp/shardplan-networkx.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A private copy, so pytest's caches and __pycache__ stay out of /usr; pytest.ini makes the
# copy the rootdir (node ids "networkx/.../test_x.py::..."), the conftest is the helper above.
cp -r "$source_dir" "$work/networkx"
find "$work/networkx" -name __pycache__ -prune -exec rm -rf {} +
printf '[pytest]\naddopts = -p no:cacheprovider\n' > "$work/pytest.ini"
cp "$root/bench/networkx/conftest.py" "$work/conftest.py"
cd "$work"
export PYTHONDONTWRITEBYTECODE=1

now() { date +%s.%N; }
# run LABEL LOGFILE CMD...: runs CMD, prints and records its wall seconds (pytest exit 0/1 ok).
run() {
  local label=$1 log=$2; shift 2
  local start end status=0
  start=$(now)
  "$@" > "$log" 2>&1 || status=$?
  end=$(now)
  if [ "$status" -gt 1 ]; then echo "bench_networkx: $label exited $status; see:" >&2; tail -20 "$log" >&2; exit 1; fi
  local secs; secs=$($py -c "print(f'{$end - $start:.2f}')")
  echo "$label $secs" >> walls.txt
  echo "  $label: $secs s ($(tail -1 "$log" | tr -d '=' | sed 's/^ *//'))" >&2
}

echo "bench_networkx: $(python3 -c 'import networkx; print("networkx", networkx.__version__)'), pytest $($py -m pytest --version 2>&1 | awk '{print $2}'), N=$shards, in $work" >&2
plugin=$("$shardplan" plugin-path)
echo "serial run (records durations):" >&2
BENCH_NODEIDS_OUT=serial.ids PYTHONPATH=$plugin run serial serial.log \
  $py -m pytest -q -p shardplan_pytest --shardplan-store-durations=durations.json networkx
"$shardplan" plan --root . --durations durations.json --shards "$shards" -o plan.json 2> plan.log
grep -E "makespan|tests timed" plan.log >&2

# The two approaches' jobs alternate (shardplan job i, then whole-tree job i), so a slow spell
# on a shared machine hits both alike instead of one approach's whole run.
echo "job i of shardplan ('shardplan run'), then job i of pytest-split 0.11.0 (least_duration):" >&2
for i in $(seq 1 "$shards"); do
  BENCH_NODEIDS_OUT=shardplan-$i.ids run "shardplan-$i" "shardplan-$i.log" \
    "$shardplan" run --plan plan.json --shard "$i" -- $py -m pytest -q networkx --junitxml="report-$i.xml"
  BENCH_NODEIDS_OUT=wholetree-$i.ids PYTHONPATH=$anchors run "wholetree-$i" "wholetree-$i.log" \
    $py -m pytest -q -p pytest_split.plugin networkx --splits "$shards" --group "$i" \
    --durations-path durations.json --splitting-algorithm least_duration
done

# The loop a user would run next: durations re-recorded from the shards' own reports
# (shardplan merge; each test timed in a process that ran only its shard), the overheads fitted
# to the shards' wall times (shardplan calibrate), then a new plan and a second run.
walls_args=()
for i in $(seq 1 "$shards"); do walls_args+=(--wall "$i=$(awk -v k="shardplan-$i" '$1 == k {print $2}' walls.txt)"); done
"$shardplan" merge --root . --junit 'report-*.xml' -o durations-merged.json 2> merge.log
"$shardplan" calibrate --plan plan.json "${walls_args[@]}" --junit 'report-*.xml' -o model.json 2> calibrate.log
"$shardplan" plan --root . --durations durations-merged.json --shards "$shards" --model model.json \
  -o plan-calibrated.json 2> plan-calibrated.log
echo "calibrated: $(tr -d '\n ' < model.json | cut -c1-160)" >&2
grep -E "makespan" plan-calibrated.log >&2
echo "second run: durations from the shards' reports, calibrated model:" >&2
for i in $(seq 1 "$shards"); do
  BENCH_NODEIDS_OUT=calibrated-$i.ids run "calibrated-$i" "calibrated-$i.log" \
    "$shardplan" run --plan plan-calibrated.json --shard "$i" -- $py -m pytest -q networkx
done

$py - "$shards" "$root/bench/results/networkx.md" "$shardplan" <<'PY'
import collections, json, sys
shards, out, binary = int(sys.argv[1]), sys.argv[2], sys.argv[3]
walls = dict(line.split() for line in open("walls.txt"))
walls = {k: float(v) for k, v in walls.items()}
serial_ids = [l.strip() for l in open("serial.ids") if l.strip()]
serial = walls["serial"]
plan = json.load(open("plan.json"))
lines = []
def check(prefix):
    ids = collections.Counter()
    for i in range(1, shards + 1):
        try:
            ids.update(l.strip() for l in open(f"{prefix}-{i}.ids") if l.strip())
        except FileNotFoundError:
            pass
    want = set(serial_ids)
    dup = sum(1 for k, c in ids.items() if c > 1)
    missing, extra = len(want - set(ids)), len(set(ids) - want)
    ok = dup == 0 and missing == 0 and extra == 0
    return ok, f"{sum(ids.values())} tests run; {dup} run twice, {missing} missing, {extra} not in the serial run"
rows = []
for name, prefix in (("shardplan (plan + `shardplan run`)", "shardplan"),
                     ("pytest-split 0.11.0 (real plugin, least_duration; whole tree per job)", "wholetree"),
                     ("shardplan, second run (durations merged from the first run's shard reports, overheads calibrated)", "calibrated")):
    per = [walls[f"{prefix}-{i}"] for i in range(1, shards + 1)]
    ok, text = check(prefix)
    rows.append((name, per, max(per) / (serial / shards), sum(per) / serial, ok, text))
predicted = [s["predicted_seconds"] for s in plan["shards"]]
calibrated = json.load(open("plan-calibrated.json"))
lines.append(f"networkx {__import__('networkx').__version__} (Debian python3-networkx, tests run from a "
             f"private copy), {len(set(serial_ids))} tests, N = {shards}, serial wall {serial:.1f} s "
             f"(includes recording durations). shardplan's plan: {sum(len(s['files']) for s in plan['shards'])} "
             f"whole files, {sum(len(s['slices']) for s in plan['shards'])} slices; predicted shard seconds "
             + ", ".join(f"{p:.1f}" for p in predicted) + f" (lower bound {plan['lower_bound_seconds']:.1f}). "
             f"For the second run, `shardplan merge` re-recorded the durations from the first run's shard reports and `shardplan calibrate` fitted job overhead {calibrated['shard_overhead_seconds']:.2f} s, "
             f"file overhead {calibrated['file_overhead_seconds']:.3f} s; the new plan predicts "
             + ", ".join(f"{s['predicted_seconds']:.1f}" for s in calibrated["shards"]) + ".")
lines.append("")
lines.append("| approach | " + " | ".join(f"job {i} s" for i in range(1, shards + 1))
             + " | makespan / (serial / N) | sum of jobs / serial | every test exactly once |")
lines.append("|---|" + "--:|" * shards + "--:|--:|---|")
for name, per, ratio, total, ok, text in rows:
    lines.append(f"| {name} | " + " | ".join(f"{p:.1f}" for p in per)
                 + f" | {ratio:.2f} | {total:.2f} | {'yes' if ok else '**NO**'}: {text} |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
if not all(r[4] for r in rows):
    sys.exit(1)
PY
