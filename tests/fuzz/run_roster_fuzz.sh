#!/bin/bash
# Builds the roster fuzzer with clang (libFuzzer, ASan, UBSan) and runs it for N seconds.
#   tests/fuzz/run_roster_fuzz.sh [SECONDS]    (default 20)
# Exits non-zero when the fuzzer finds a crash, leak or UB; the reproducer is left in the
# work folder it prints.
set -euo pipefail

seconds="${1:-20}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${ROSTER_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/roster-fuzz.XXXXXX")}"
mkdir -p "$work/corpus"
cp "$root"/tests/fuzz/corpus/roster/* "$root"/samples/*.csv "$work/corpus/" 2>/dev/null || true

sources=("$root"/src/roster/*.cpp "$root"/src/util/text.cpp "$root"/src/core/platform.cpp
         "$root"/src/core/exit_code.cpp)
echo "building the roster fuzzer in $work"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I "$root/src" "$root/tests/fuzz/roster_fuzzer.cpp" "${sources[@]}" -lcsv -o "$work/roster_fuzzer"

echo "fuzzing for ${seconds}s"
cd "$work"
if ./roster_fuzzer -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
     -artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1; then
  tail -n 3 "$work/fuzz.log"
  echo "no crash in ${seconds}s"
  [ -z "${ROSTER_FUZZ_WORK:-}" ] && rm -rf "$work"
  exit 0
fi
tail -n 40 "$work/fuzz.log"
echo "the fuzzer found a problem; reproducer and log in $work" >&2
exit 1
