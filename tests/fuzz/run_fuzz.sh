#!/bin/bash
# Builds a fuzz target with clang (libFuzzer, ASan, UBSan) and runs it for N seconds.
#   tests/fuzz/run_fuzz.sh TARGET [SECONDS]    SECONDS default 20
# TARGET: roster (the roster reader), api (the API response decoders), writer (the output writer
# and its formula guard), durations (Retry-After and --deadline style durations), url (the base
# URL rule), state (state files), audit (the CreatorAudit decoders).
# Exits non-zero when the fuzzer finds a crash, leak, hang or UB; the reproducer is left in the
# work folder it prints (add it to tests/fuzz/corpus/TARGET/ once fixed, as a regression seed).
# Seeds: tests/fuzz/corpus/TARGET/, plus large ones made here rather than committed (a field at
# the reader's 1 MiB cap and one past it, records across its 64 KiB chunks): those are fuzzed for a
# quarter of the time on their own (corpus-big, inputs up to 1.1 MB), as they run a few dozen
# times a second where small inputs run thousands.
# Objects are kept in ROSTER_FUZZ_OBJECTS (ctest: build/tests/fuzz-objects) and rebuilt when their
# source or a header they include changed, so the targets share what they have in common.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"

target="${1:?usage: run_fuzz.sh roster|api|writer|durations|url|state|audit [SECONDS]}"
seconds="${2:-20}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${ROSTER_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/${target}-fuzz.XXXXXX")}"
objects="${ROSTER_FUZZ_OBJECTS:-$work/objects}"
mkdir -p "$work/corpus" "$objects"
cp "$root"/tests/fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null || true

# rows FIRST BYTES: long-layout roster rows from Creator FIRST on, at least BYTES bytes of them.
rows() {
  local i=$1 want=$2 text=""
  while [ "${#text}" -lt "$want" ]; do text+="Creator $i,tiktok,creator_$i"$'\n'; i=$((i + 1)); done
  printf '%s' "$text"
}
# chunk_roster: 140 KB of rows with a quoted two-line field (doubled quotes, the delimiter) lying
# across the reader's 64 KiB chunk boundary, and rows after it.
chunk_roster() {
  printf 'name,platform,handle,notes\n'
  rows 1 65400
  printf 'Across,youtube,@across,"%s ""quoted"", and\na second line %s"\n' \
    "$(head -c 300 /dev/zero | tr '\0' a)" "$(head -c 300 /dev/zero | tr '\0' b)"
  rows 5000 75000
}
# field_roster BYTES: one row whose note is BYTES bytes long (k_max_field_bytes is 1 MiB).
field_roster() {
  printf 'name,platform,handle,notes\nBig,tiktok,big_one,'
  head -c "$1" /dev/zero | tr '\0' n
  printf '\nAfter,x,after_it,\n'
}

max_len=4096
libs=()
fuzz_tmp="$work"  # TMPDIR of the fuzzer: where it writes its inputs as files
case "$target" in
  roster)
    sources=("$root"/src/roster/*.cpp "$root"/src/util/text.cpp "$root"/src/core/*.cpp)
    libs=(-lcsv)
    cp "$root"/samples/*.csv "$work/corpus/"
    mkdir -p "$work/corpus-big"
    chunk_roster >"$work/corpus-big/generated-chunks.csv"
    field_roster $((1024 * 1024)) >"$work/corpus-big/generated-field-at-cap.csv"
    field_roster $((1024 * 1024 + 1)) >"$work/corpus-big/generated-field-over-cap.csv"
    max_len=8192
    big_max_len=1100000  # past the 64 KiB chunk boundary and the 1 MiB field cap
    ;;
  api)
    sources=("$root"/src/creatorscore/decode.cpp "$root"/src/creatorscore/types.cpp
             "$root"/src/core/*.cpp "$root"/src/util/text.cpp)
    ;;
  writer)
    sources=("$root"/src/output/enriched_writer.cpp "$root"/src/output/format.cpp
             "$root"/src/output/json_text.cpp "$root"/src/output/column_group.cpp
             "$root"/src/creatorscore/score_columns.cpp "$root"/src/creatoraudit/audit_columns.cpp
             "$root"/src/creatoraudit/audit_record.cpp "$root"/src/creatoraudit/decode.cpp
             "$root"/src/creatoraudit/types.cpp
             "$root"/src/roster/*.cpp "$root"/src/util/*.cpp "$root"/src/core/*.cpp)
    libs=(-lcsv)
    # Options byte 0 (CSV, guarded), an answer whose every field looks like a formula, the chunks.
    mkdir -p "$work/corpus-big"
    { printf '\x00{"score":"=1","tier":"@t","agents":{"sentiment":"+1"},"display_name":"-d"}\n%%%%\n'
      printf '=job\n%%%%\n-error\n%%%%\n'; chunk_roster; } >"$work/corpus-big/generated-chunks.txt"
    max_len=8192
    big_max_len=200000  # past the 64 KiB chunk boundary, twice
    ;;
  durations)
    sources=("$root"/src/http/retry_policy.cpp "$root"/src/util/*.cpp)
    # 1,000 parts of the largest hour count parse_duration takes: their sum is past 2^63 ms.
    for _ in $(seq 1 1000); do printf '2562047788h'; done >"$work/corpus/generated-many-parts.txt"
    max_len=16384
    ;;
  url)
    sources=("$root"/src/http/url_policy.cpp "$root"/src/util/text.cpp)
    ;;
  state)
    sources=("$root"/src/state/*.cpp "$root"/src/util/*.cpp "$root"/src/core/*.cpp)
    libs=(-lsqlite3)
    max_len=131072
    export ROSTER_FUZZ_SEED_DIR="$work/corpus"  # the fuzzer writes real state files there first
    # State files are fsynced (synchronous=FULL): on tmpfs that costs nothing, ten times the runs.
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then fuzz_tmp=$(mktemp -d /dev/shm/state-fuzz.XXXXXX); fi
    ;;
  audit)
    sources=("$root"/src/creatoraudit/decode.cpp "$root"/src/creatoraudit/types.cpp "$root"/src/util/text.cpp
             "$root"/src/util/http_status.cpp)
    ;;
  *) echo "run_fuzz.sh: unknown target '$target' (roster, api, writer, durations, url, state or audit)" >&2
     exit 64 ;;
esac

cxx=(clang++)
if command -v ccache >/dev/null; then cxx=(ccache clang++); fi
flags=(-std=c++20 -gline-tables-only -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I "$root/src")

# stale OBJECT: missing, or older than a file its .d lists (its source and the headers it includes).
stale() {
  [ -f "$1" ] && [ -f "${1%.o}.d" ] || return 0
  local dep
  for dep in $(sed -e 's/\\$//' -e 's/^[^:]*://' "${1%.o}.d"); do
    [ "$dep" -nt "$1" ] && return 0
  done
  return 1
}

# Objects built with other flags (an older run_fuzz.sh) are not reused.
if [ "$(cat "$objects/flags" 2>/dev/null)" != "${flags[*]}" ]; then
  rm -f "$objects"/*.o "$objects"/*.d
  echo "${flags[*]}" >"$objects/flags"
fi

echo "building the $target fuzzer in $work (objects in $objects)"
archive_objects=()
failed=0
for source in "${sources[@]}"; do
  relative=${source#"$root/src/"}
  object="$objects/${relative//\//_}"
  object="${object%.cpp}.o"
  archive_objects+=("$object")
  stale "$object" || continue
  # Built beside, then renamed: targets that ctest runs at once may build the same object.
  "${cxx[@]}" "${flags[@]}" -MMD -MF "$object.$$.d" -c "$source" -o "$object.$$" &&
    mv "$object.$$.d" "${object%.o}.d" && mv "$object.$$" "$object" &
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || failed=1; done
done
for job in $(jobs -p); do wait "$job" || failed=1; done
if [ "$failed" -ne 0 ]; then echo "run_fuzz.sh: compiling the $target fuzzer's sources failed" >&2; exit 1; fi
rm -f "$work/lib$target.a"
ar rcs "$work/lib$target.a" "${archive_objects[@]}"
"${cxx[@]}" "${flags[@]}" -fsanitize=fuzzer "$root/tests/fuzz/${target}_fuzzer.cpp" "$work/lib$target.a" \
  "${libs[@]}" -o "$work/fuzzer"

# fuzz CORPUS MAX_LEN SECONDS: one libFuzzer session, its log appended to fuzz.log.
fuzz() {
  echo "fuzzing $(basename "$1") for ${3}s (inputs up to $2 bytes)"
  TMPDIR="$fuzz_tmp" ./fuzzer -max_total_time="$3" -max_len="$2" -rss_limit_mb=2048 -timeout=30 \
    -artifact_prefix="$work/" "$1" >>"$work/fuzz.log" 2>&1
}

cd "$work"
# Inputs of a megabyte run a few dozen times a second: they get a quarter of the time, on a corpus
# of their own, and the rest goes to the small ones at many thousand a second.
status=0
if [ -d "$work/corpus-big" ]; then
  fuzz "$work/corpus-big" "$big_max_len" $(((seconds + 3) / 4)) || status=$?
  seconds=$((seconds - (seconds + 3) / 4))
fi
[ "$status" -ne 0 ] || fuzz "$work/corpus" "$max_len" "$seconds" || status=$?
if [ "$status" -eq 0 ]; then
  tail -n 3 "$work/fuzz.log"
  echo "no crash"
  [ "$fuzz_tmp" = "$work" ] || rm -rf "$fuzz_tmp"
  [ -z "${ROSTER_FUZZ_WORK:-}" ] && rm -rf "$work"
  exit 0
fi
tail -n 40 "$work/fuzz.log"
echo "the fuzzer found a problem; reproducer and log in $work" >&2
exit 1
