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

# Public headers (include/orbit, what `cmake --install` ships) include only standard headers and
# other public orbit/ headers: nothing from src/ or third-party libraries. The C API's headers
# (include/orbit/c) are C99: only the C standard headers and other orbit/c/ headers.
c_std='assert|ctype|errno|float|inttypes|limits|stdarg|stdbool|stddef|stdint|stdio|stdlib|string|time|wchar'
tail_re='[[:space:]]*(//.*|/\*.*)?$'
public_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*(<[a-z_]+>|"orbit/[a-z0-9_/]+\.h")'$tail_re
c_api_re="^[[:space:]]*#[[:space:]]*include[[:space:]]*(<(${c_std})\\.h>|\"orbit/c/[a-z0-9_/]+\\.h\")"$tail_re
while IFS=: read -r file line include; do
  if [[ "$file" == include/orbit/c/* ]]; then
    [[ "$include" =~ $c_api_re ]] && continue
    echo "check-sources: $file:$line: a C API header may include only C standard and orbit/c/ headers ($include)"
  else
    [[ "$include" =~ $public_re ]] && continue
    echo "check-sources: $file:$line: a public header may include only standard and orbit/ headers ($include)"
  fi
  fail=1
done < <(grep -rnE '^\s*#\s*include' include --include='*.h' || true)

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
