#!/bin/bash
# Builds a fuzz target with clang (libFuzzer, ASan, UBSan) and runs it for N seconds.
#   tests/fuzz/run_fuzz.sh TARGET [SECONDS]    TARGET: roster | api | audit; SECONDS default 20
# Exits non-zero when the fuzzer finds a crash, leak or UB; the reproducer is left in the
# work folder it prints (add it to tests/fuzz/corpus/TARGET/ once fixed, as a regression seed).
set -euo pipefail

target="${1:?usage: run_fuzz.sh roster|api|audit [SECONDS]}"
seconds="${2:-20}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${ROSTER_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/${target}-fuzz.XXXXXX")}"
mkdir -p "$work/corpus"
cp "$root"/tests/fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null || true

libs=()
case "$target" in
  roster)
    sources=("$root"/src/roster/*.cpp "$root"/src/util/text.cpp "$root"/src/core/platform.cpp
             "$root"/src/core/exit_code.cpp)
    libs=(-lcsv)
    cp "$root"/samples/*.csv "$work/corpus/"
    ;;
  api)
    sources=("$root"/src/creatorscore/decode.cpp "$root"/src/creatorscore/types.cpp
             "$root"/src/core/platform.cpp "$root"/src/util/text.cpp)
    ;;
  audit)
    sources=("$root"/src/creatoraudit/decode.cpp "$root"/src/creatoraudit/types.cpp)
    ;;
  *) echo "run_fuzz.sh: unknown target '$target' (roster, api or audit)" >&2; exit 64 ;;
esac

echo "building the $target fuzzer in $work"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I "$root/src" "$root/tests/fuzz/${target}_fuzzer.cpp" "${sources[@]}" "${libs[@]}" -o "$work/fuzzer"

echo "fuzzing for ${seconds}s"
cd "$work"
if ./fuzzer -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
     -artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1; then
  tail -n 3 "$work/fuzz.log"
  echo "no crash in ${seconds}s"
  [ -z "${ROSTER_FUZZ_WORK:-}" ] && rm -rf "$work"
  exit 0
fi
tail -n 40 "$work/fuzz.log"
echo "the fuzzer found a problem; reproducer and log in $work" >&2
exit 1
