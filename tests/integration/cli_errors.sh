#!/usr/bin/env bash
# Command-line mistakes, as a table: each answers exit 64 and exactly one line
# `roster-enrich: error: …` saying what to do (never CLI11's own words, never a value that may be a
# key); `help`, `help run` and `-V` answer as --help and --version do. No request is sent: no
# simulator. Issue 20, "Errors and help"; man page EXIT STATUS.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
E="$WORK/err"
O="$WORK/out"
unset CREATORSCORE_API_KEY  # a parse error must come before any need of the key

# refused "ARGS" "EXACT LINE": exit 64, stderr is that one line, stdout is empty.
refused() {
  local args=$1 want=$2 got=0
  # shellcheck disable=SC2086  # the table's arguments are words
  "$R" $args >"$O" 2>"$E" </dev/null || got=$?
  if [ "$got" -ne 64 ]; then fail "'$args': exit $got, expected 64 ($(head -c 200 "$E"))"; return; fi
  if [ "$(cat "$E")" != "roster-enrich: error: $want" ] || [ -s "$O" ]; then
    fail "'$args': stderr '$(cat "$E")', expected 'roster-enrich: error: $want'"; return
  fi
  pass "'$args' -> $want"
}

give_roster="missing ROSTER: give the roster CSV's path, or - for standard input"
refused "run" "$give_roster (e.g. \`roster-enrich run roster.csv\`)"
refused "quote" "$give_roster (e.g. \`roster-enrich quote roster.csv\`)"
refused "lookup tiktok" \
  "missing HANDLE: give the platform and the handle (e.g. \`roster-enrich lookup tiktok alixearle\`)"
refused "" "missing command: give one of account, quote, run, status, lookup or report (see \`roster-enrich --help\`)"
refused "run r.csv --batch-size 500" "--batch-size: 500 is out of range; give a number from 1 to 100"
refused "run r.csv --batch-size abc" "--batch-size: 'abc' is not a whole number; give one from 1 to 100"
refused "--rate-limit 0 run r.csv" "--rate-limit: 0 is out of range; give a number from 1 to 100000"
refused "run r.csv -o a.csv -o b.csv" "--output is given more than once; give it once"
refused "run r.csv -o" "--output needs a value; see \`roster-enrich run --help\`"
refused "run r.csv --format xml" "--format must be csv, json or jsonl (got 'xml')"
refused "--progress sometimes run r.csv" "--progress: 'sometimes' is not allowed; give auto, always or never"
refused "run r.csv --include velocty" \
  "--include: 'velocty' is not allowed; give narrative, velocity, risk_flags or detailed_analysis"
refused "rn r.csv" "unknown command 'rn'; did you mean 'run'?"
refused "--quiet statsu r.csv" "unknown command 'statsu'; did you mean 'status'?"
commands="the commands are account, quote, run, status, lookup and report (see \`roster-enrich --help\`)"
refused "frobnicate" "unknown command 'frobnicate'; $commands"
refused "help rn" "unknown command 'rn'; did you mean 'run'?"
refused "run r.csv --ouput a.csv" "unknown option --ouput; did you mean --output?"
refused "--verbsoe run r.csv" "unknown option --verbsoe; did you mean --verbose?"
refused "run r.csv --frobnicate" "unknown option --frobnicate; see \`roster-enrich run --help\`"
refused "account --no-check-certificate" \
  "unknown option --no-check-certificate; see \`roster-enrich account --help\`"
key_hint="the API key is never a flag: set CREATORSCORE_API_KEY or use --api-key-file FILE"
refused "run r.csv --api-key sk_test_demo" "unknown option --api-key; $key_hint"
refused "run r.csv --token=sk_test_demo" "unknown option --token; $key_hint"
refused "run r.csv extra.csv" "too many arguments; see \`roster-enrich run --help\`"
refused "run r.csv --deadline 5" "--deadline: '5' has no unit; add one, e.g. 5m or 5s (units: ms, s, m, h)"
refused "run r.csv --poll-interval=60" \
  "--poll-interval: '60' has no unit; add one, e.g. 60m or 60s (units: ms, s, m, h)"
refused "run r.csv --slow-after 1h30" \
  "--slow-after: '1h30' is not a duration; write it as 250ms, 45s, 5m or 1h30m"
refused "lookup tiktok alixearle --poll-interval 60" \
  "--poll-interval: '60' has no unit; add one, e.g. 60m or 60s (units: ms, s, m, h)"

# No key, token or pasted secret is echoed back, whatever the mistake.
"$R" sk_live_abcdefghijklmnop_secret >"$O" 2>"$E" || true
check "a key as the command is not echoed" one_line "$E" "roster-enrich: error: unknown command; $commands"
check "... nor its text" bash -c "! grep -q sk_live '$E'"

# help, help run and -V: as --help, run --help and --version, exit 0, on stdout.
"$R" --help >"$WORK/help.want"
expect_exit 0 "roster-enrich help" -- "$R" help >"$O" 2>"$E"
check "help prints what --help prints" cmp -s "$O" "$WORK/help.want"
"$R" run --help >"$WORK/run_help.want"
expect_exit 0 "roster-enrich help run" -- "$R" help run >"$O" 2>"$E"
check "help run prints what run --help prints" cmp -s "$O" "$WORK/run_help.want"
expect_exit 0 "roster-enrich -V" -- "$R" -V >"$O" 2>"$E"
check "-V prints the version as --version does" cmp -s "$O" <("$R" --version)
check "... which names the program" grep -q '^roster-enrich [0-9]' "$O"

finish
