#!/usr/bin/env bash
# Builds the Debian package with CPack from the `dist` preset's static binary:
#   dist/shardplan_VERSION_ARCH.deb
# It installs /usr/bin/shardplan and the pytest plugin with a dist-info that registers it with
# Debian's pytest (packaging/deb/Deb.cmake). Prints the package's path. SHARDPLAN_DIST_DIR
# overrides dist/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out=${SHARDPLAN_DIST_DIR:-$repo/dist}
bash scripts/dist-binary.sh >/dev/null
work=$repo/build/dist/cpack
rm -rf "$work"
(cd build/dist && cpack --config CPackConfig.cmake -B "$work" >&2)
debs=("$work"/shardplan_*.deb)
[ -f "${debs[0]}" ] && [ ${#debs[@]} -eq 1 ] || { echo "deb: cpack wrote no single .deb" >&2; exit 1; }
mkdir -p "$out"
cp "${debs[0]}" "$out/"
echo "$out/$(basename "${debs[0]}")"
