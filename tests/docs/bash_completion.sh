#!/usr/bin/env bash
# completion.bash: sources completions/roster-enrich.bash in a fresh bash and calls its function
# the way bash does (COMP_WORDS, COMP_CWORD), checking what it offers for a few prefixes.
#   COMPLETION=completions/roster-enrich.bash bash tests/docs/bash_completion.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"  # says what failed, and where
: "${COMPLETION:?set by ctest}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/dir with space"
touch "$work/roster.csv" "$work/roster-url.csv" "$work/notes.txt" "$work/dir with space/r.csv"

failures=0
# complete WORD... : the completions offered for the last word (may be empty), one per line.
complete_words() {
  (
    cd "$work" || exit 1
    # shellcheck disable=SC1090
    source "$COMPLETION"
    [ "$(complete -p roster-enrich)" = "complete -F _roster_enrich roster-enrich" ] || { echo "NOT REGISTERED"; exit 0; }
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    _roster_enrich roster-enrich "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort
  )
}

# expect "DESCRIPTION" "expected lines, space-separated (% for a space inside one)" WORD...
expect() {
  local what=$1 want got
  want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d; s/%/ /g' | sort)
  shift 2
  got=$(complete_words "$@" | sed '/^$/d')
  if [ "$got" = "$want" ]; then
    echo "ok - $what"
  else
    echo "FAIL - $what: got [$(tr '\n' ' ' <<<"$got")], expected [$(tr '\n' ' ' <<<"$want")]" >&2
    failures=$((failures + 1))
  fi
}
# expect_has "DESCRIPTION" "lines that must be among the completions" WORD...
expect_has() {
  local what=$1 line got missing=""
  local want=$2
  shift 2
  got=$(complete_words "$@")
  for line in $want; do
    grep -qxF -- "${line//%/ }" <<<"$got" || missing+=" $line"
  done
  if [ -z "$missing" ]; then echo "ok - $what"; else
    echo "FAIL - $what: missing$missing in [$(tr '\n' ' ' <<<"$got")]" >&2
    failures=$((failures + 1))
  fi
}

expect "commands" "run quote account status lookup report" roster-enrich ""
expect "commands by prefix" "quote" roster-enrich q
expect "commands after a global option" "report run" roster-enrich -v r
expect "commands after a global option with a value" "status" roster-enrich --progress never st
expect "--format values" "csv json jsonl" roster-enrich run roster.csv --format ""
expect "--format value by prefix" "json jsonl" roster-enrich run roster.csv --format j
expect "--format=VALUE (split at = by bash)" "json jsonl" roster-enrich run roster.csv --format = j
expect "--progress values" "auto always never" roster-enrich --progress ""
expect "--log-format values" "text json" roster-enrich run r.csv --log-format ""
expect "--platform values" "tiktok twitter twitch threads" roster-enrich quote r.csv --platform t
expect "lookup PLATFORM" "tiktok instagram youtube x twitter twitch kick facebook reddit linkedin threads snapchat" \
  roster-enrich lookup ""
expect "lookup PLATFORM by prefix" "kick" roster-enrich lookup k
expect "lookup HANDLE: nothing to offer" "" roster-enrich lookup tiktok ""
expect "--include list, first item" "risk_flags" roster-enrich run r.csv --include r
expect "--include list, next item" "narrative,velocity" roster-enrich run r.csv --include narrative,v
expect "--include list, items already given are not offered" \
  "velocity,narrative,risk_flags velocity,narrative,detailed_analysis" roster-enrich run r.csv --include velocity,narrative,
expect "run flags by prefix" "--slow-after --slow-poll-interval --state" roster-enrich run r.csv --s
expect "run --ma" "--max-credits" roster-enrich run r.csv --ma
expect "quote flags: --json, no run flags" "--json" roster-enrich quote r.csv --j
expect "account flags" "--json" roster-enrich account --js
expect "status flags" "--state" roster-enrich status --st
expect "lookup flags" "--wait" roster-enrich lookup tiktok x --w
expect "--version only before a command" "--verbose --version" roster-enrich --ver
expect "global flags after the command" "--verbose" roster-enrich run r.csv --verb
expect "no value offered for numbers" "" roster-enrich run r.csv --max-credits ""
expect_has "run ROSTER: CSV files and directories" "roster.csv roster-url.csv dir%with%space -" roster-enrich run ""
expect "run ROSTER by prefix" "roster.csv roster-url.csv" roster-enrich run ro
expect "no second ROSTER" "" roster-enrich run roster.csv ""
expect "quote ROSTER after a flag with a value" "roster.csv roster-url.csv" roster-enrich quote --delimiter ";" ro
expect "-o FILE: any file" "notes.txt" roster-enrich run roster.csv -o no
expect "--state FILE" "roster.csv roster-url.csv" roster-enrich status --state ro
expect "--api-key-file FILE" "notes.txt" roster-enrich --api-key-file n
expect "a file in a directory with a space" "dir%with%space/r.csv" roster-enrich run "dir with space/"

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "ok - bash completion"
