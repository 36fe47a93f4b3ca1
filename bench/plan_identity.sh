#!/usr/bin/env bash
# Byte-identity sweep for planner refactors: plans every data set in /work/shared/data (or
# DATA_DIR) for N = 2..100 shards and prints one "dataset N sha256" line per plan. Run it
# before and after a change and diff the two outputs; they must be identical. PLAN_ARGS adds
# options to every plan (e.g. PLAN_ARGS='--file-overhead 2').
#
#   bench/plan_identity.sh build/dev/shardplan > before.txt
#   ... change the planner, rebuild ...
#   bench/plan_identity.sh build/dev/shardplan > after.txt && diff before.txt after.txt
set -euo pipefail

bin=${1:?usage: plan_identity.sh SHARDPLAN_BIN [MIN_N MAX_N]}
min_n=${2:-2}
max_n=${3:-100}
data_dir=${DATA_DIR:-/work/shared/data}
read -r -a plan_args <<< "${PLAN_ARGS:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for durations in "$data_dir"/*/test_durations.json; do
  dir=$(dirname "$durations")
  name=$(basename "$dir")
  for ((n = min_n; n <= max_n; n++)); do
    out="$work/plan.json"
    if "$bin" plan --shards "$n" --durations "$durations" --files-from "$dir/files.txt" \
         "${plan_args[@]}" -o "$out" > "$work/stdout" 2> "$work/stderr"; then
      echo "$name $n $(sha256sum < "$out" | cut -d' ' -f1)"
    else
      # A refused N (more shards than the suite supports) must be refused identically too.
      echo "$name $n exit=$? $(cat "$work/stdout" "$work/stderr" | sha256sum | cut -d' ' -f1)"
    fi
  done
done
