#!/usr/bin/env bash
# The README's main job: build shardplan, plan the bundled example into 4 shards, run every
# shard with real pytest through `shardplan run`, and print predicted against measured seconds.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shards=${SHARDS:-4}
bash "$repo/scripts/setup.sh"
cmake --preset release -S "$repo" >/dev/null
cmake --build --preset release >/dev/null
bin="$repo/build/release/shardplan"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo/examples/demo"
"$bin" plan --shards "$shards" --durations .test_durations -o "$work/plan.json"
"$bin" check --plan "$work/plan.json"
failed=0
for ((i = 1; i <= shards; i++)); do
  echo "== shard $i/$shards =="
  "$bin" run --plan "$work/plan.json" --shard "$i" -- /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    2> >(tee "$work/shard-$i.err" >&2) || failed=1
done
echo
printf '%-7s %12s %12s %6s\n' shard predicted measured exit
for ((i = 1; i <= shards; i++)); do
  sed -n 's/^shardplan: shard \([0-9]*\)\/[0-9]*: predicted \(.*\) s, measured \(.*\) s, exit code \(.*\)$/\1 \2 \3 \4/p' \
    "$work/shard-$i.err" | while read -r index predicted measured code; do
    printf '%-7s %10s s %10s s %6s\n' "$index" "$predicted" "$measured" "$code"
  done
done
exit "$failed"
