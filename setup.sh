#!/usr/bin/env bash
# Installs what faultlab needs on Debian 12 (as root, or through sudo),
# fetches the browser-test packages from npm, and builds into ./build.
#   ./setup.sh            install + build
#   ./setup.sh --no-install   build only
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  build-essential cmake pkg-config binutils
  libboost-dev libboost-filesystem-dev libabsl-dev libunwind-dev liblzma-dev libdw-dev libc6-dbg
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev
  python3-jsonschema python3-yaml
  chromium libxml2-utils python3 bsdutils
  libcurl4-openssl-dev
  # Real servers the program scenarios start themselves, on loopback only
  # (scenarios/nginx_worker_segfault.yaml, redis_segfault.yaml,
  # lighttpd_socket_activation.yaml); redis-tools brings redis-cli.
  nginx redis-server redis-tools lighttpd
  clang libclang-rt-14-dev
)
# Node.js may come from elsewhere (with its own npm); only add Debian's when
# there is none, since Debian's npm conflicts with such a nodejs.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

if [[ "${1:-}" != "--no-install" ]]; then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if (( ${#missing[@]} )); then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    # The servers' packages would start system services on ports 80 and
    # 6379; faultlab needs none of them (each trial starts its own), so
    # service starts are refused during the install, Debian's way, unless a
    # policy is already in place (as in most containers).
    policy_added=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
      $SUDO chmod 755 /usr/sbin/policy-rc.d
      policy_added=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
    if [[ -n "$policy_added" ]]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  fi
  if [[ ! -d tests/browser/node_modules ]]; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAULTLAB_WERROR="${FAULTLAB_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
echo "setup: built build/bin/faultlab and build/bin/faultlab-worker"
