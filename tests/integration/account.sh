#!/usr/bin/env bash
# `roster-enrich account` against the simulator: output, exit codes, and the key never shown.
source "$(dirname "$0")/lib.sh"

start_sim --seed 7
out="$WORK/account.out"; err="$WORK/account.err"

expect_exit 0 "account prints the tenant" -- "$ROSTER_ENRICH" account >"$out" 2>"$err"
check "text names the tenant and balance" grep -q "Demo Agency" "$out"
check "text shows the balance 1000" grep -q "1000" "$out"

expect_exit 0 "account --json" -- "$ROSTER_ENRICH" account --json >"$out" 2>"$err"
check "json balance is 1000" test "$(json_get "$out" 'd["balance"]')" = 1000
check "json pricing youtube is 3" test "$(json_get "$out" 'd["pricing"]["youtube"]')" = 3

# Options before or after the command name mean the same.
expect_exit 0 "-v before the command" -- "$ROSTER_ENRICH" -v account >/dev/null 2>"$err"
expect_exit 0 "-v after the command" -- "$ROSTER_ENRICH" account -v >"$out" 2>"$err"
check "verbose log masks the key" grep -q "X-API-Key: \*\*\*" "$err"
check "the key is in no output" bash -c "! grep -q sk_test_demo '$out' '$err'"

printf 'sk_test_demo\n' >"$WORK/key"
expect_exit 0 "--api-key-file" -- env -u CREATORSCORE_API_KEY "$ROSTER_ENRICH" account --api-key-file "$WORK/key" >/dev/null 2>"$err"
expect_exit 0 "--api-key-file - reads stdin" -- bash -c "printf 'sk_test_demo\n' | env -u CREATORSCORE_API_KEY '$ROSTER_ENRICH' account --api-key-file - >/dev/null 2>'$err'"

expect_exit 77 "no key" -- env -u CREATORSCORE_API_KEY "$ROSTER_ENRICH" account >/dev/null 2>"$err"
check "no key: one line saying what to do" grep -q "CREATORSCORE_API_KEY" "$err"
expect_exit 77 "rejected key" -- env CREATORSCORE_API_KEY=sk_wrong "$ROSTER_ENRICH" account >/dev/null 2>"$err"
check "rejected key: the message names HTTP 401" grep -q "401" "$err"
check "rejected key: the wrong key is not echoed" bash -c "! grep -q sk_wrong '$err'"

# Plain http:// to a non-loopback host is refused before any connection (0.0.0.0 would only
# reach this machine even if the check were broken).
expect_exit 64 "plain http to a non-loopback host" -- "$ROSTER_ENRICH" account --base-url http://0.0.0.0:9 >/dev/null 2>"$err"
check "insecure: the message says why" grep -qi "http" "$err"
expect_exit 64 "usage error for an unknown flag" -- "$ROSTER_ENRICH" account --no-such-flag >/dev/null 2>"$err"

curl -sf -X POST "$SIM_URL/_sim/config" -d '{"fault_503": 1.0}' >/dev/null
expect_exit 69 "API down past the retries" -- "$ROSTER_ENRICH" account >/dev/null 2>"$err"
check "unavailable: the message names HTTP 503" grep -q "503" "$err"

expect_exit 0 "--version" -- "$ROSTER_ENRICH" --version >"$out"
check "--version names the program" grep -q "^roster-enrich " "$out"
expect_exit 0 "--help" -- "$ROSTER_ENRICH" --help >"$out"
check "--help leads with examples" bash -c "head -n 12 '$out' | grep -q 'Examples:'"
finish
