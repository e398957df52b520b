#!/usr/bin/env bash
# `roster-enrich run` exit codes, one per contract line, plus their precedence
# (64, 66, 65, 77, 69, 73, then 3, 75, 1, 0) and what each leaves behind.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
R="$ROSTER_ENRICH"
st() { json_get "$WORK/stats.json" "$1"; }
snap() { sim_stats >"$WORK/stats.json"; }
bulk_count() { local n; n=$(sim_stats | grep -o '"POST /api/v1/creators/bulk":[0-9]*' | cut -d: -f2); echo "${n:-0}"; }
# rows_with FILE STATUS [ERROR]: how many CSV rows have that status (and error). One python3 run
# per file (cached in FILE.counts): python3 starts slowly on a loaded machine.
rows_with() {
  if [ ! -e "$1.counts" ] || [ "$1" -nt "$1.counts" ]; then
    python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")): print(r["status"] + "\t" + r["error"])' "$1" >"$1.counts"
  fi
  awk -F'\t' -v s="$2" -v e="${3-}" -v all="$#" '$1 == s && (all < 3 || $2 == e) { n++ } END { print n + 0 }' "$1.counts"
}
E="$WORK/err"
# ended_by_error STATE: the run an error stopped before it got going is recorded as such, so
# `status` does not take it for one still working or killed.
ended_by_error() {
  env -u CREATORSCORE_API_KEY "$R" status --state "$1" --json |
    json_get - '(d["run_status"], d["stop_reason"], d["resumable"], d["in_use"])'
}
stopped="('incomplete', 'stopped by an error', True, False)"

start_sim --seed 5 --min-job 10m --max-job 15m
# --- 0 and 1 ---
expect_exit 0 "0: every valid row scored" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/o0.csv" --state "$WORK/s0.db" -q
expect_exit 1 "1: invalid rows" -- "$R" run "$SAMPLES/roster.csv" -o "$WORK/o1.csv" --state "$WORK/s1.db" -q
expect_exit 1 "1: failed jobs (missing_/ghost_ handles), no invalid row" -- "$R" run "$FIX/failed_jobs.csv" -o "$WORK/o1b.csv" --state "$WORK/s1b.db" -q
check "1: the failed rows say failed" test "$(rows_with "$WORK/o1b.csv" failed)" = 2

# --- 64: usage, before any request ---
start_sim --seed 5 --min-job 10m --max-job 15m
for args in "--no-such-flag" "--batch-size 0" "--batch-size 101" "--format xml" "--poll-interval 5x" \
            "--deadline soon" "--slow-after -1m" "--max-credits -1" "--rate-limit 0" "--progress sometimes" "--log-format xml"; do
  # shellcheck disable=SC2086
  before=$(sim_stats | grep -o '"total_requests":[0-9]*')
  expect_exit 64 "64: $args" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/o64.csv" --state "$WORK/s64.db" $args 2>"$E"
  check "64: $args: a message on stderr" test -s "$E"
  check "64: $args: rejected before any request" test "$(sim_stats | grep -o '"total_requests":[0-9]*')" = "$before"
done
expect_exit 64 "64: no ROSTER" -- "$R" run -o "$WORK/o64.csv" 2>"$E"
expect_exit 64 "64: plain http to a non-loopback host" -- "$R" run "$FIX/all_platforms.csv" --base-url http://0.0.0.0:9 -o "$WORK/o64.csv" --state "$WORK/s64.db" 2>"$E"
check "64: no output file written" test ! -e "$WORK/o64.csv"

# --- 65: unusable roster, nothing sent ---
expect_exit 65 "65: empty file" -- "$R" run "$FIX/empty.csv" -o "$WORK/o65.csv" --state "$WORK/s65.db" 2>"$E"
expect_exit 65 "65: no usable column" -- "$R" run "$FIX/no_usable.csv" -o "$WORK/o65.csv" --state "$WORK/s65b.db" 2>"$E"
check "65: the message says what is missing" test -s "$E"
expect_exit 65 "65: no valid row" -- "$R" run "$FIX/invalid_only.csv" -o "$WORK/o65.csv" --state "$WORK/s65c.db" 2>"$E"
check "65: nothing submitted" test "$(bulk_count)" = 0

# --- 66: roster cannot be opened ---
expect_exit 66 "66: missing file" -- "$R" run "$WORK/no-such.csv" -o "$WORK/o66.csv" --state "$WORK/s66.db" 2>"$E"
check "66: the message names the file" grep -q "no-such.csv" "$E"
mkdir -p "$WORK/adir"
expect_exit 66 "66: a directory" -- "$R" run "$WORK/adir" -o "$WORK/o66.csv" --state "$WORK/s66b.db" 2>"$E"

# --- 77: key ---
expect_exit 77 "77: no key" -- env -u CREATORSCORE_API_KEY "$R" run "$FIX/all_platforms.csv" -o "$WORK/o77.csv" --state "$WORK/s77.db" 2>"$E"
check "77: says CREATORSCORE_API_KEY" grep -q CREATORSCORE_API_KEY "$E"
expect_exit 77 "77: wrong key" -- env CREATORSCORE_API_KEY=sk_wrong_key "$R" run "$FIX/all_platforms.csv" -o "$WORK/o77.csv" --state "$WORK/s77b.db" 2>"$E"
check "77: the wrong key is not echoed" bash -c "! grep -q sk_wrong_key '$E'"
check "77: nothing submitted" test "$(bulk_count)" = 0
check "77: the run is recorded as stopped by an error" test "$(ended_by_error "$WORK/s77b.db")" = "$stopped"

# --- precedence ---
expect_exit 64 "precedence: bad flag + missing file -> 64" -- "$R" run "$WORK/no-such.csv" --batch-size 0 -o "$WORK/p.csv" --state "$WORK/p1.db" 2>"$E"
expect_exit 66 "precedence: missing file + no key -> 66" -- env -u CREATORSCORE_API_KEY "$R" run "$WORK/no-such.csv" -o "$WORK/p.csv" --state "$WORK/p2.db" 2>"$E"
expect_exit 65 "precedence: no valid row + no key -> 65" -- env -u CREATORSCORE_API_KEY "$R" run "$FIX/invalid_only.csv" -o "$WORK/p.csv" --state "$WORK/p3.db" 2>"$E"
expect_exit 77 "precedence: no key + unwritable output -> 77" -- env -u CREATORSCORE_API_KEY "$R" run "$FIX/all_platforms.csv" -o "$WORK/missing-dir/p.csv" --state "$WORK/p4.db" 2>"$E"

# --- 73: output or state cannot be written; a previous output stays intact ---
# An output that cannot be written at the start is refused after the key check, before any submit.
b73=$(bulk_count)
expect_exit 73 "73: -o into a missing directory" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/missing-dir/out.csv" --state "$WORK/s73.db" 2>"$E"
check "73: missing directory: one line naming the output, the reason and what to do" \
  grep -qF "cannot write $WORK/missing-dir/out.csv: No such file or directory; nothing was submitted: give a writable --output and run again" "$E"
check "73: missing directory: refused before anything was submitted" test "$(bulk_count)" = "$b73"
check "73: missing directory: the run is recorded as stopped by an error" test "$(ended_by_error "$WORK/s73.db")" = "$stopped"
printf 'previous output\n' >"$WORK/prev.csv"
expect_exit 73 "73: unwritable state file (--state /proc/x.db)" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/prev.csv" --state /proc/x.db 2>"$E"
check "73: the previous output is intact" test "$(cat "$WORK/prev.csv")" = "previous output"
mkdir -p "$WORK/outdir"; printf 'keep\n' >"$WORK/outdir/f"
expect_exit 73 "73: -o names an existing directory" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/outdir" --state "$WORK/s73c.db" 2>"$E"
check "73: existing directory: refused before anything was submitted" test "$(bulk_count)" = "$b73"
check "73: existing directory: the line says so" grep -qF "cannot write $WORK/outdir: Is a directory; nothing was submitted" "$E"
check "73: the directory is intact" test "$(cat "$WORK/outdir/f")" = keep
check "73: no temporary file left beside the target" bash -c "[ \$(ls -A '$WORK' | grep -c -i 'tmp\\|\\.part') -eq 0 ]"

# --- 3: budget and balance ---
start_sim --seed 5 --min-job 10m --max-job 15m
expect_exit 3 "3: --max-credits 2 on a roster needing more" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/o3.csv" --state "$WORK/s3.db" --max-credits 2 -q 2>"$E"
snap
check "3: at most 2 credits charged" test "$(st 'd["credits_charged_total"]')" -le 2
check "3: rows left skipped with budget_exhausted" test "$(rows_with "$WORK/o3.csv" skipped budget_exhausted)" -ge 1
check "3: skipped rows are all budget_exhausted" test "$(rows_with "$WORK/o3.csv" skipped)" = "$(rows_with "$WORK/o3.csv" skipped budget_exhausted)"
check "3: submitted jobs still collected (none pending)" test "$(rows_with "$WORK/o3.csv" pending)" = 0
check "3: rows of charged jobs are scored" test "$(rows_with "$WORK/o3.csv" scored)" = "$(st 'len([j for j in d["jobs"] if j["status"]=="done"])')"
expect_exit 3 "precedence: budget reached + invalid rows -> 3" -- "$R" run "$FIX/mixed.csv" -o "$WORK/o3b.csv" --state "$WORK/s3b.db" --max-credits 0 -q 2>"$E"
check "3: status says the run is incomplete because --max-credits was reached" \
  test "$("$R" status --state "$WORK/s3b.db" --json | json_get - 'd["run_status"] + "/" + d["stop_reason"]')" = "incomplete/--max-credits reached"

start_sim --seed 5 --min-job 10m --max-job 15m --tenant sk_test_demo:Demo:3
expect_exit 3 "3: tenant balance of 3 credits" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/o3c.csv" --state "$WORK/s3c.db" -q 2>"$E"
snap
check "3: never charged past the balance" test "$(st 'd["credits_charged_total"]')" -le 3
check "3: balance not negative" test "$(st 'd["balances"]["sk_test_demo"]["balance"]')" -ge 0
check "3: rows skipped with insufficient_credits" test "$(rows_with "$WORK/o3c.csv" skipped insufficient_credits)" -ge 1
check "3: queued jobs still collected (none pending)" test "$(rows_with "$WORK/o3c.csv" pending)" = 0
check "3: status says the run is incomplete because credits ran out" \
  test "$("$R" status --state "$WORK/s3c.db" --json | json_get - 'd["run_status"] + "/" + d["stop_reason"]')" = "incomplete/out of credits"

# --- 69: API down ---
start_sim --seed 5 --fault-503 1
expect_exit 69 "69: API answers 503 to everything" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/o69.csv" --state "$WORK/s69.db" 2>"$E"
check "69: the message names HTTP 503" grep -q 503 "$E"
check "69: the run is recorded as stopped by an error" test "$(ended_by_error "$WORK/s69.db")" = "$stopped"

# --- 75: deadline; the resume command; resume does not resubmit ---
start_sim --seed 5 --min-job 300m --max-job 400m
cmd=("$R" run "$FIX/all_platforms.csv" -o "$WORK/o75.csv" --state "$WORK/s75.db" --deadline 1m)
expect_exit 75 "75: --deadline 1m with 300-400 min jobs" -- "${cmd[@]}" 2>"$E"
check "75: some rows pending" test "$(rows_with "$WORK/o75.csv" pending)" -ge 1
check "75: no row failed or skipped" test "$(( $(rows_with "$WORK/o75.csv" failed) + $(rows_with "$WORK/o75.csv" skipped) ))" = 0
check "75: stderr gives the resume command (same roster, -o, --state, --deadline)" \
  python3 -c 'import sys; t=open(sys.argv[1]).read().splitlines(); sys.exit(0 if any(all(a in l for a in sys.argv[2:]) for l in t) else 1)' \
  "$E" "run" "$FIX/all_platforms.csv" "$WORK/o75.csv" "$WORK/s75.db" "--deadline 1m"
b1=$(bulk_count); c1=$(sim_stats | json_get - 'd["credits_charged_total"]')
expect_exit 75 "75: the same command again (resume) hits the deadline again" -- "${cmd[@]}" 2>"$E"
check "75: resume sends no new submit" test "$(bulk_count)" = "$b1"
check "75: resume charges nothing" test "$(sim_stats | json_get - 'd["credits_charged_total"]')" = "$c1"
check "75: pending rows keep their job_id" python3 -c '
import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); sys.exit(0 if all(x["job_id"] for x in r if x["status"]=="pending") else 1)' "$WORK/o75.csv"
expect_exit 75 "precedence: deadline + invalid rows -> 75" -- "$R" run "$SAMPLES/roster.csv" -o "$WORK/o75b.csv" --state "$WORK/s75b.db" --deadline 1m 2>"$E"
finish
