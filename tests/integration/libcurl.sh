#!/usr/bin/env bash
# libcurl is loaded on first use, not at start (src/http/curl_library.hpp): the binary does not
# link it, commands that send nothing work without it, and one that must send says in one line
# what to install (exit 69). A stand-in libcurl.so.4 with no functions plays the broken library;
# the other suites prove the loaded path against the simulator.
source "$(dirname "$0")/lib.sh"

if command -v readelf >/dev/null; then
  check "libcurl is no DT_NEEDED entry of the binary" bash -c "! readelf -d '$ROSTER_ENRICH' | grep NEEDED | grep -q libcurl"
fi

cc=${CC:-cc}
if ! command -v "$cc" >/dev/null; then
  echo "skipped: needs a C compiler (\$CC or cc) to build a stand-in libcurl.so.4" >&2
  exit 125
fi
mkdir -p "$WORK/lib"
echo 'int not_curl_at_all;' | "$cc" -shared -fPIC -x c - -o "$WORK/lib/libcurl.so.4"
without_curl=(env LD_LIBRARY_PATH="$WORK/lib" CREATORSCORE_BASE_URL=http://127.0.0.1:9 XDG_STATE_HOME="$WORK/state")
err="$WORK/err"

# No request, so libcurl is never loaded and its absence goes unnoticed.
expect_exit 0 "--version without a usable libcurl" -- "${without_curl[@]}" "$ROSTER_ENRICH" --version >/dev/null 2>"$err"
expect_exit 0 "quote without a key and without a usable libcurl" -- \
  env -u CREATORSCORE_API_KEY "${without_curl[@]}" "$ROSTER_ENRICH" quote "$SAMPLES/roster.csv" >"$WORK/quote.out" 2>"$err"
check "quote printed its report" test -s "$WORK/quote.out"

# A command that must send: one line naming the library, why, and the package; exit 69.
expect_exit 69 "account without a usable libcurl" -- "${without_curl[@]}" "$ROSTER_ENRICH" account >/dev/null 2>"$err"
check "one line on stderr" test "$(wc -l <"$err")" -eq 1
check "it names libcurl.so.4 and dlopen's reason" \
  grep -q "^roster-enrich: error: cannot load libcurl.so.4 (.*undefined symbol: curl_.*): install libcurl4" "$err"
expect_exit 69 "run without a usable libcurl" -- \
  "${without_curl[@]}" "$ROSTER_ENRICH" run "$SAMPLES/roster.csv" -o "$WORK/enriched.csv" >/dev/null 2>"$err"
check "run: the same line" grep -q "cannot load libcurl.so.4" "$err"
check "run: stopped before writing the output or a state file" \
  bash -c "test ! -e '$WORK/enriched.csv' && test -z \"\$(find '$WORK/state' -type f 2>/dev/null)\""
finish
