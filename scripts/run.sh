#!/usr/bin/env bash
# Installs what is needed, builds Orbit and starts the main job in the foreground: orbit-server,
# a name server (port 9876) and a broker (port 10911) in one process, data under ./orbit-data.
# Arguments are passed on to it (orbit-server --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
scripts/build.sh release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++
exec build/release/apps/server/orbit-server "$@"
