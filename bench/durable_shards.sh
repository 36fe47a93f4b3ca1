#!/usr/bin/env bash
# What durable shards cost (issue #11, src/core/plan/secure.h): plans every data set in
# /work/shared/data (or DATA_DIR) for N = 2..100 with two binaries, the one before the securing
# pass and the one after, and prints per data set: plans that differ, shards that depend only on
# listed tests (before / after), and the worst and mean makespan / lower bound of each.
#
#   bench/durable_shards.sh OLD_SHARDPLAN NEW_SHARDPLAN [MIN_N MAX_N]
set -euo pipefail
old=${1:?usage: durable_shards.sh OLD_BIN NEW_BIN [MIN_N MAX_N]}
new=${2:?usage: durable_shards.sh OLD_BIN NEW_BIN [MIN_N MAX_N]}
min_n=${3:-2}
max_n=${4:-100}
data_dir=${DATA_DIR:-/work/shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One line per plan: "ratio exposed" (ratio from the summary line, exposed from the warnings).
plan_line() {
  local bin=$1 dir=$2 n=$3 out=$4
  if "$bin" plan --shards "$n" --durations "$dir/test_durations.json" --files-from "$dir/files.txt" \
       -o "$out" > "$work/stdout" 2> "$work/stderr"; then
    local ratio exposed
    ratio=$(sed -n 's/.*lower bound .* s (\([0-9.]*\)x).*/\1/p' "$work/stdout" "$work/stderr" | head -1)
    exposed=$(grep -c "runs only .* listed test" "$work/stderr" || true)
    echo "$ratio $exposed"
  else
    echo "refused 0"
  fi
}

printf '%-24s %6s %8s %15s %15s %15s %15s\n' dataset files changed exposed_before exposed_after \
  "worst_ratio_b/a" "mean_ratio_b/a"
for durations in "$data_dir"/*/test_durations.json; do
  dir=$(dirname "$durations")
  name=$(basename "$dir")
  changed=0
  : > "$work/rows"
  for ((n = min_n; n <= max_n; n++)); do
    read -r r_old e_old < <(plan_line "$old" "$dir" "$n" "$work/old.json")
    read -r r_new e_new < <(plan_line "$new" "$dir" "$n" "$work/new.json")
    [ "$r_old" = refused ] && continue
    cmp -s "$work/old.json" "$work/new.json" || changed=$((changed + 1))
    echo "$r_old $e_old $r_new $e_new" >> "$work/rows"
  done
  awk -v name="$name" -v files="$(wc -l < "$dir/files.txt")" -v changed="$changed" '
    { eb += $2; ea += $4; if ($1 > wb) wb = $1; if ($3 > wa) wa = $3; sb += $1; sa += $3; k++ }
    END { printf "%-24s %6d %8d %15d %15d %7.3f/%-7.3f %7.4f/%-7.4f\n",
          name, files, changed, eb, ea, wb, wa, sb / k, sa / k }' "$work/rows"
done
