#!/usr/bin/env bash
# build.sh NAME [cmake args...]: configures and builds build/NAME with Ninja (only the targets
# in BUILD_TARGETS when set, space-separated).
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
shift
cmake -S . -B "build/$name" -G Ninja "$@" >/dev/null
targets=()
[[ -n "${BUILD_TARGETS:-}" ]] && targets=(--target ${BUILD_TARGETS})
cmake --build "build/$name" "${targets[@]}"
