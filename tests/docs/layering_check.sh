#!/usr/bin/env bash
# docs.layering_check: tests/docs/layering.py (docs.layering) fails on what it is there to catch.
# Each case copies src/, ARCHITECTURE.md and the allowlist into a scratch tree, breaks one rule and
# expects the check to fail naming the file, the line and the rule; the untouched copy must pass.
#   bash tests/docs/layering_check.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"  # says what failed, and where
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

fresh_tree() {
  rm -rf "$scratch/tree"
  mkdir -p "$scratch/tree/tests/docs"
  cp -r "$root/src" "$root/ARCHITECTURE.md" "$scratch/tree/"
  cp "$root/tests/docs/layering_allowlist.txt" "$scratch/tree/tests/docs/"
}

# expect_failure NAME WANT: the check fails on the scratch tree and its output has WANT.
expect_failure() {
  local name=$1 want=$2 output status=0
  output=$(python3 "$root/tests/docs/layering.py" "$scratch/tree" 2>&1) || status=$?
  if [ "$status" -ne 0 ] && grep -qF -- "$want" <<<"$output"; then
    echo "ok - $name"
  else
    echo "FAIL - $name: want a failure saying '$want', got exit $status:" >&2
    echo "$output" >&2
    failures=$((failures + 1))
  fi
}

# add_include FILE LINE: appends an #include line to src/FILE of the scratch tree; prints its number.
add_include() {
  echo "$2" >>"$scratch/tree/src/$1"
  wc -l <"$scratch/tree/src/$1" | tr -d ' '
}

fresh_tree
if output=$(python3 "$root/tests/docs/layering.py" "$scratch/tree" 2>&1); then
  echo "ok - the untouched tree passes"
else
  echo "FAIL - the untouched tree fails:" >&2
  echo "$output" >&2
  failures=$((failures + 1))
fi

fresh_tree
line=$(add_include state/schema.cpp '#include "engine/observer.hpp"')
expect_failure "state/ including engine/ fails" \
  "src/state/schema.cpp:$line: #include engine/observer.hpp: src/state/ may include only core, util"

fresh_tree
line=$(add_include output/format.cpp '#include "engine/engine.hpp"')
expect_failure "output/ including an engine header other than observer.hpp and provider.hpp fails" \
  "src/output/format.cpp:$line: #include engine/engine.hpp: src/output/ may include only"

fresh_tree
line=$(add_include output/format.hpp '#include "cli/app.hpp"')
expect_failure "a header outside cli/ including cli/ fails" \
  "src/output/format.hpp:$line: #include cli/app.hpp: nothing includes cli/"

fresh_tree
line=$(add_include engine/engine.cpp '#include <sqlite3.h>')
expect_failure "sqlite3.h outside state/ fails" \
  "src/engine/engine.cpp:$line: #include sqlite3.h: sqlite3.h only in .cpp files of state/"

fresh_tree
line=$(add_include state/store.hpp '#include <sqlite3.h>')
expect_failure "sqlite3.h in a header of state/ fails" "src/state/store.hpp:$line: #include sqlite3.h"

fresh_tree
line=$(add_include roster/handle.cpp '#include <curl/curl.h>')
expect_failure "curl.h outside http/ fails" "src/roster/handle.cpp:$line: #include curl/curl.h"

fresh_tree
line=$(add_include output/format.cpp '#include <CLI/CLI.hpp>')
expect_failure "CLI11 outside cli/ fails" "src/output/format.cpp:$line: #include CLI/CLI.hpp"

fresh_tree
line=$(add_include creatorscore/types.hpp '#include <nlohmann/json.hpp>')
expect_failure "nlohmann/json in a creatorscore/ header fails" \
  "src/creatorscore/types.hpp:$line: #include nlohmann/json.hpp"

fresh_tree
line=$(add_include engine/engine.cpp '#include "http/transport.hpp"')
expect_failure "an allowlisted file's new violation fails" \
  "src/engine/engine.cpp:$line: #include http/transport.hpp"

fresh_tree
entry=$(grep -m1 -n '^src/' "$scratch/tree/tests/docs/layering_allowlist.txt")
file=$(cut -d' ' -f1 <<<"${entry#*:}")
include=$(cut -d' ' -f3 <<<"${entry#*:}")
sed -i "\\|#include \"$include\"|d" "$scratch/tree/$file"
expect_failure "an allowlist entry that no longer occurs fails" \
  "tests/docs/layering_allowlist.txt:${entry%%:*}: '$file -> $include' no longer occurs: delete the entry"

fresh_tree
sed -i 's/| nothing of ours |$/| core |/' "$scratch/tree/ARCHITECTURE.md"
expect_failure "a cycle in the table fails" "the 'may include' column has a cycle"

fresh_tree
sed -i 's/^\(| `src\/core\/` |.*| \)util |$/\1util, ghost |/' "$scratch/tree/ARCHITECTURE.md"
expect_failure "an unknown folder in the table fails" "'ghost' (src/core/, 'may include')"

fresh_tree
mkdir "$scratch/tree/src/providers"
expect_failure "a src/ folder without a row in the table fails" \
  "src/providers/ has no row in ARCHITECTURE.md's folder table"

# The link check (docs.layering_links) on tiny folder libraries: util's object calls into core's.
fresh_tree
libraries="$scratch/libraries"
mkdir -p "$libraries"
echo 'int layering_core_probe(void) { return 1; }' >"$scratch/core_probe.c"
echo 'int layering_core_probe(void); int layering_util_probe(void) { return layering_core_probe(); }' \
  >"$scratch/util_probe.c"
echo 'int layering_util_probe(void); int layering_core_user(void) { return layering_util_probe(); }' \
  >"$scratch/core_user.c"
for probe in core_probe util_probe core_user; do cc -c "$scratch/$probe.c" -o "$scratch/$probe.o"; done
make_libraries() {  # make_libraries CORE_OBJECTS UTIL_OBJECTS: every other folder's library is empty
  rm -f "$libraries"/*.a
  for folder in $(grep -o '^| `src/[a-z_]*/`' "$scratch/tree/ARCHITECTURE.md" | sed 's/^| `src\///; s/\/`$//'); do
    ar rcs "$libraries/libroster_enrich_$folder.a"
  done
  ar rcs "$libraries/libroster_enrich_core.a" $1
  ar rcs "$libraries/libroster_enrich_util.a" $2
}
make_libraries "$scratch/core_probe.o $scratch/core_user.o" "$scratch/util_probe.o"
status=0
output=$(python3 "$root/tests/docs/layering.py" --libraries "$libraries" "$scratch/tree" 2>&1) || status=$?
if [ "$status" -ne 0 ] && grep -qF "libroster_enrich_util.a(util_probe.o) uses 1 symbol(s) of core" <<<"$output" &&
   ! grep -q "libroster_enrich_core.a" <<<"$output"; then
  echo "ok - util's object using core's symbol fails the link check; core using util's passes"
else
  echo "FAIL - the link check on util using core: exit $status:" >&2
  echo "$output" >&2
  failures=$((failures + 1))
fi
make_libraries "$scratch/core_probe.o $scratch/core_user.o" ""
if output=$(python3 "$root/tests/docs/layering.py" --libraries "$libraries" "$scratch/tree" 2>&1); then
  echo "ok - the link check passes when every folder uses only what it may link"
else
  echo "FAIL - the link check fails on allowed libraries:" >&2
  echo "$output" >&2
  failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "$failures case(s) failed" >&2; exit 1; }
