#!/usr/bin/env bash
# creatoraudit-sim over real HTTP on 127.0.0.1: the startup line, every /v2 endpoint, problem
# documents and X-Request-ID, Idempotency-Key replays, 409, 422, the quota changed at run time,
# cursors bound to their filters, ETag 304, rate-limit headers and 429, a drop after the write took
# effect, pre-tracked accounts, the /_sim/ endpoints, --help, the loopback-only rule and SIGTERM.
# Needs CREATORAUDIT_SIM and lib.sh's variables (set by ctest), curl and python3; exit 125 = skipped.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SIM=${CREATORAUDIT_SIM:?set CREATORAUDIT_SIM to the creatoraudit-sim binary}
if [ ! -x "$SIM" ] || ! command -v curl >/dev/null; then
  echo "skipped: needs an executable \$CREATORAUDIT_SIM and curl" >&2
  exit 125
fi
URL=""
ROOT=""
AUTH="Authorization: Bearer ca_test_demo"
JSON="Content-Type: application/json"

# start_audit_sim [flags...]: a fresh creatoraudit-sim on a free port (lib.sh's stop_sim and cleanup
# end it); sets URL (the /v2 base) and ROOT.
start_audit_sim() {
  launch_sim "$SIM" "$@"
  URL=$(sed -n 's|^creatoraudit-sim listening on \(http://127\.0\.0\.1:[0-9]*/v2\)$|\1|p' "$WORK/sim.out")
  if [ -z "$URL" ]; then echo "unexpected startup line: $(cat "$WORK/sim.out")" >&2; exit 125; fi
  ROOT=${URL%/v2}
}

# status FILE curl-args...: the HTTP status; the body goes to FILE, the headers to FILE.h.
status() { local file=$1; shift; curl -s -D "$file.h" -o "$file" -w '%{http_code}' "$@"; }
# header FILE NAME: the value of header NAME in FILE.h (case-insensitive), without the CR.
header() { sed -n "s/^$2: *//Ip" "$1.h" | tr -d '\r' | head -n1; }
stat_of() { curl -s "$ROOT/_sim/stats" >"$WORK/stats.json"; json_get "$WORK/stats.json" "$1"; }
track() {  # track FILE IDEMPOTENCY-KEY PLATFORM USERNAME [curl-args...]
  local file=$1 key=$2 platform=$3 username=$4; shift 4
  status "$file" -H "$AUTH" -H "$JSON" -H "Idempotency-Key: $key" \
    -d "{\"platform\":\"$platform\",\"username\":\"$username\"}" "$@" "$URL/accounts"
}

# --- a well-behaved API ------------------------------------------------------------------------
printf 'platform,handle\ntiktok,pre_one\ninstagram,pre_two\nyoutube,elsewhere\n' >"$WORK/tracked.csv"
# Time scale 60: the first refresh (1h to 2h) cannot land during the checks before it, even on a
# loaded machine; /_sim/advance then skips to it.
start_audit_sim --seed 7 --time-scale 60 --tracked-file "$WORK/tracked.csv" --other-accounts 3 \
  --min-refresh 1h --max-refresh 2h --listing-lag 0s
check "startup prints exactly one line" test "$(wc -l <"$WORK/sim.out")" -eq 1

check "GET /health needs no key" test "$(status "$WORK/h.json" "$URL/health")" = 200
check "GET /meta needs no key" test "$(status "$WORK/m.json" "$URL/meta")" = 200
check "meta: version, openapi_url, docs_url in data" \
  test "$(json_get "$WORK/m.json" 'all(k in d["data"] for k in ("version","openapi_url","docs_url"))')" = True
check "GET /whoami is 200" test "$(status "$WORK/w.json" -H "$AUTH" "$URL/whoami")" = 200
check "whoami: type whoami" test "$(json_get "$WORK/w.json" 'd["data"]["type"]')" = whoami
check "whoami: X-RateLimit-Limit 120" test "$(header "$WORK/w.json" X-RateLimit-Limit)" = 120
check "whoami: X-RateLimit-Remaining 119" test "$(header "$WORK/w.json" X-RateLimit-Remaining)" = 119
check "whoami: X-RateLimit-Reset present" test -n "$(header "$WORK/w.json" X-RateLimit-Reset)"
check "no key is 401" test "$(status "$WORK/e.json" "$URL/whoami")" = 401
check "401 is application/problem+json" \
  grep -qi "^Content-Type: application/problem+json" "$WORK/e.json.h"
check "401: code UNAUTHORIZED" test "$(json_get "$WORK/e.json" 'd["code"]')" = UNAUTHORIZED
check "401: request_id mirrors X-Request-ID" \
  test "$(json_get "$WORK/e.json" 'd["request_id"]')" = "$(header "$WORK/e.json" X-Request-ID)"
check "a write that is not JSON is 415" test "$(status "$WORK/e.json" -H "$AUTH" \
  -H 'Content-Type: text/plain' -d '{"platform":"tiktok","username":"x"}' "$URL/accounts")" = 415
check "an Accept that cannot be JSON is 406" \
  test "$(status "$WORK/e.json" -H "$AUTH" -H 'Accept: text/html' "$URL/whoami")" = 406

check "POST /accounts is 201" test "$(track "$WORK/t1.json" key-1 tiktok '@Ava.Makes')" = 201
id=$(json_get "$WORK/t1.json" 'd["data"]["id"]')
check "track: username canonical, not yet refreshed" \
  test "$(json_get "$WORK/t1.json" 'd["data"]["username"] + str(d["data"]["last_scrape_time"])')" \
  = "ava.makesNone"
check "a replay of the key is 201 with the same body" \
  test "$(track "$WORK/t2.json" key-1 tiktok '@Ava.Makes')" = 201
check "replay: byte-identical body" cmp -s "$WORK/t1.json" "$WORK/t2.json"
check "a fresh key for the same username is 409" test "$(track "$WORK/t3.json" key-2 tiktok ava.makes)" = 409
check "409: code CONFLICT" test "$(json_get "$WORK/t3.json" 'd["code"]')" = CONFLICT
check "an unknown username is 422" test "$(track "$WORK/t4.json" key-3 tiktok ghost_rider)" = 422
check "422: errors name username" test "$(json_get "$WORK/t4.json" 'd["errors"][0]["field"]')" = username
check "a pre-tracked account is 409" test "$(track "$WORK/t5.json" key-4 tiktok PRE_ONE)" = 409
check "stats: 1 created, 1 replay, 2 second tracks, 0 duplicates" \
  test "$(stat_of '(d["accounts_created"], d["idempotent_replays"], d["second_tracks"],
                    d["duplicate_accounts"])')" \
  = "(1, 1, 2, 0)"

# Listings: pre_one, pre_two, other_1..3, then ava.makes, two a page.
check "GET /accounts?limit=2 is 200" test "$(status "$WORK/l1.json" -H "$AUTH" "$URL/accounts?limit=2")" = 200
check "page 1: pre-tracked first, has_next" \
  test "$(json_get "$WORK/l1.json" '[a["username"] for a in d["data"]] + [d["pagination"]["has_next"]]')" \
  = "['pre_one', 'pre_two', True]"
cursor=$(json_get "$WORK/l1.json" 'd["pagination"]["next_cursor"]')
names=""
while :; do
  status "$WORK/l.json" -H "$AUTH" --get --data-urlencode "cursor=$cursor" "$URL/accounts?limit=2" >/dev/null
  names="$names$(json_get "$WORK/l.json" '",".join(a["username"] for a in d["data"])'),"
  [ "$(json_get "$WORK/l.json" 'd["pagination"]["has_next"]')" = True ] || break
  cursor=$(json_get "$WORK/l.json" 'd["pagination"]["next_cursor"]')
done
check "following next_cursor lists the rest once ($names)" \
  test "$names" = "other_1,other_2,other_3,ava.makes,"
check "a cursor with other filters is 422" test "$(status "$WORK/c.json" -H "$AUTH" --get \
  --data-urlencode "cursor=$(json_get "$WORK/l1.json" 'd["pagination"]["next_cursor"]')" \
  "$URL/accounts?platform=tiktok")" = 422
check "422: errors name cursor" test "$(json_get "$WORK/c.json" 'd["errors"][0]["field"]')" = cursor
check "stats: one cursor error" test "$(stat_of 'd["cursor_errors"]')" = 1

check "GET /accounts/{id} is 200 with an ETag" \
  test "$(status "$WORK/a.json" -H "$AUTH" "$URL/accounts/$id")" = 200
etag=$(header "$WORK/a.json" ETag)
check "If-None-Match with the ETag is 304" \
  test "$(status "$WORK/a2.json" -H "$AUTH" -H "If-None-Match: $etag" "$URL/accounts/$id")" = 304
check "304 has an empty body" test ! -s "$WORK/a2.json"
check "an unknown id is 404" test "$(status "$WORK/e.json" -H "$AUTH" "$URL/accounts/nope")" = 404

check "metrics before the first refresh: ava absent" test "$(status "$WORK/x.json" -H "$AUTH" -H "$JSON" \
  -d "{\"period\":\"30d\",\"account_ids\":[\"$id\"]}" "$URL/accounts/metrics")" = 200
check "metrics: data empty" test "$(json_get "$WORK/x.json" 'len(d["data"])')" = 0
check "an unknown id in metrics is 422" test "$(status "$WORK/x.json" -H "$AUTH" -H "$JSON" \
  -d "{\"period\":\"30d\",\"account_ids\":[\"$id\",\"nope\"]}" "$URL/accounts/metrics")" = 422
check "422 names account_ids[1]" \
  test "$(json_get "$WORK/x.json" 'd["errors"][0]["field"]')" = "account_ids[1]"
curl -s -d '{"ms": 7200000}' "$ROOT/_sim/advance" >/dev/null  # past --max-refresh 2h
check "after the refresh, If-None-Match gets a 200" \
  test "$(status "$WORK/a3.json" -H "$AUTH" -H "If-None-Match: $etag" "$URL/accounts/$id")" = 200
curl -s -H "$AUTH" -H "$JSON" -d "{\"period\":\"30d\",\"account_ids\":[\"$id\"]}" "$URL/accounts/metrics" \
  >"$WORK/x.json"
curl -s "$ROOT/_sim/accounts?period=30d" >"$WORK/truth.json"
if python3 - "$WORK/x.json" "$WORK/truth.json" "$id" <<'PY'; then
import json, sys
got = json.load(open(sys.argv[1]))["data"][0]
truth = next(a for a in json.load(open(sys.argv[2]))["accounts"] if a["id"] == sys.argv[3])["metrics"]
for skip in ("account_id", "period", "start_date", "end_date"):
    got.pop(skip)
sys.exit(0 if got == truth and got["saved_count"] is None else 1)
PY
  pass "metrics equal /_sim/accounts' truth"
else
  fail "metrics equal /_sim/accounts' truth"
fi

# Quota at run time: 6 accounts now; a quota of 6 refuses the 7th, raising it lets the same key in.
curl -s -d '{"quota": 6}' "$ROOT/_sim/config" >/dev/null
check "past the quota is 403" test "$(track "$WORK/q.json" key-5 instagram ben)" = 403
check "403: QUOTA_EXCEEDED" test "$(json_get "$WORK/q.json" 'd["code"]')" = QUOTA_EXCEEDED
curl -s -d '{"quota": 7}' "$ROOT/_sim/config" >/dev/null
check "after raising the quota the same key tracks" test "$(track "$WORK/q.json" key-5 instagram ben)" = 201

check "GET /_sim/stats counts requests per endpoint" \
  test "$(stat_of 'd["requests_by_route"]["POST /v2/accounts"]')" = 8
check "stats: 4xx counted" test "$(stat_of 'd["responses_4xx"] >= 7')" = True

# A drop after the write took effect: the account exists, the client got no answer.
curl -s -d '{"fault_drop": 1, "quota": 0}' "$ROOT/_sim/config" >/dev/null
rc=0
curl -s -o /dev/null -H "$AUTH" -H "$JSON" -H "Idempotency-Key: key-6" \
  -d '{"platform":"tiktok","username":"cleo"}' "$URL/accounts" || rc=$?
check "a dropped answer makes curl fail (exit $rc)" test "$rc" -ne 0
curl -s -d '{"fault_drop": 0}' "$ROOT/_sim/config" >/dev/null
check "the account was created all the same" test "$(stat_of 'd["accounts_created"]')" = 3
check "retrying the key replays the 201" test "$(track "$WORK/d.json" key-6 tiktok cleo)" = 201
check "stats: a drop, no duplicate" \
  test "$(stat_of '(d["faults"]["drop"], d["duplicate_accounts"])')" = "(1, 0)"
curl -s -d '{"fault_slow": 1, "slow_delay_ms": 400}' "$ROOT/_sim/config" >/dev/null
curl -s -o "$WORK/s.json" -w '%{http_code} %{time_total}' -H "$AUTH" -H "$JSON" -H "Idempotency-Key: key-7" \
  -d '{"platform":"tiktok","username":"dana"}' "$URL/accounts" >"$WORK/slow.txt"
check "a slow answer: 201 after the delay ($(cat "$WORK/slow.txt"))" \
  python3 -c 'import sys; s, t = open(sys.argv[1]).read().split(); sys.exit(s != "201" or float(t) < 0.4)' \
  "$WORK/slow.txt"
curl -s -d '{"fault_slow": 0}' "$ROOT/_sim/config" >/dev/null

kill -TERM "$SIM_PID"
rc=0
for _ in $(seq 1 100); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$SIM_PID" 2>/dev/null; then fail "SIGTERM ends the simulator within 5 s"; else
  wait "$SIM_PID" || rc=$?
  check "SIGTERM ends the simulator with exit 0" test "$rc" -eq 0
fi
SIM_PID=""

# --- rate limit --------------------------------------------------------------------------------
start_audit_sim --rate-limit 3 --time-scale 1
for _ in 1 2 3; do curl -s -o /dev/null -H "$AUTH" "$URL/whoami"; done
check "the 4th request in a minute is 429" test "$(status "$WORK/r.json" -H "$AUTH" "$URL/whoami")" = 429
check "429 carries an integer Retry-After >= 1" \
  grep -Eqi "^Retry-After: [1-9][0-9]*"$'\r'"?$" "$WORK/r.json.h"
check "429: code RATE_LIMITED" test "$(json_get "$WORK/r.json" 'd["code"]')" = RATE_LIMITED
check "429: X-RateLimit-Remaining 0" test "$(header "$WORK/r.json" X-RateLimit-Remaining)" = 0
curl -s -o /dev/null -H "$AUTH" "$URL/whoami"
check "stats: a 429 ignored is a violation" test "$(stat_of 'd["retry_after_violations"]')" = 1
check "stats: requests sent while Remaining was 0" test "$(stat_of 'd["requests_while_exhausted"]')" = 2
check "stats: most requests in a 60 s window" test "$(stat_of 'd["max_requests_in_any_window"]')" = 5

# --- keys --------------------------------------------------------------------------------------
start_audit_sim --key ca_off:Acme:disabled --key ca_read:Acme:read-only
check "a disabled key is 403 FORBIDDEN" test "$(status "$WORK/k.json" -H "Authorization: Bearer ca_off" \
  "$URL/whoami")" = 403
check "403: code FORBIDDEN" test "$(json_get "$WORK/k.json" 'd["code"]')" = FORBIDDEN
check "a read-only key cannot track: 403" test "$(status "$WORK/k.json" -H "Authorization: Bearer ca_read" \
  -H "$JSON" -H "Idempotency-Key: k" -d '{"platform":"tiktok","username":"x"}' "$URL/accounts")" = 403
check "403: code INSUFFICIENT_SCOPE" test "$(json_get "$WORK/k.json" 'd["code"]')" = INSUFFICIENT_SCOPE
check "the default key is gone" test "$(status "$WORK/k.json" -H "$AUTH" "$URL/whoami")" = 401
stop_sim

# --- pre-tracked share -------------------------------------------------------------------------
python3 -c 'print("\n".join("tiktok,creator_%d" % i for i in range(500)))' >"$WORK/roster.csv"
start_audit_sim --tracked-file "$WORK/roster.csv" --tracked-percent 40
check "--tracked-percent 40 pre-tracks about 40 % (of 500)" \
  test "$(curl -s "$ROOT/_sim/accounts" | json_get - '160 <= len(d["accounts"]) <= 240')" = True
stop_sim

# --- CLI ---------------------------------------------------------------------------------------
"$SIM" --help >"$WORK/help.txt"
missing=""
for flag in --port --host --time-scale --seed --key --quota --rate-limit --missing-prefix --tracked-file \
  --tracked-percent --other-accounts --min-refresh --max-refresh --listing-lag --second-track \
  --unscraped-as-nulls --fault-500 --fault-503 --retry-after-share --retry-after-max --fault-drop \
  --fault-drop-before --fault-malformed --fault-slow --slow-delay --max-body --verbose; do
  grep -q -- "$flag" "$WORK/help.txt" || missing="$missing $flag"
done
check "--help lists every switch${missing:+ (missing:$missing)}" test -z "$missing"
rc=0
"$SIM" --port 0 --host 0.0.0.0 >/dev/null 2>"$WORK/host.err" || rc=$?
check "--host other than 127.0.0.1 is refused (exit 64)" test "$rc" -eq 64
rc=0
"$SIM" --port 0 --tracked-file "$WORK/none.csv" >/dev/null 2>&1 || rc=$?
check "an unreadable --tracked-file is a usage error (exit 64)" test "$rc" -eq 64

finish
