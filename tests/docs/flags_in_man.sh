#!/usr/bin/env bash
# docs.flags_in_man: every command listed by `roster-enrich --help` and every flag shown by
# `roster-enrich --help` and `roster-enrich COMMAND --help` is documented in the man page: each
# command as an `.It Cm NAME` item of COMMANDS, each flag in an `.It Fl ...` item (the tag lists of
# OPTIONS), so a flag added to the binary without a man page entry fails here.
#   ROSTER_ENRICH=build/roster-enrich MAN_PAGE=man/roster-enrich.1 bash tests/docs/flags_in_man.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"  # says what failed, and where
: "${ROSTER_ENRICH:?set by ctest}" "${MAN_PAGE:?set by ctest}"

# Flags defined by the man page: the `Fl` words of `.It` lines (`.It Fl o , Fl -output Ar FILE`).
documented=$(grep '^\.It .*Fl ' "$MAN_PAGE" | grep -oE 'Fl -?[A-Za-z][A-Za-z0-9-]*' | sed 's/^Fl /-/' | sort -u)
commands_documented=$(awk '/^\.Sh COMMANDS/{on=1; next} /^\.Sh /{on=0} on' "$MAN_PAGE" |
  grep -oE '^\.It Cm [a-z]+' | sed 's/^\.It Cm //' | sort -u)

# Options of one CLI11 help text: the leading `-x,--long` field of each option line.
flags_of_help() {
  sed -n 's/^ \{1,4\}\(-[^ ]*\).*/\1/p' | tr ',' '\n' | grep -E '^--?[A-Za-z]' || true
}

failures=0
top_help=$("$ROSTER_ENRICH" --help)
# CLI11 lists the commands after "Subcommands:" (2.x; "SUBCOMMANDS:" in 1.9), two spaces in.
commands=$(awk 'toupper($0) ~ /^SUBCOMMANDS:/{on=1; next} /^[^ ]/{on=0} on && /^  [a-z]/{print $1}' <<<"$top_help")
if [ -z "$commands" ]; then
  echo "FAIL - found no commands in roster-enrich --help" >&2
  exit 1
fi
# The contract's commands are documented even where this build lacks one (status is being added).
for command in account quote run lookup status $commands; do
  if grep -qx "$command" <<<"$commands_documented"; then :; else
    echo "FAIL - command '$command' has no .It Cm item in COMMANDS" >&2
    failures=$((failures + 1))
  fi
done

checked=0
check_help() {  # check_help LABEL HELP_TEXT
  local label=$1 help=$2 flag
  while IFS= read -r flag; do
    [ -n "$flag" ] || continue
    checked=$((checked + 1))
    if ! grep -qxF -- "$flag" <<<"$documented"; then
      echo "FAIL - $label: $flag is in --help but not in the man page's options" >&2
      failures=$((failures + 1))
    fi
  done < <(flags_of_help <<<"$help")
}

check_help "roster-enrich" "$top_help"
for command in $commands; do
  help=$("$ROSTER_ENRICH" "$command" --help) || {
    echo "FAIL - roster-enrich $command --help failed" >&2
    failures=$((failures + 1))
    continue
  }
  check_help "roster-enrich $command" "$help"
done

# The parser must have found the flags of every command; a help layout it cannot read fails.
for must in --base-url --output --max-credits --wait --json; do
  if ! { echo "$top_help"; for c in $commands; do "$ROSTER_ENRICH" "$c" --help; done; } | flags_of_help | grep -qxF -- "$must"; then
    echo "FAIL - the help parser did not see $must" >&2
    failures=$((failures + 1))
  fi
done

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "ok - $(wc -w <<<"$commands") commands and $checked help flags, all in the man page"
