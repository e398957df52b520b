#!/usr/bin/env bash
# account, quote and lookup with CreatorAudit against creatoraudit-sim: what each prints, the
# requests each sends (the simulator's /_sim/stats), usage errors of the CreatorAudit options, a
# missing, rejected (401) or disabled (403 FORBIDDEN) key exiting 77 naming CreatorAudit, and the
# key in no output, -v included. Exit 125 = skipped.
source "$(dirname "$0")/lib.sh"

SIM=${CREATORAUDIT_SIM:?set by ctest}
[ -x "$SIM" ] || { echo "skipped: no creatoraudit-sim" >&2; exit 125; }
KEY=ca_test_demo
DISABLED=ca_test_disabled_key
# CreatorScore is not in use in this suite: its key must not be needed (lib.sh sets one).
unset CREATORSCORE_API_KEY

printf 'platform,handle\ntiktok,pre_one\n' >"$WORK/tracked.csv"
launch_sim "$SIM" --seed 3 --key "$KEY:Demo Agency" --key "$DISABLED:Other:disabled" \
  --tracked-file "$WORK/tracked.csv" --min-refresh 5m --max-refresh 10m --listing-lag 0s
ROOT=${SIM_URL%/v2}
export CREATORAUDIT_BASE_URL=$SIM_URL CREATORAUDIT_API_KEY=$KEY
audit_stat() { curl -sS -f --noproxy '*' --max-time "$TEST_WAIT_SECONDS" "$ROOT/_sim/stats" | json_get - "$1"; }
route() { audit_stat "d['requests_by_route'].get('$1', 0)"; }
out="$WORK/out"; err="$WORK/err"
no_key_in_output() { ! grep -qF -- "$1" "$out" "$err"; }

# --- account ------------------------------------------------------------------------------------
expect_exit 0 "account with only a CreatorAudit key" -- "$ROSTER_ENRICH" account -v >"$out" 2>"$err"
check "account: names the API version" grep -q "API version   2" "$out"
check "account: the learnt limit" grep -q "rate limit    120 requests per window" "$out"
check "account: one GET /whoami, one GET /meta" \
  test "$(route 'GET /v2/whoami') $(route 'GET /v2/meta')" = "1 1"
check "account -v: the bearer key masked" grep -q "Authorization: Bearer \*\*\*" "$err"
check "account -v: the key in no output" no_key_in_output "$KEY"
expect_exit 0 "account --json" -- "$ROSTER_ENRICH" account --json >"$out" 2>"$err"
check "account --json: organization id and limit" \
  test "$(json_get "$out" \
    'bool(d["creatoraudit"]["organization_id"]) and d["creatoraudit"]["rate_limit"]["limit"]')" = 120
printf '%s\n' "$KEY" >"$WORK/key"
chmod 600 "$WORK/key"
expect_exit 0 "--audit-key-file" -- env -u CREATORAUDIT_API_KEY "$ROSTER_ENRICH" account \
  --audit-key-file "$WORK/key" >"$out" 2>"$err"
expect_exit 0 "--audit-key-file - reads stdin" -- bash -c \
  "env -u CREATORAUDIT_API_KEY '$ROSTER_ENRICH' account --audit-key-file - <'$WORK/key' >'$out' 2>'$err'"
: >"$WORK/empty"
expect_exit 77 "an empty --audit-key-file" -- "$ROSTER_ENRICH" account --audit-key-file "$WORK/empty" >"$out" 2>"$err"
check "empty key file: says the first line must hold the key" one_line "$err" "no CreatorAudit key in"

expect_exit 77 "no key at all" -- env -u CREATORAUDIT_API_KEY "$ROSTER_ENRICH" account >"$out" 2>"$err"
expect_exit 77 "a wrong key (401)" -- env CREATORAUDIT_API_KEY=ca_wrong_key_123 "$ROSTER_ENRICH" account -v \
  >"$out" 2>"$err"
check "401: names CreatorAudit and how to set the key" \
  grep -q "CreatorAudit rejected the key.*CREATORAUDIT_API_KEY" "$err"
check "401: the wrong key in no output" no_key_in_output ca_wrong_key_123
expect_exit 77 "a disabled key (403 FORBIDDEN)" -- env CREATORAUDIT_API_KEY=$DISABLED "$ROSTER_ENRICH" account \
  >"$out" 2>"$err"
check "403: one line naming CreatorAudit and FORBIDDEN" one_line "$err" "CreatorAudit rejected the key"
check "403: FORBIDDEN named" grep -q FORBIDDEN "$err"
check "403: the key in no output" no_key_in_output "$DISABLED"
expect_exit 64 "plain http to a non-loopback CreatorAudit host" -- "$ROSTER_ENRICH" account \
  --audit-base-url http://0.0.0.0:9/v2 >"$out" 2>"$err"

# --- quote --------------------------------------------------------------------------------------
printf 'platform,handle\ntiktok,PRE_ONE\ninstagram,new_one\ntiktok,new_two\nyoutube,elsewhere\n' >"$WORK/r.csv"
before=$(route 'GET /v2/accounts')
expect_exit 0 "quote --providers creatoraudit" -- "$ROSTER_ENRICH" quote "$WORK/r.csv" --providers creatoraudit \
  --json >"$out" 2>"$err"
check "quote: 3 covered lookups, 1 tracked, 2 anew, 1 not covered" \
  test "$(json_get "$out" '[d["creatoraudit"][k] for k in
    ("instagram", "tiktok", "already_tracked", "to_track", "not_covered")]')" = "[1, 2, 1, 2, 1]"
check "quote: one listing per platform, nothing tracked" \
  test "$(($(route 'GET /v2/accounts') - before)) $(route 'POST /v2/accounts')" = "2 0"
expect_exit 0 "quote without a CreatorAudit key" -- env -u CREATORAUDIT_API_KEY "$ROSTER_ENRICH" quote \
  "$WORK/r.csv" --providers creatoraudit >"$out" 2>"$err"
check "quote without a key: tracked count unknown" grep -q "already tracked  unknown" "$out"
expect_exit 0 "quote via ROSTER_ENRICH_PROVIDERS" -- env ROSTER_ENRICH_PROVIDERS=creatoraudit,creatoraudit \
  "$ROSTER_ENRICH" quote "$WORK/r.csv" >"$out" 2>"$err"
check "ROSTER_ENRICH_PROVIDERS: the CreatorAudit part shown" grep -q "^creatoraudit" "$out"
expect_exit 77 "quote with a disabled key" -- env CREATORAUDIT_API_KEY=$DISABLED "$ROSTER_ENRICH" quote \
  "$WORK/r.csv" --providers creatoraudit >"$out" 2>"$err"

# --- lookup -------------------------------------------------------------------------------------
expect_exit 75 "lookup of an untracked creator, without --wait" -- "$ROSTER_ENRICH" lookup \
  --provider creatoraudit tiktok '@New.Creator' --json >"$out" 2>"$err"
check "lookup: tracked now, pending" \
  test "$(json_get "$out" 'd["audit"]["status"], d["audit"]["tracked_now"]')" = "('pending', True)"
check "lookup: one POST /accounts with an Idempotency-Key" \
  test "$(route 'POST /v2/accounts') $(audit_stat 'd["tracks_without_idempotency_key"]')" = "1 0"
expect_exit 0 "lookup --wait: metrics after the first refresh" -- "$ROSTER_ENRICH" lookup \
  --provider creatoraudit tiktok new.creator --wait --poll-interval 1m --audit-period 7d --json >"$out" 2>"$err"
check "lookup --wait: status metrics for 7d" \
  test "$(json_get "$out" 'd["audit"]["status"], d["audit"]["period"], d["audit"]["tracked_now"]')" \
  = "('metrics', '7d', False)"
check "lookup again: no second track, one account" \
  test "$(route 'POST /v2/accounts') $(audit_stat 'd["accounts_created"]')" = "1 1"
check "lookup --wait: one metrics call" test "$(route 'POST /v2/accounts/metrics')" = 1
expect_exit 1 "lookup of a username CreatorAudit refuses (422)" -- "$ROSTER_ENRICH" lookup \
  --provider creatoraudit instagram ghost_person --json >"$out" 2>"$err"
check "422: status invalid" test "$(json_get "$out" 'd["audit"]["status"]')" = invalid
expect_exit 64 "lookup --provider creatoraudit youtube" -- "$ROSTER_ENRICH" lookup --provider creatoraudit \
  youtube someone >"$out" 2>"$err"
check "youtube: says CreatorAudit covers instagram and tiktok" \
  one_line "$err" "CreatorAudit covers instagram and tiktok"
expect_exit 77 "lookup without a CreatorAudit key" -- env -u CREATORAUDIT_API_KEY "$ROSTER_ENRICH" lookup \
  --provider creatoraudit tiktok someone >"$out" 2>"$err"
check "no key: one line naming CreatorAudit and CREATORAUDIT_API_KEY" \
  one_line "$err" "no CreatorAudit key: set CREATORAUDIT_API_KEY or pass --audit-key-file FILE"
check "the only 401 is the wrong key's: every other request carried the key" \
  test "$(audit_stat 'd["requests_by_status"].get("401", 0)')" = 1

# --- usage errors -------------------------------------------------------------------------------
expect_exit 64 "unknown provider" -- "$ROSTER_ENRICH" run "$WORK/r.csv" --providers creatoraudt >"$out" 2>"$err"
check "unknown provider: did you mean" one_line "$err" "did you mean 'creatoraudit'?"
expect_exit 64 "unknown provider from ROSTER_ENRICH_PROVIDERS" -- env ROSTER_ENRICH_PROVIDERS=creatorscor \
  "$ROSTER_ENRICH" quote "$WORK/r.csv" >"$out" 2>"$err"
expect_exit 64 "an empty provider list" -- "$ROSTER_ENRICH" run "$WORK/r.csv" --providers , >"$out" 2>"$err"
expect_exit 64 "a bad --audit-period" -- "$ROSTER_ENRICH" run "$WORK/r.csv" --audit-period 14d >"$out" 2>"$err"
check "bad period: lists 7d, 30d and 90d" one_line "$err" "give 7d, 30d or 90d"
expect_exit 64 "a bad --audit-track" -- "$ROSTER_ENRICH" run "$WORK/r.csv" --audit-track all >"$out" 2>"$err"
check "bad track: lists new and existing" one_line "$err" "give new or existing"
expect_exit 64 "a negative --audit-max-new" -- "$ROSTER_ENRICH" run "$WORK/r.csv" --audit-max-new -1 >"$out" 2>"$err"
expect_exit 64 "lookup --provider nobody" -- "$ROSTER_ENRICH" lookup --provider nobody tiktok x >"$out" 2>"$err"

finish
