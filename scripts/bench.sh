#!/usr/bin/env bash
# Regenerates docs/benchmarks.md: builds the "bench" preset (or the given build directory with
# the same settings), then
#   - balance on the real data in ../shared/data (bench_quality; seconds): the pytest-split
#     columns from pytest-split 0.11.0's real code in ../shared/anchors (bench/anchor_groups.py),
#     the clean-room re-implementations when the anchor is absent (labelled so);
#   - whole-process time and peak memory of `shardplan plan` on the skewed and uniform shapes,
#     beside a clean-room Python packer and pytest-split's real planning code, and a scaling
#     table (scripts/bench_cli.py; ~10 minutes, most of it pytest-split at 1M tests);
#   - the JUnit reader (scripts/bench_junit.py) and the pipeline stages (bench_plan, Google
#     Benchmark; ~2-3 minutes), the xdist suffix check (a few minutes);
#   - the networkx end-to-end results (rerun them with --networkx; a few minutes).
# Parts not rerun keep their text from the current docs/benchmarks.md (bench/assemble_docs.py).
# Usage: scripts/bench.sh [--quick | --speed] [--networkx] [--build-dir DIR] [--no-anchor-1m]
#   --quick      balance tables only
#   --speed      the speed part only (whole process, JUnit, stages)
#   --build-dir  build there instead of build/bench (e.g. build/h-bench)
# env: SHARDPLAN_BENCH_DATA (default ../shared/data), SHARDPLAN_ANCHORS (default ../shared/anchors)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${SHARDPLAN_BENCH_DATA:-$root/../shared/data}
export SHARDPLAN_ANCHORS=${SHARDPLAN_ANCHORS:-$root/../shared/anchors}
anchors=$SHARDPLAN_ANCHORS/pytest-split-0.11.0
quick=0 speed_only=0 networkx=0 bin=$root/build/bench cli_args=()
usage() { echo "usage: scripts/bench.sh [--quick | --speed] [--networkx] [--build-dir DIR] [--no-anchor-1m]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --speed) speed_only=1 ;;
    --networkx) networkx=1 ;;
    --no-anchor-1m) cli_args+=(--no-anchor-1m) ;;
    --build-dir) [ $# -ge 2 ] || usage; bin=$(realpath -m "$2"); shift ;;
    *) usage ;;
  esac
  shift
done
[ "$quick" = 1 ] && [ "$speed_only" = 1 ] && usage
cd "$root"
build_log=$(mktemp)
units=$(mktemp -d)
trap 'rm -rf "$build_log" "$units"' EXIT
if [ "$bin" = "$root/build/bench" ]; then
  configure=(cmake --preset bench)
else
  configure=(cmake --preset bench -B "$bin")
fi
if ! { "${configure[@]}" && cmake --build "$bin" -j2; } > "$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "bench: build failed" >&2
  exit 1
fi
results=$root/bench/results
mkdir -p "$results"

if [ "$speed_only" = 0 ]; then
  datasets=()
  for dir in "$data"/*/; do [ -f "$dir/test_durations.json" ] && datasets+=("${dir%/}"); done
  if [ ${#datasets[@]} = 0 ]; then
    echo "bench: no datasets (*/test_durations.json) in $data: set SHARDPLAN_BENCH_DATA" >&2
    exit 1
  fi
  echo "bench: balance on ${#datasets[@]} datasets" >&2
  if [ -d "$anchors/pytest_split" ]; then
    "$bin/bench_quality" --export-units "$units" "${datasets[@]}"
    /usr/bin/python3 "$root/bench/anchor_groups.py" --anchors "$anchors" "$units"
    "$bin/bench_quality" --anchor "$units" "${datasets[@]}" > "$results/quality.md.tmp"
  else
    echo "bench: $anchors is absent: the pytest-split columns are the clean-room re-implementations" >&2
    "$bin/bench_quality" "${datasets[@]}" > "$results/quality.md.tmp"
  fi
  mv "$results/quality.md.tmp" "$results/quality.md"
fi

if [ "$quick" = 0 ]; then
  echo "bench: whole process (pytest-split at 1M tests takes over a minute)" >&2
  /usr/bin/python3 "$root/scripts/bench_cli.py" --bin-dir "$bin" "${cli_args[@]}" > "$results/cli.md.tmp"
  mv "$results/cli.md.tmp" "$results/cli.md"
  echo "bench: JUnit streaming" >&2
  /usr/bin/python3 "$root/scripts/bench_junit.py" --bin-dir "$bin" > "$results/junit.md.tmp"
  mv "$results/junit.md.tmp" "$results/junit.md"
  echo "bench: pipeline stages (Google Benchmark)" >&2
  "$bin/bench_plan" --benchmark_min_time=0.2 --benchmark_out="$results/bench_plan.json" \
    --benchmark_out_format=json > /dev/null
  /usr/bin/python3 "$root/scripts/bench_report.py" "$results/bench_plan.json" > "$results/speed.md"
  if [ "$speed_only" = 0 ]; then
    echo "bench: xdist @group suffixes through real pytest (a few minutes)" >&2
    /usr/bin/python3 "$root/bench/xdist_suffix.py" --shardplan "$bin/shardplan" \
      --out "$results/xdist_suffix.md" > /dev/null || true
  fi
fi
if [ "$networkx" = 1 ]; then
  echo "bench: networkx end to end" >&2
  SHARDPLAN=$bin/shardplan bash "$root/scripts/bench_networkx.sh" 4 > /dev/null
  SHARDPLAN=$bin/shardplan bash "$root/scripts/bench_scope_networkx.sh" 4 > /dev/null
fi

/usr/bin/python3 "$root/bench/assemble_docs.py" --root "$root"
echo "bench: wrote docs/benchmarks.md" >&2
