#!/usr/bin/env bash
# Installs the Debian 12 packages Orbit builds and tests with, and the npm packages of the interop
# tests (tests/interop/ali-ons, versions pinned by its package-lock.json). Idempotent: runs
# apt-get / npm only when something is missing. Nothing else is downloaded at build time.
set -euo pipefail

packages=(
  g++ clang clang-format libclang-rt-14-dev cmake ninja-build ccache pkg-config
  libasio-dev libfmt-dev libspdlog-dev libcli11-dev libyaml-cpp-dev
  zlib1g-dev liblz4-dev libzstd-dev libisal-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  rapidjson-dev nlohmann-json3-dev libsimdjson-dev libgoogle-perftools-dev
)
# Node.js runs the ali-ons interop test; a machine may have it from elsewhere already.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# ali-ons, a RocketMQ client we did not write, for the interop tests.
interop=tests/interop/ali-ons
if [[ ! -d "$interop/node_modules/ali-ons" || "$interop/package-lock.json" -nt "$interop/node_modules" ]]; then
  echo "deps: npm ci in $interop"
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
