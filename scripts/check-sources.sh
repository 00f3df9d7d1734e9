#!/usr/bin/env bash
# Source rules: module layering (DESIGN.md) and header hygiene. Fails on the first violation list.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [base]=""
  [protocol]="base"
  [net]="base protocol"
  [store]="base protocol"
  [client]="base protocol net"
  [namesrv]="base protocol net"
  [broker]="base protocol net store"
  [embedded]="base protocol net store namesrv broker"
)

fail=0
for dir in src/*/; do
  module=$(basename "$dir")
  if [[ -z "${allowed[$module]+x}" ]]; then
    echo "check-sources: module src/$module is not in the layering table"
    fail=1
    continue
  fi
  ok=" $module ${allowed[$module]} "
  while IFS=: read -r file line include; do
    target=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$include")
    [[ -d "src/$target" ]] || continue
    if [[ "$ok" != *" $target "* ]]; then
      echo "check-sources: $file:$line: module '$module' may not include '$target' ($include)"
      fail=1
    fi
  done < <(grep -rnE '^\s*#\s*include "[^"]+/' "$dir" --include='*.h' --include='*.cc' || true)
done

# The protocol module stays pure: no sockets, threads, files or clocks.
if grep -rnE '#include <(asio|thread|fstream|sys/socket\.h|netinet/|unistd\.h|fcntl\.h|chrono|mutex)' \
    src/protocol --include='*.h' --include='*.cc' | grep -v '/tests/'; then
  echo "check-sources: src/protocol must not touch sockets, threads, files or clocks"
  fail=1
fi

# Only net (and apps/tests) may use Asio.
if grep -rnE '#include <asio' src --include='*.h' --include='*.cc' | grep -v '^src/net/'; then
  echo "check-sources: only src/net may include Asio"
  fail=1
fi

if grep -rnE '^\s*using namespace' --include='*.h' src include apps 2>/dev/null; then
  echo "check-sources: 'using namespace' in a header"
  fail=1
fi

if grep -rLE '^#pragma once' --include='*.h' src include apps 2>/dev/null | grep .; then
  echo "check-sources: header without #pragma once"
  fail=1
fi

if ((fail)); then exit 1; fi
echo "check-sources: ok"
