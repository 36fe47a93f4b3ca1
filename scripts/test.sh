#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs every test (unit,
# property, golden CLI, end-to-end with real pytest, the plugin's own tests) under the dev
# preset, and again under AddressSanitizer + UBSan; then the fuzz targets for a bounded time.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
presets=${SHARDPLAN_TEST_PRESETS:-dev asan}
# Style first: clang-format over src/, tests/ and bench/ (the .clang-format at the root).
if command -v clang-format >/dev/null; then
  echo "== format-check ==" >&2
  git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h' \
    | xargs clang-format --dry-run --Werror
fi
# Release artifacts (issue #12): the static binary built once (`dist` preset, the binary target
# only), the wheel and the .deb made from it; the dev preset's ctest tests them (tests/package,
# told where they are by these variables, and failing when one is missing).
echo "== release artifacts ==" >&2
SHARDPLAN_DIST_BIN=$(bash scripts/dist-binary.sh)
SHARDPLAN_WHEEL=$(bash scripts/wheel.sh)
SHARDPLAN_DEB=$(bash scripts/deb.sh)
SHARDPLAN_PACKAGE_TESTS=required
export SHARDPLAN_DIST_BIN SHARDPLAN_WHEEL SHARDPLAN_DEB SHARDPLAN_PACKAGE_TESTS
for preset in $presets; do
  echo "== preset $preset ==" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j2
done
# clang-tidy 14 (the .clang-tidy at the root, which says what is off and why) over src/ with the
# dev build's compile commands (after the build: main.cc includes a generated header). Any
# finding fails the script (WarningsAsErrors). About 6.3 CPU-minutes: ~3 min on 2 idle cores.
if [ -f build/dev/compile_commands.json ]; then
  echo "== tidy ==" >&2
  run-clang-tidy-14 -p build/dev -j2 -quiet "^$repo/src/" >&2
fi
# libFuzzer targets (clang) on the JSON, JUnit and pytest-config readers, for a bounded time.
echo "== fuzz ==" >&2
sh tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"
