#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the bundled example need.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail
packages=(
  build-essential cmake ninja-build git
  libsimdjson-dev nlohmann-json3-dev libexpat1-dev libcli11-dev libfmt-dev
  libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format clang-tidy libclang-rt-14-dev
  python3 python3-pytest python3-pytest-xdist python3-coverage python3-pytest-cov python3-yaml
  chromium python3-networkx
  python3-setuptools python3-wheel python3-pip python3-venv dpkg-dev binutils
)
# The release build fetches simdjson's amalgamation with npm (cmake/StaticDeps.cmake); Node's
# own installer may already have brought npm, else Debian's package does.
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
