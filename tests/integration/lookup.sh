#!/usr/bin/env bash
# `roster-enrich lookup` against the simulator: GET /creators/{p}/{h} (cached, queued), GET
# /jobs/{id} through --wait, per-creator errors (400), 402 at a zero balance, include fields.
source "$(dirname "$0")/lib.sh"

start_sim --seed 11 --cached-percent 0 --min-job 10m --max-job 20m
out="$WORK/out"; err="$WORK/err"

expect_exit 75 "a fresh creator without --wait is queued (run again)" -- "$ROSTER_ENRICH" lookup tiktok fresh_one --json >"$out" 2>"$err"
check "queued: status pending with a job id" test "$(json_get "$out" 'd["status"] + ":" + str(bool(d["job_id"]))')" = "pending:True"

# Asked again while its job runs (or just after it ended): never a second charge.
"$ROSTER_ENRICH" lookup tiktok fresh_one --json >/dev/null 2>&1 || true
check "the in-flight duplicate was not charged twice" test "$(sim_stats | json_get - 'd["credits_charged_by_creator"]["tiktok:fresh_one"]')" = 1

expect_exit 0 "--wait polls the job until it is done" -- "$ROSTER_ENRICH" lookup tiktok fresh_two --wait --poll-interval 60s --json >"$out" 2>"$err"
check "waited: status scored with the creator" test "$(json_get "$out" 'd["status"] + ":" + d["creator"]["handle"]')" = "scored:fresh_two"

expect_exit 0 "a done creator is cached and free" -- "$ROSTER_ENRICH" lookup tiktok FRESH_TWO --include narrative --json >"$out" 2>"$err"
check "cached: status and include field" test "$(json_get "$out" 'd["status"] + ":" + str("narrative" in d["creator"])')" = "cached:True"
check "still charged once each" test "$(sim_stats | json_get - 'd["credits_charged_total"]')" = 2

expect_exit 1 "a failing job ends failed" -- "$ROSTER_ENRICH" lookup instagram missing_person --wait --json >"$out" 2>"$err"
check "failed: status and refund" test "$(json_get "$out" 'd["status"]')" = failed
check "failed: the credit was refunded" test "$(sim_stats | json_get - 'd["credits_refunded_total"]')" = 1

expect_exit 1 "an invalid handle is a per-creator error (HTTP 400)" -- "$ROSTER_ENRICH" lookup tiktok "a/b" --json >"$out" 2>"$err"
check "invalid_handle is named" grep -q invalid_handle "$out"
expect_exit 64 "an unknown platform is a usage error" -- "$ROSTER_ENRICH" lookup myspace tom >"$out" 2>"$err"

curl -sf -X POST "$SIM_URL/_sim/credits" -d '{"key":"sk_test_demo","balance":0}' >/dev/null
curl -sf -X POST "$SIM_URL/_sim/config" -d '{"zero_balance_402":true}' >/dev/null
expect_exit 3 "402 insufficient_credits at a zero balance" -- "$ROSTER_ENRICH" lookup youtube broke_creator >"$out" 2>"$err"
check "402: the message says to top up" grep -qi "top up" "$err"

curl -sf -X POST "$SIM_URL/_sim/config" -d '{"fault_malformed":1.0}' >/dev/null
expect_exit 69 "a body that is never JSON is retried, then reported with its status" -- "$ROSTER_ENRICH" account >"$out" 2>"$err"
check "malformed: the message names HTTP 200" grep -q "HTTP 200" "$err"
check "malformed: retried (8 attempts)" test "$(sim_stats | json_get - 'd["requests_by_route"]["GET /api/v1/account"]')" -ge 8
finish
