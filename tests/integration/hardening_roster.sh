#!/usr/bin/env bash
# Hostile rosters and rosters read from pipes (issue "Hardening, round two", items 1, 2, 7 and 17),
# end to end against creatorscore-sim:
#   handles that are path steps (`.`, `..`, `tiktok.com/@../../admin`, `x.com/%2e%2e`) and handles
#   holding invisible characters (U+200B alone or inside, U+3000, U+202E, U+FEFF) come out
#   `invalid` with their reason in the long, url and wide layouts, are never submitted or charged,
#   and with --include no request reaches another endpoint; `lookup tiktok ..` (or an empty or
#   invisible handle) is refused before any request;
#   two different rosters through standard input get two state files (the second does not resume
#   the first's run), the same roster again resumes its own; `run <(cat r.csv)` and `/dev/stdin`
#   on a pipe read as `-` does (not "Illegal seek", exit 66), and resume by content too;
#   `status -` finds the run of the roster on its standard input;
#   no spool file of standard input is in $TMPDIR during a run, nor after a normal end, an
#   unusable roster, SIGTERM or SIGKILL.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
E="$WORK/err"
export XDG_STATE_HOME="$WORK/xdg"
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
spools() { find "$TMPDIR" -name 'roster-enrich-stdin-*' | wc -l; }
route_count() { sim_stats | json_get - "d['requests_by_route'].get('$1', 0)"; }
# holds FILE_OR_- EXPR: true when the Python expression on the parsed JSON `d` is.
holds() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]) if sys.argv[1]!="-" else sys.stdin); sys.exit(not eval(sys.argv[2]))' "$@"
}

zwsp=$'\xe2\x80\x8b'   # U+200B ZERO WIDTH SPACE
ideo=$'\xe3\x80\x80'   # U+3000 IDEOGRAPHIC SPACE
rlo=$'\xe2\x80\xae'    # U+202E RIGHT-TO-LEFT OVERRIDE
bom=$'\xef\xbb\xbf'    # U+FEFF (a byte order mark inside a cell)

# --- items 1 and 2: path steps and invisible characters, every layout, with --include ---
start_sim --seed 3 --cached-percent 0 --min-job 1m --max-job 2m   # nothing free: every submit is charged
cat >"$WORK/long.csv" <<EOF
platform,handle
tiktok,valid_long
tiktok,..
tiktok,.
tiktok,@..
tiktok,https://www.tiktok.com/@../../admin
x,x.com/%2e%2e
x,https://x.com/%2E
tiktok,$zwsp
tiktok,ali${zwsp}ce
tiktok,$ideo
tiktok,${rlo}nimda
tiktok,${bom}bob
EOF
cat >"$WORK/url.csv" <<EOF
url
https://www.tiktok.com/@valid_url
https://www.tiktok.com/@../../admin
tiktok.com/@..
x.com/%2e%2e
https://www.tiktok.com/@$zwsp
EOF
cat >"$WORK/wide.csv" <<EOF
name,tiktok,x
a,valid_wide,..
b,.,x.com/%2e%2e
c,ali${zwsp}ce,$ideo
EOF
# The reasons of the invalid lookups, in the order they come out ("handle is"/"handle contains" cut).
dots="only dots"
zw="an invisible character U+200B"
declare -A reasons=(
  [long]="$dots|$dots|$dots|$dots|$dots|$dots|$zw|$zw|a space U+3000|an invisible character U+202E"
  [url]="$dots|$dots|$dots|$zw"
  [wide]="$dots|$dots|$dots|$zw|a space U+3000"
)
reasons[long]+="|an invisible character U+FEFF"
for layout in long url wide; do
  expect_exit 1 "$layout: hostile handles are invalid rows, the valid one is scored" -- \
    "$R" run "$WORK/$layout.csv" -o "$WORK/$layout.out.json" --include narrative -q 2>"$E"
  got=$(json_get "$WORK/$layout.out.json" '"|".join(l["error"].removeprefix("handle is ")
    .removeprefix("handle contains ") for r in d for l in r["lookups"] if l["status"] == "invalid")')
  check "$layout: each hostile handle invalid with its reason ($got)" test "$got" = "${reasons[$layout]}"
  check "$layout: the valid handle scored" test "$(json_get "$WORK/$layout.out.json" \
    'sum(1 for r in d for l in r["lookups"] if l["status"] in ("scored", "cached"))')" = 1
done
sim_stats >"$WORK/stats.json"
check "charged for the three valid handles, none of the hostile ones" \
  holds "$WORK/stats.json" 'sorted(d["credits_charged_by_creator"]) == ["tiktok:valid_long", "tiktok:valid_url", "tiktok:valid_wide"]'
check "every request reached an endpoint meant (no unknown route, no 404)" \
  holds "$WORK/stats.json" '("GET (unknown)" not in d["requests_by_route"] and "404" not in d["requests_by_status"])'
check "--include asked about the three valid creators, no other" \
  test "$(json_get "$WORK/stats.json" 'd["requests_by_route"].get("GET /api/v1/creators/{platform}/{handle}", 0)')" = 3

before=$(sim_stats | json_get - 'd["total_requests"]')
for handle in .. . @.. "" "$zwsp" "a${ideo}b" "${rlo}x"; do
  expect_exit 1 "lookup tiktok '$handle': refused as invalid" -- "$R" lookup tiktok "$handle" --json >"$WORK/lookup.json" 2>"$E"
  check "lookup tiktok '$handle': status invalid, with the reason" \
    holds "$WORK/lookup.json" '(d["status"] == "invalid" and d["error"].startswith("handle "))'
done
check "lookup: the refused handles sent nothing" test "$(sim_stats | json_get - 'd["total_requests"]')" = "$before"

# --- item 7: rosters through standard input are known by their content ---
# Jobs of 10 hours (a minute of real time at the suite's scale): every run below stops at its
# deadline with every job in flight; nothing cached, so every row of a roster is pending.
start_sim --seed 5 --cached-percent 0 --min-job 600m --max-job 700m
printf 'platform,handle\ntiktok,stdin_a1\ntiktok,stdin_a2\n' >"$WORK/a.csv"
printf 'platform,handle\nx,stdin_b1\nx,stdin_b2\nx,stdin_b3\n' >"$WORK/b.csv"
expect_exit 75 "stdin roster A: incomplete at the deadline" -- \
  "$R" run - -o "$WORK/a.out.csv" --deadline 1m <"$WORK/a.csv" 2>"$E"
check "stdin roster A: no spool file left" test "$(spools)" = 0
expect_exit 75 "stdin roster B: incomplete at the deadline" -- \
  "$R" run - -o "$WORK/b.out.csv" --deadline 1m <"$WORK/b.csv" 2>"$E"
check "stdin roster B does not resume roster A's run" bash -c "! grep -q 'resumed' '$E'"
check "stdin roster B: its own three rows, pending" test "$(grep -c ',pending,' "$WORK/b.out.csv")" = 3
check "two state files for two rosters" test "$(find "$XDG_STATE_HOME/roster-enrich" -name 'stdin-*.db' | wc -l)" = 2
bulk_before=$(route_count "POST /api/v1/creators/bulk")
expect_exit 75 "stdin roster A again: resumes its own run" -- \
  "$R" run - -o "$WORK/a.out.csv" --deadline 1m <"$WORK/a.csv" 2>"$E"
check "stdin roster A again: says it resumed, with no roster change" \
  bash -c "grep -q 'resumed the incomplete run' '$E' && ! grep -q 'roster changed' '$E'"
check "stdin roster A again: nothing submitted again" test "$(route_count "POST /api/v1/creators/bulk")" = "$bulk_before"
expect_exit 0 "status - finds roster A's run from standard input" -- \
  env -u CREATORSCORE_API_KEY "$R" status - --json <"$WORK/a.csv" >"$WORK/status.json" 2>"$E"
check "status -: the run of roster A (2 lookups, standard input)" \
  holds "$WORK/status.json" '(d["unique_lookups"] == 2 and d["roster"] == "-")'
expect_exit 66 "status - for a roster never run: no state file" -- \
  env -u CREATORSCORE_API_KEY "$R" status - <"$WORK/long.csv" >/dev/null 2>"$E"

# --- item 17: pipes, FIFOs and /dev/stdin are spooled like `-` ---
expect_exit 75 "run <(cat a.csv): read, not 'Illegal seek'" -- \
  "$R" run <(cat "$WORK/a.csv") -o "$WORK/fifo.out.csv" --deadline 1m 2>"$E"
check "run <(cat a.csv): no 'Illegal seek'" bash -c "! grep -q 'Illegal seek' '$E'"
check "run <(cat a.csv): every row in the output" test "$(wc -l <"$WORK/fifo.out.csv")" = 3
bulk_before=$(route_count "POST /api/v1/creators/bulk")
expect_exit 75 "run <(cat a.csv) again: resumes by content" -- \
  "$R" run <(cat "$WORK/a.csv") -o "$WORK/fifo.out.csv" --deadline 1m 2>"$E"
check "run <(cat a.csv) again: says it resumed" grep -q 'resumed the incomplete run' "$E"
check "run <(cat a.csv) again: nothing submitted again" test "$(route_count "POST /api/v1/creators/bulk")" = "$bulk_before"
code=0
cat "$WORK/b.csv" | "$R" run /dev/stdin -o "$WORK/devstdin.out.csv" --deadline 1m 2>"$E" || code=$?
check "cat b.csv | run /dev/stdin: exit 75, not 66 ($code)" test "$code" = 75
check "cat b.csv | run /dev/stdin: resumes what \`run - < b.csv\` started" grep -q 'resumed the incomplete run' "$E"
mkfifo "$WORK/named.fifo"
cat "$WORK/b.csv" >"$WORK/named.fifo" &
writer=$!
code=0
"$R" quote "$WORK/named.fifo" >"$WORK/quote.out" 2>"$E" || code=$?
wait "$writer"
check "quote on a named FIFO: exit 0 ($code), three lookups" bash -c "[ $code = 0 ] && grep -q 'unique.*3 lookups' '$WORK/quote.out'"

# --- item 7: the spool file, however the run ends ---
check "no spool file left by the runs above" test "$(spools)" = 0
code=0
printf 'platform,handle\ntiktok,..\n' | "$R" run - -o "$WORK/bad.out.csv" 2>"$E" || code=$?
check "an unusable roster on stdin: exit 65 ($code), no spool file left" bash -c "[ $code = 65 ] && [ $(spools) = 0 ]"
# wait_for_submit BEFORE: until the simulator has seen one more bulk submit (a slow machine may
# take a while to start the run); false after 120 s.
wait_for_submit() {
  for _ in $(seq 1 1200); do
    [ "$(route_count "POST /api/v1/creators/bulk")" -gt "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
for signal in TERM KILL; do
  printf 'platform,handle\nkick,spool_%s_1\nkick,spool_%s_2\n' "$signal" "$signal" >"$WORK/sig.csv"
  bulk_before=$(route_count "POST /api/v1/creators/bulk")
  "$R" run - -o "$WORK/sig.out.csv" <"$WORK/sig.csv" >/dev/null 2>"$E" &
  pid=$!
  check "SIG$signal: the run submitted" wait_for_submit "$bulk_before"
  check "SIG$signal: no spool file in \$TMPDIR while the run goes on" test "$(spools)" = 0
  kill -"$signal" "$pid"
  code=0
  wait "$pid" 2>/dev/null || code=$?
  check "SIG$signal: the run ended ($code)" test "$code" = "$([ "$signal" = TERM ] && echo 75 || echo 137)"
  check "SIG$signal: no spool file left" test "$(spools)" = 0
done

finish
