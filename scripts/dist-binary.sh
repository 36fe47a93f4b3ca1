#!/usr/bin/env bash
# Builds the release binary (CMake preset `dist`: optimised, libstdc++/libgcc and every
# third-party library linked in, so it needs only glibc) and prints its path on stdout.
# Up to date, it only checks. scripts/wheel.sh and scripts/deb.sh start with it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cmake --preset dist >/dev/null
cmake --build --preset dist >&2
binary=$repo/build/dist/shardplan
# Refuse to package a binary that would need more than glibc on the user's machine.
others=$(ldd "$binary" | awk '{print $1}' \
  | grep -Ev '^(linux-vdso\.so|/lib64/ld-linux-x86-64\.so|ld-linux|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so)' \
  || true)
if [ -n "$others" ]; then
  echo "dist-binary: $binary links more than glibc: $others" >&2
  exit 1
fi
echo "$binary"
