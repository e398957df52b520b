#!/usr/bin/env bash
# Hostile rosters (issue "Hardening, round two", items 1 and 2), end to end against creatorscore-sim:
#   handles that are path steps (`.`, `..`, `tiktok.com/@../../admin`, `x.com/%2e%2e`) and handles
#   holding invisible characters (U+200B alone or inside, U+3000, U+202E, U+FEFF) come out
#   `invalid` with their reason in the long, url and wide layouts, are never submitted or charged,
#   and with --include no request reaches another endpoint; `lookup tiktok ..` is refused before
#   any request.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
E="$WORK/err"
export XDG_STATE_HOME="$WORK/xdg"
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
for handle in .. . @.. "$zwsp" "a${ideo}b" "${rlo}x"; do
  expect_exit 1 "lookup tiktok '$handle': refused as invalid" -- "$R" lookup tiktok "$handle" --json >"$WORK/lookup.json" 2>"$E"
  check "lookup tiktok '$handle': status invalid, with the reason" \
    holds "$WORK/lookup.json" '(d["status"] == "invalid" and d["error"].startswith("handle "))'
done
check "lookup: the refused handles sent nothing" test "$(sim_stats | json_get - 'd["total_requests"]')" = "$before"

finish
