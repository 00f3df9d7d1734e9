#!/usr/bin/env bash
# Installs what is needed, builds everything and runs every test:
#   1. source rules and formatting
#   2. g++ release build: unit, golden and integration tests (ctest), benchmark smoke run
#   3. clang ASan+UBSan build: the same tests under sanitizers
#   4. clang libFuzzer build: each fuzz target for FUZZ_SECONDS (default 20) from its seeds
# Usage: scripts/test.sh [--quick]   (--quick: step 2 only)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
jobs=$(nproc)
# Let ccache hit across clones of the repo (CI builds a fresh clone every time).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
# A failing test's output is cut to its start and its end, so the failure itself always shows.
ctest_flags=(--output-on-failure -j "$jobs" --test-output-size-failed 200000
  --test-output-truncation middle)

scripts/deps.sh
scripts/check-sources.sh
scripts/check-format.sh

# Minutes and seconds since the start, on each step's heading (where CI's time goes).
elapsed() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }

# Debug info is the costly part of compiling this code base: the test builds keep only line
# tables (enough for stack traces), which cuts their compile and link time markedly.
echo "== release build (g++) [$(elapsed)]"
scripts/build.sh release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
echo "== release tests [$(elapsed)]"
ctest --test-dir build/release "${ctest_flags[@]}"
# Benchmarks must keep running (their figures are not checked here: see bench/README.md).
for b in build/release/bench/*_bench; do
  "$b" --benchmark_min_time=0.01 >/dev/null || { echo "bench: $b failed"; exit 1; }
  echo "bench: $(basename "$b") runs"
done
((quick)) && exit 0

echo "== ASan+UBSan build (clang) [$(elapsed)]"
scripts/build.sh asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DORBIT_SANITIZE=ON -DORBIT_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only" \
  "-DCMAKE_C_FLAGS_DEBUG=-gline-tables-only"
echo "== ASan+UBSan tests [$(elapsed)]"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan "${ctest_flags[@]}"

echo "== fuzz (clang libFuzzer + ASan) [$(elapsed)]"
BUILD_TARGETS=orbit_fuzz_all scripts/build.sh fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DORBIT_FUZZ=ON \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG"
scripts/fuzz.sh build/fuzz "${FUZZ_SECONDS:-20}"
echo "== done [$(elapsed)]"
