#!/usr/bin/env bash
# creatorscore-sim over real HTTP on 127.0.0.1: the startup line, the API endpoints, the /_sim/
# endpoints, rate limiting, a dropped connection, the loopback-only rule and a clean SIGTERM.
# Needs only CREATORSCORE_SIM (set by ctest), curl and python3; exit 125 = skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"  # says what failed, and where

SIM=${CREATORSCORE_SIM:?set CREATORSCORE_SIM to the creatorscore-sim binary}
if [ ! -x "$SIM" ] || ! command -v curl >/dev/null || ! command -v python3 >/dev/null; then
  echo "skipped: needs an executable \$CREATORSCORE_SIM, curl and python3" >&2
  exit 125
fi
mkdir -p "${TEST_TMP:-/tmp}"
WORK=$(mktemp -d "${TEST_TMP:-/tmp}/sim_http.XXXXXX")
SIM_PID=""
URL=""
FAILURES=0
KEY="X-API-Key: sk_test_demo"

stop_sim() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  SIM_PID=""
}
cleanup() {
  stop_sim
  if [ "$FAILURES" -eq 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT

# start_sim [flags...]: a fresh simulator on a free port; sets URL.
start_sim() {
  stop_sim
  "$SIM" --port 0 "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
  SIM_PID=$!
  # Up to 30 s (600 x 50 ms): a loaded machine under ASan starts it in seconds, not milliseconds.
  for _ in $(seq 1 600); do
    if grep -q "listening on" "$WORK/sim.out" 2>/dev/null; then
      URL=$(sed -n 's|^creatorscore-sim listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$WORK/sim.out")
      if [ -z "$URL" ]; then echo "unexpected startup line: $(cat "$WORK/sim.out")" >&2; exit 125; fi
      return 0
    fi
    sleep 0.05
  done
  echo "creatorscore-sim did not start: $(cat "$WORK/sim.err")" >&2
  exit 125
}

pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*" >&2; FAILURES=$((FAILURES + 1)); }
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
# json FILE EXPR: a Python expression over the parsed JSON `d`.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# status FILE curl-args...: the HTTP status; the body goes to FILE.
status() { local file=$1; shift; curl -s -o "$file" -w '%{http_code}' "$@"; }

# --- a well-behaved API ------------------------------------------------------------------------
start_sim --seed 7 --time-scale 60
check "startup prints exactly one line" test "$(wc -l <"$WORK/sim.out")" -eq 1

check "GET /account is 200" test "$(status "$WORK/a.json" -H "$KEY" "$URL/api/v1/account")" = 200
check "account: tenant Demo Agency" test "$(json "$WORK/a.json" 'd["tenant"]["name"]')" = "Demo Agency"
check "account: balance 1000" test "$(json "$WORK/a.json" 'd["credits"]["balance"]')" = 1000
check "account: youtube costs 3" test "$(json "$WORK/a.json" 'd["pricing"]["per_platform_credits"]["youtube"]')" = 3
check "no key is 401" test "$(status "$WORK/e.json" "$URL/api/v1/account")" = 401
check "no key: missing_api_key" test "$(json "$WORK/e.json" 'd["error"]')" = missing_api_key
check "header names are case-insensitive" \
  test "$(status /dev/null -H "x-api-key: sk_test_demo" "$URL/api/v1/account")" = 200

body='{"creators":[{"platform":"tiktok","handle":"alixearle"},{"platform":"youtube","handle":"MrBeast"},
  {"platform":"twitter","handle":"Jack"},{"platform":"x","handle":"jack"},{"platform":"myspace","handle":"tom"}]}'
check "POST /creators/bulk is 200" \
  test "$(status "$WORK/b.json" -H "$KEY" -H 'Content-Type: application/json' -d "$body" "$URL/api/v1/creators/bulk")" = 200
check "bulk: five results in order" \
  test "$(json "$WORK/b.json" '",".join(r["handle"] for r in d["results"])')" = "alixearle,MrBeast,Jack,jack,tom"
check "bulk: summary adds up" \
  test "$(json "$WORK/b.json" 'd["summary"]["cached"]+d["summary"]["queued"]+d["summary"]["errored"]')" = 5
check "bulk: unsupported platform is a per-item error" \
  test "$(json "$WORK/b.json" 'd["results"][4]["error"]')" = unsupported_platform
check "bulk: twitter/Jack and x/jack are one creator" \
  test "$(json "$WORK/b.json" 'd["results"][2].get("job_id", "c") == d["results"][3].get("job_id", "c")')" = True
spent=$(json "$WORK/b.json" 'd["summary"]["credits_spent"]')
check "bulk: credits_remaining = 1000 - spent" \
  test "$(json "$WORK/b.json" 'd["summary"]["credits_remaining"]')" = $((1000 - spent))

job=$(json "$WORK/b.json" 'next((r["job_id"] for r in d["results"] if r["status"] == "queued"), "")')
if [ -n "$job" ]; then
  check "GET /jobs/{id} of a fresh job is 202" test "$(status "$WORK/j.json" -H "$KEY" "$URL/api/v1/jobs/$job")" = 202
  check "job: eta_seconds is a non-negative integer" \
    test "$(json "$WORK/j.json" 'isinstance(d["eta_seconds"], int) and d["eta_seconds"] >= 0')" = True
  check "POST /jobs/bulk-status is 200" test "$(status "$WORK/s.json" -H "$KEY" \
    -d "{\"job_ids\":[\"$job\",\"nope\"]}" "$URL/api/v1/jobs/bulk-status")" = 200
  check "bulk-status: one not_found" test "$(json "$WORK/s.json" 'd["summary"]["not_found"]')" = 1
fi
check "unknown job is 404" test "$(status "$WORK/n.json" -H "$KEY" "$URL/api/v1/jobs/nope")" = 404
check "unknown job: status not_found" test "$(json "$WORK/n.json" 'd["status"]')" = not_found

check "GET /_sim/stats is 200" test "$(status "$WORK/st.json" "$URL/_sim/stats")" = 200
check "stats: charged total matches the bulk" test "$(json "$WORK/st.json" 'd["credits_charged_total"]')" = "$spent"
check "stats: balance matches" \
  test "$(json "$WORK/st.json" 'd["balances"]["sk_test_demo"]["balance"]')" = $((1000 - spent))
check "stats: bulk counted by route" \
  test "$(json "$WORK/st.json" 'd["requests_by_route"]["POST /api/v1/creators/bulk"]')" = 1
check "stats: jobs listed with their end" \
  test "$(json "$WORK/st.json" 'all("completes_at_ms" in j for j in d["jobs"])')" = True
check "API time runs at the time scale" test "$(curl -s "$URL/_sim/time" | python3 -c 'import json,sys; print(json.load(sys.stdin)["now_ms"] > 0)')" = True

curl -s -d '{"key":"sk_test_demo","balance":5}' "$URL/_sim/credits" >/dev/null
check "POST /_sim/credits sets the balance" \
  test "$(curl -s -H "$KEY" "$URL/api/v1/account" | python3 -c 'import json,sys; print(json.load(sys.stdin)["credits"]["balance"])')" = 5
curl -s -d '{"fault_503":1}' "$URL/_sim/config" >/dev/null
check "POST /_sim/config takes the API down" test "$(status /dev/null -H "$KEY" "$URL/api/v1/account")" = 503
curl -s -d '{"fault_503":0}' "$URL/_sim/config" >/dev/null
check "... and brings it back" test "$(status /dev/null -H "$KEY" "$URL/api/v1/account")" = 200

kill -TERM "$SIM_PID"
rc=0
for _ in $(seq 1 600); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$SIM_PID" 2>/dev/null; then fail "SIGTERM ends the simulator within 30 s"; else
  wait "$SIM_PID" || rc=$?
  check "SIGTERM ends the simulator with exit 0" test "$rc" -eq 0
fi
SIM_PID=""

# --- rate limit --------------------------------------------------------------------------------
start_sim --rate-limit 3
for _ in 1 2 3; do curl -s -o /dev/null -H "$KEY" "$URL/api/v1/account"; done
curl -s -D "$WORK/h.txt" -o "$WORK/r.json" -H "$KEY" "$URL/api/v1/account"
check "the 4th request in a minute is 429" grep -q "^HTTP/1.1 429" "$WORK/h.txt"
check "429 carries an integer Retry-After >= 1" grep -Eqi "^Retry-After: [1-9][0-9]*"$'\r'"?$" "$WORK/h.txt"
check "429: rate_limit_exceeded" test "$(json "$WORK/r.json" 'd["error"]')" = rate_limit_exceeded
curl -s -o /dev/null -H "$KEY" "$URL/api/v1/account"
check "stats: a 429 ignored is a violation" \
  test "$(curl -s "$URL/_sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["retry_after_violations"])')" = 1

# --- dropped connection ------------------------------------------------------------------------
start_sim --fault-drop 1
rc=0
curl -s -o /dev/null -H "$KEY" -d '{"creators":[{"platform":"youtube","handle":"MrBeast"}]}' \
  "$URL/api/v1/creators/bulk" || rc=$?
check "a dropped connection makes curl fail (exit $rc)" test "$rc" -ne 0
curl -s "$URL/_sim/stats" >"$WORK/d.json"
check "the test endpoints are never faulted" test "$(json "$WORK/d.json" 'd["faults"]["drop"]')" = 1
check "a dropped request charges nothing" test "$(json "$WORK/d.json" 'd["credits_charged_total"]')" = 0
stop_sim

# --- loopback only -----------------------------------------------------------------------------
rc=0
"$SIM" --port 0 --host 0.0.0.0 >/dev/null 2>"$WORK/host.err" || rc=$?
check "--host other than 127.0.0.1 is refused (exit 64)" test "$rc" -eq 64

if [ "$FAILURES" -gt 0 ]; then echo "$FAILURES check(s) failed" >&2; exit 1; fi
echo "all checks passed"
