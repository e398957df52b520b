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

# check_case NAME WANT [OPTION...]: layering.py [OPTION...] on the scratch tree fails and says WANT,
# or, with WANT empty, passes.
check_case() {
  local name=$1 want=$2 output status=0
  output=$(python3 "$root/tests/docs/layering.py" "${@:3}" "$scratch/tree" 2>&1) || status=$?
  if { [ -z "$want" ] && [ "$status" -eq 0 ]; } ||
     { [ -n "$want" ] && [ "$status" -ne 0 ] && grep -qF -- "$want" <<<"$output"; }; then
    echo "ok - $name"
  else
    echo "FAIL - $name: want ${want:+a failure saying }'${want:-a pass}', got exit $status:" >&2
    echo "$output" >&2
    failures=$((failures + 1))
  fi
}
expect_failure() { check_case "$1" "$2"; }

# add_include FILE LINE: appends an #include line to src/FILE of the scratch tree; prints its number.
add_include() {
  echo "$2" >>"$scratch/tree/src/$1"
  wc -l <"$scratch/tree/src/$1" | tr -d ' '
}

fresh_tree
check_case "the untouched tree passes" ""

# include_case NAME FILE INCLUDE WANT: INCLUDE appended to src/FILE fails, saying
# "src/FILE:LINE: #include WANT".
include_case() {
  fresh_tree
  local line
  line=$(add_include "$2" "$3")
  expect_failure "$1" "src/$2:$line: #include $4"
}

include_case "state/ including engine/ fails" state/schema.cpp '#include "engine/observer.hpp"' \
  "engine/observer.hpp: src/state/ may include only core, util"
include_case "output/ including an engine header other than observer.hpp and provider.hpp fails" \
  output/format.cpp '#include "engine/engine.hpp"' "engine/engine.hpp: src/output/ may include only"
include_case "a header outside cli/ including cli/ fails" output/format.hpp '#include "cli/app.hpp"' \
  "cli/app.hpp: nothing includes cli/"
include_case "sqlite3.h outside state/ fails" engine/engine.cpp '#include <sqlite3.h>' \
  "sqlite3.h: sqlite3.h only in .cpp files of state/"
include_case "sqlite3.h in a header of state/ fails" state/store.hpp '#include <sqlite3.h>' "sqlite3.h"
include_case "curl.h outside http/ fails" roster/handle.cpp '#include <curl/curl.h>' "curl/curl.h"
include_case "CLI11 outside cli/ fails" output/format.cpp '#include <CLI/CLI.hpp>' "CLI/CLI.hpp"
include_case "nlohmann/json in a creatorscore/ header fails" creatorscore/types.hpp \
  '#include <nlohmann/json.hpp>' "nlohmann/json.hpp"
include_case "an allowlisted file's new violation fails" engine/engine.cpp '#include "http/transport.hpp"' \
  "http/transport.hpp"

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
echo 'int layering_util_probe(void) { return 2; }' >"$scratch/util_leaf.c"
for probe in core_probe util_probe core_user util_leaf; do
  cc -c "$scratch/$probe.c" -o "$scratch/$probe.o"
done
make_libraries() {  # make_libraries CORE_OBJECTS UTIL_OBJECTS: every other folder's library is empty
  rm -f "$libraries"/*.a
  local folder folders
  folders=$(grep -o '^| `src/[a-z_]*/`' "$scratch/tree/ARCHITECTURE.md" | sed 's/^| `src\///; s/\/`$//')
  for folder in $folders; do
    ar rcs "$libraries/libroster_enrich_$folder.a"
  done
  ar rcs "$libraries/libroster_enrich_core.a" $1
  ar rcs "$libraries/libroster_enrich_util.a" $2
}
make_libraries "$scratch/core_probe.o" "$scratch/util_probe.o"
check_case "util's object using core's symbol fails the link check" \
  "libroster_enrich_util.a(util_probe.o) uses 1 symbol(s) of core" --libraries "$libraries"
make_libraries "$scratch/core_probe.o $scratch/core_user.o" "$scratch/util_leaf.o"
check_case "core's object using util's symbol passes the link check" "" --libraries "$libraries"

[ "$failures" -eq 0 ] || { echo "$failures case(s) failed" >&2; exit 1; }
