#!/usr/bin/env bash
# build.sh NAME [cmake args...]: configures and builds build/NAME with Ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
shift
cmake -S . -B "build/$name" -G Ninja "$@" >/dev/null
cmake --build "build/$name"
