#!/usr/bin/env bash
# Regenerates docs/benchmarks.md: builds the "bench" preset, then
#   - balance on the real data in ../shared/data (bench_quality; seconds),
#   - speed of the pipeline stages (bench_plan, Google Benchmark; ~2-3 minutes),
#   - whole-process time and peak memory of `shardplan plan` (scripts/bench_cli.py),
#   - the networkx end-to-end results from bench/results/networkx.md (rerun them with
#     --networkx, or scripts/bench_networkx.sh; a few minutes).
# Usage: scripts/bench.sh [--quick] [--networkx]   (--quick: balance tables only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${SHARDPLAN_BENCH_DATA:-$root/../shared/data}
quick=0 networkx=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --networkx) networkx=1 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--networkx]" >&2; exit 2 ;;
  esac
done
cd "$root"
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! { cmake --preset bench && cmake --build --preset bench; } > "$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "bench: build failed" >&2
  exit 1
fi
bin=$root/build/bench
results=$root/bench/results
mkdir -p "$results"

datasets=()
for dir in "$data"/*/; do [ -f "$dir/test_durations.json" ] && datasets+=("${dir%/}"); done
echo "bench: balance on ${#datasets[@]} datasets" >&2
"$bin/bench_quality" "${datasets[@]}" > "$results/quality.md"

if [ "$quick" = 0 ]; then
  echo "bench: pipeline stages (Google Benchmark)" >&2
  "$bin/bench_plan" --benchmark_min_time=0.2 --benchmark_out="$results/bench_plan.json" \
    --benchmark_out_format=json > /dev/null
  /usr/bin/python3 "$root/scripts/bench_report.py" "$results/bench_plan.json" > "$results/speed.md"
  echo "bench: whole process" >&2
  /usr/bin/python3 "$root/scripts/bench_cli.py" --bin-dir "$bin" > "$results/cli.md"
  echo "bench: JUnit streaming" >&2
  /usr/bin/python3 "$root/scripts/bench_junit.py" --bin-dir "$bin" > "$results/junit.md"
  echo "bench: xdist @group suffixes through real pytest (a few minutes)" >&2; /usr/bin/python3 "$root/bench/xdist_suffix.py" --shardplan "$bin/shardplan" --out "$results/xdist_suffix.md" > /dev/null || true
fi
if [ "$networkx" = 1 ]; then
  echo "bench: networkx end to end" >&2
  SHARDPLAN=$bin/shardplan bash "$root/scripts/bench_networkx.sh" 4 > /dev/null
  SHARDPLAN=$bin/shardplan bash "$root/scripts/bench_scope_networkx.sh" 4 > /dev/null
fi

section() { if [ -f "$results/$1" ]; then cat "$results/$1"; else echo "_Not measured yet: run $2._"; fi; }
{
  cat "$root/bench/notes/intro.md"
  echo
  echo "## 1. Speed"
  echo
  echo "### Whole process"
  echo
  section cli.md "scripts/bench.sh"
  echo
  echo "### Reading 1,000,000 JUnit testcases (streamed)"
  echo
  section junit.md "scripts/bench.sh"
  echo
  echo "### Stages (Google Benchmark, \`build/bench/bench_plan\`)"
  echo
  section speed.md "scripts/bench.sh"
  echo
  cat "$root/bench/notes/speed.md"
  echo
  echo "## 2. Balance on real data"
  echo
  section quality.md "scripts/bench.sh --quick"
  echo
  cat "$root/bench/notes/balance.md"
  echo
  echo "## 3. A real external suite end to end: networkx"
  echo
  echo "Command: \`bash scripts/bench_networkx.sh 4\` (or \`scripts/bench.sh --networkx\`)."
  echo
  section networkx.md "scripts/bench_networkx.sh"
  echo
  cat "$root/bench/notes/networkx.md"
  echo; echo "## 4. xdist \`@group\` suffixes in the timings, measured through real pytest"; echo; echo "Command: \`/usr/bin/python3 bench/xdist_suffix.py\` (also run by \`scripts/bench.sh\`)."; echo; section xdist_suffix.md "bench/xdist_suffix.py"
  echo; echo "## 5. networkx with a subpackage excluded: collection time per job"; echo; echo "Command: \`bash scripts/bench_scope_networkx.sh 4 networkx/generators\` (or \`scripts/bench.sh --networkx\`)."; echo; section scope_networkx.md "scripts/bench_scope_networkx.sh"
} > "$root/docs/benchmarks.md"
echo "bench: wrote docs/benchmarks.md" >&2
