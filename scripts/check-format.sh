#!/usr/bin/env bash
# Fails if any C++ source differs from clang-format's output (.clang-format, Google base).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  '*.h' '*.c' '*.cc' '*.cpp' | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]} > 0)); then
  echo "check-format: not clang-formatted: ${bad[*]}"
  echo "check-format: run: clang-format -i ${bad[*]}"
  exit 1
fi
echo "check-format: ok (${#files[@]} files)"
