#!/bin/sh
# Builds the libFuzzer targets (the 'fuzz' preset, clang) and runs each for a bounded time on a
# seed corpus taken from the test fixtures. Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]
# (default 20). Exits non-zero when a target finds a crash; the reproducer is left in $WORK.
set -eu
cd "$(dirname "$0")/../.."
seconds="${1:-${FUZZ_SECONDS:-20}}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_durations fuzz_junit fuzz_pytest_config
bin=build/fuzz/tests/fuzz
work="${WORK:-$(mktemp -d)}"
echo "fuzz: corpora and any crash reproducers in $work"

seed() {  # seed TARGET FILE... : copies seeds, with a selector byte prefixed when asked
  target="$1"; prefix="$2"; shift 2
  mkdir -p "$work/$target"
  for file in "$@"; do
    [ -f "$file" ] || continue
    name="$(echo "$file" | tr '/' '_')"
    { printf "$prefix"; cat "$file"; } > "$work/$target/$name"
  done
}

seed fuzz_durations "" examples/demo/.test_durations
printf '{"a.py::t": 1.5, "b.py::u": NaN}' > "$work/fuzz_durations/inline.json"
seed fuzz_junit '\007' tests/fixtures/junit/*.xml
seed fuzz_pytest_config '\000' $(find tests examples -name pyproject.toml -not -path '*/build/*' 2>/dev/null)
seed fuzz_pytest_config '\001' $(find tests examples -name pytest.ini -not -path '*/build/*' 2>/dev/null)
seed fuzz_pytest_config '\002' $(find tests examples -name setup.cfg -not -path '*/build/*' 2>/dev/null)
printf '\001[pytest]\ntestpaths = tests\naddopts = --ignore=tests/x "-k a"\n' > "$work/fuzz_pytest_config/inline.ini"

status=0
for target in fuzz_durations fuzz_junit fuzz_pytest_config; do
  echo "fuzz: $target for ${seconds}s"
  (cd "$work" && "$OLDPWD/$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "$target") || status=1
done
exit $status
