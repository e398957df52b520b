#!/usr/bin/env bash
# The API key never appears in stdout, stderr (verbose or JSON logs), the output files or the
# state file; verbose logs show `X-API-Key: ***`; no flag takes the key.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
R="$ROSTER_ENRICH"
SECRET=sk_test_SECRET123
export CREATORSCORE_API_KEY=$SECRET
start_sim --seed 9 --min-job 10m --max-job 15m --tenant "$SECRET:Demo:1000"
ROSTER="$FIX/mixed.csv"   # scored, cached, failed and invalid rows

no_secret() {  # no_secret FILE...: none of the files holds the key (or its distinctive part)
  ! grep -a -q -e "$SECRET" -e SECRET123 "$@" 2>/dev/null
}

rc=0; "$R" run "$ROSTER" -v -o "$WORK/v.csv" --state "$WORK/v.db" >"$WORK/v.out" 2>"$WORK/v.err" || rc=$?
check "-v run finishes (exit 1 for the invalid rows; got $rc)" test "$rc" = 1
check "-v: verbose log shows X-API-Key: ***" grep -q 'X-API-Key: \*\*\*' "$WORK/v.err"
check "-v: the key is in neither stdout nor stderr" no_secret "$WORK/v.out" "$WORK/v.err"
check "-v: the key is not in the CSV output" no_secret "$WORK/v.csv"
check "-v: the state file exists" test -e "$WORK/v.db"
check "-v: the key is not in the state file (.db, -wal, -shm, -journal)" no_secret "$WORK"/v.db*

rc=0; "$R" run "$ROSTER" --log-format json -v -o "$WORK/j.json" --state "$WORK/j.db" >"$WORK/j.out" 2>"$WORK/j.err" || rc=$?
check "--log-format json -v: finishes (got $rc)" test "$rc" = 1
check "--log-format json -v: the key is in neither stdout nor stderr" no_secret "$WORK/j.out" "$WORK/j.err"
check "--log-format json: the key is not in the JSON output" no_secret "$WORK/j.json"
check "--log-format json: the key is not in the state file" no_secret "$WORK"/j.db*
check "--log-format json -v: headers, if logged, are masked" bash -c "! grep -a -i 'x-api-key' '$WORK/j.err' | grep -v -q '\*\*\*'"

rc=0; "$R" run "$ROSTER" --format jsonl -o - --log-format json --state "$WORK/l.db" >"$WORK/l.out" 2>"$WORK/l.err" || rc=$?
check "JSONL to stdout: the key is in neither stdout nor stderr" no_secret "$WORK/l.out" "$WORK/l.err" "$WORK"/l.db*

# The key from a file, and from stdin
printf '%s\n' "$SECRET" >"$WORK/keyfile"
rc=0; env -u CREATORSCORE_API_KEY "$R" run "$ROSTER" -v --api-key-file "$WORK/keyfile" -o "$WORK/f.csv" --state "$WORK/f.db" >"$WORK/f.out" 2>"$WORK/f.err" || rc=$?
check "--api-key-file: works (got $rc)" test "$rc" = 1
check "--api-key-file: the key is in no output" no_secret "$WORK/f.out" "$WORK/f.err" "$WORK/f.csv" "$WORK"/f.db*

# Incomplete run: the resume command names no key
start_sim --seed 9 --min-job 300m --max-job 400m --tenant "$SECRET:Demo:1000"
rc=0; "$R" run "$ROSTER" -v -o "$WORK/d.csv" --state "$WORK/d.db" --deadline 1m >"$WORK/d.out" 2>"$WORK/d.err" || rc=$?
check "deadline run exits 75 (got $rc)" test "$rc" = 75
check "deadline: the key is in no output, resume command included" no_secret "$WORK/d.out" "$WORK/d.err" "$WORK/d.csv" "$WORK"/d.db*

# Wrong key: not echoed. A flag carrying the key: refused, and the key not echoed.
rc=0; env CREATORSCORE_API_KEY=sk_wrong_SECRET123 "$R" run "$ROSTER" -v -o "$WORK/w.csv" --state "$WORK/w.db" >"$WORK/w.out" 2>"$WORK/w.err" || rc=$?
check "wrong key: exit 77 (got $rc)" test "$rc" = 77
check "wrong key: not echoed, even with -v" no_secret "$WORK/w.out" "$WORK/w.err"
rc=0; "$R" run "$ROSTER" --api-key "$SECRET" -o "$WORK/k.csv" --state "$WORK/k.db" >"$WORK/k.out" 2>"$WORK/k.err" || rc=$?
check "--api-key KEY is not a flag: exit 64 (got $rc)" test "$rc" = 64
check "--api-key KEY: the key is not echoed in the usage error" no_secret "$WORK/k.out" "$WORK/k.err"
finish
