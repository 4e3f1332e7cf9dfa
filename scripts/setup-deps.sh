#!/usr/bin/env bash
# Installs the Debian 12 packages asyncc needs, and only those that are missing.
# Idempotent and silent when everything is already there.
set -euo pipefail

packages=(
  # LibTooling, the C++20 front end, FileCheck and lit
  clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev llvm-19-tools libclang-rt-19-dev
  # build
  cmake ninja-build make g++ python3
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev libboost-dev wrk graphviz valgrind gdb
  # the Tokio side of bench/tokio: Tokio 1.24 and its crates, vendored in
  # /usr/share/cargo/registry for an offline cargo build
  librust-tokio-dev
)

# The Tokio benchmarks need a cargo: the machine's (rustup's) if there is
# one, else Debian's (rustc 1.63 builds Debian's Tokio 1.24).
command -v cargo >/dev/null 2>&1 || packages+=(cargo)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "asyncc: missing packages: ${missing[*]}" >&2
  echo "asyncc: run this script as root (or install them with apt-get) and try again" >&2
  exit 1
fi

echo "asyncc: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
