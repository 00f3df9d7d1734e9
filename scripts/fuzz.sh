#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS: runs every fuzz target in BUILD_DIR/fuzz for SECONDS each, starting
# from its checked-in seed corpus (fuzz/corpus/<target>), in a scratch copy of the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
seconds=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shopt -s nullglob
targets=("$build"/fuzz/fuzz_*)
if ((${#targets[@]} == 0)); then
  echo "fuzz: no targets in $build/fuzz"
  exit 1
fi
for t in "${targets[@]}"; do
  name=$(basename "$t")
  mkdir -p "$work/$name"
  [[ -d "fuzz/corpus/$name" ]] && cp -r "fuzz/corpus/$name/." "$work/$name/"
  log="$work/$name.log"
  if ! ASAN_OPTIONS=detect_leaks=1 "$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -print_final_stats=1 "$work/$name" >"$log" 2>&1; then
    tail -60 "$log"
    echo "fuzz: $name FAILED"
    exit 1
  fi
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
  echo "fuzz: $name ok, $runs executions in ${seconds}s"
done
