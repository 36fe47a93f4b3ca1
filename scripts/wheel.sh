#!/usr/bin/env bash
# Builds the shardplan wheel with a standard PEP 517 backend (setuptools, through
# `pip wheel --no-build-isolation`, all from Debian's packages):
#   dist/shardplan-VERSION-py3-none-manylinux_X_Y_ARCH.whl
# X.Y is the highest GLIBC_X.Y symbol version the static binary needs, so pip installs the
# wheel only where that glibc is. The package is staged in build/dist/wheel from
# packaging/wheel, the binary of the `dist` preset and python/shardplan_pytest.py (copied here,
# never kept twice in git). Prints the wheel's path. SHARDPLAN_DIST_DIR overrides dist/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out=${SHARDPLAN_DIST_DIR:-$repo/dist}
binary=$(bash scripts/dist-binary.sh)

version=$("$binary" --version | awk '{print $2}')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "wheel: bad version '$version'" >&2; exit 1; }
glibc=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
[[ $glibc =~ ^([0-9]+)\.([0-9]+) ]] || { echo "wheel: no GLIBC_x.y in $binary" >&2; exit 1; }
arch=$(uname -m)
platform="manylinux_${BASH_REMATCH[1]}_${BASH_REMATCH[2]}_${arch}"

stage=$repo/build/dist/wheel
rm -rf "$stage"
mkdir -p "$stage/shardplan/_bin" "$out"
cp packaging/wheel/pyproject.toml packaging/wheel/setup.py "$stage/"
cp packaging/wheel/shardplan/*.py "$stage/shardplan/"
cp python/shardplan_pytest.py "$stage/"
install -m 0755 "$binary" "$stage/shardplan/_bin/shardplan"
echo "$version" >"$stage/VERSION"
echo "$platform" >"$stage/PLATFORM_TAG"

wheel=$out/shardplan-$version-py3-none-$platform.whl
rm -f "$wheel"
/usr/bin/python3 -m pip wheel --quiet --no-build-isolation --no-deps --no-index \
  --no-cache-dir --wheel-dir "$out" "$stage" >&2
[ -f "$wheel" ] || { echo "wheel: pip did not write $wheel" >&2; exit 1; }
echo "$wheel"
