#!/usr/bin/env bash
# Installs what is needed, builds Orbit and starts the main job in the foreground. For now that
# is the name server (orbit-namesrv, port 9876); arguments are passed on to it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
scripts/build.sh release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++
exec build/release/apps/namesrv/orbit-namesrv "$@"
