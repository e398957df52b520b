#!/usr/bin/env zsh
# completion.zsh: loads completions/_roster-enrich into an interactive zsh on a pseudo-terminal
# (zsh/zpty), presses TAB after a few command lines, and checks the matches zsh offers; compadd is
# wrapped to print each match it adds between two markers.
#   COMPLETION_DIR=completions zsh tests/docs/zsh_completion.zsh
emulate -L zsh
setopt err_return pipe_fail
: ${COMPLETION_DIR:?set by ctest}
zmodload zsh/zpty

work=$(mktemp -d)
trap 'rm -rf $work' EXIT
touch $work/roster.csv $work/roster-url.csv $work/notes.txt

# complete LINE: the matches zsh adds for LINE<TAB>, sorted, one per line. The markers are split
# in the typed text ("@@""M") so the terminal's echo of these lines never looks like a match.
complete() {
  local out
  zpty -b z zsh -f -i
  zpty -w z "unset zle_bracketed_paste; PROMPT=''; fpath=(${COMPLETION_DIR:A} \$fpath); cd $work"
  zpty -w z 'autoload -U compinit; compinit -u -D'
  zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
  zpty -w z 'compadd() { local -a __hits; builtin compadd -O __hits "$@"; print -rl -- "@@""M "${^__hits[@]}; builtin compadd "$@" }'
  zpty -w z 'report() { print -r -- "@@""END" }; comppostfuncs=(report)'
  zpty -w z 'bindkey "^I" complete-word'
  zpty -w -n z "$1"$'\t'
  zpty -r z out '*@@END*'
  zpty -d z
  print -r -- "$out" | tr -d '\r' | sed -n 's/.*@@M \(.*\)$/\1/p' | sort -u
}

failures=0
# expect DESCRIPTION "space-separated matches" LINE
expect() {
  local want=${(F)${(o)${(s: :)2}}} got
  got=$(complete "$3")
  if [[ $got == $want ]]; then
    print -r -- "ok - $1"
  else
    print -r -- "FAIL - $1: got [${(f)got}], expected [$want]" >&2
    failures=$((failures + 1))
  fi
}

expect "commands" "account lookup quote report run status" "roster-enrich "
expect "--format values" "csv json jsonl" "roster-enrich run roster.csv --format "
expect "--format= values" "json jsonl" "roster-enrich run roster.csv --format=j"
expect "lookup PLATFORM" "facebook instagram kick linkedin reddit snapchat threads tiktok twitch twitter x youtube" \
  "roster-enrich lookup "
expect "run flags by prefix" "--slow-after --slow-poll-interval --state" "roster-enrich run roster.csv --s"
expect "ROSTER files" "roster-url.csv roster.csv" "roster-enrich quote ro"
expect "--include items" "narrative" "roster-enrich run roster.csv --include n"
expect "quote flags: --json, no run flags" "--json" "roster-enrich quote roster.csv --j"
expect "global options after the command" "--verbose" "roster-enrich run roster.csv --verb"
expect "status flags" "--state" "roster-enrich status --st"
expect "lookup flags" "--wait" "roster-enrich lookup tiktok someone --w"
expect "--progress values" "always auto" "roster-enrich --progress a"

(( failures == 0 )) || { print -r -- "$failures check(s) failed" >&2; exit 1 }
print "ok - zsh completion"
