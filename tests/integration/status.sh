#!/usr/bin/env bash
# `roster-enrich status`: a run's progress from its state file, offline. Against runs left
# incomplete by --deadline, completed, still running (holding the lock), killed (SIGKILL), and
# against missing or foreign files; the simulator's request counter must not move while status runs, and no key is
# needed.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
R="$ROSTER_ENRICH"
E="$WORK/err"
export XDG_STATE_HOME="$WORK/xdg"  # the default state path, for `run` and `status` alike
requests() { sim_stats | json_get - 'd["total_requests"]'; }
# status_offline ARGS...: `status` with no key in the environment.
status_offline() { env -u CREATORSCORE_API_KEY "$R" status "$@"; }
# counts_match CSV JSON: status's counts per status equal the output's rows per status (the
# fixtures name each creator once, so rows are unique lookups), and pending jobs are the pending
# rows that carry a job id.
counts_match() {
  python3 -c '
import collections, csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
d = json.load(open(sys.argv[2]))
c = collections.Counter(r["status"] for r in rows)
want = {s: c.get(s, 0) for s in ["cached", "scored", "failed", "not_found", "pending", "skipped", "invalid", "error"]}
jobs = sum(1 for r in rows if r["status"] == "pending" and r["job_id"])
ok = d["counts"] == want and set(c) <= set(want) and d["unique_lookups"] == len(rows) and d["pending_jobs"] == jobs
if not ok: print("status", d["counts"], d["unique_lookups"], d["pending_jobs"], "csv", dict(c), len(rows), jobs, file=sys.stderr)
sys.exit(0 if ok else 1)' "$1" "$2"
}
iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

# --- a run stopped by its deadline (exit 75), read back with --state ---
# Jobs of 3000-4000 API minutes (5-7 real minutes at 600x): later runs on this simulator submit the
# same creators and must find those jobs still running, however slow a loaded machine makes the
# checks between (300-400 minutes, 30-40 s, ran out under a load of 15 on 2 cores).
start_sim --seed 5 --min-job 3000m --max-job 4000m
expect_exit 75 "run: --deadline 1m with 3000-4000 min jobs stops incomplete" -- \
  "$R" run "$FIX/all_platforms.csv" -o "$WORK/o1.csv" --state "$WORK/s1.db" --deadline 1m -q
before=$(requests)
expect_exit 0 "status --state: shown" -- status_offline --state "$WORK/s1.db" >"$WORK/t1.txt" 2>"$E"
check "status --state: nothing on stderr" test ! -s "$E"
check "status --state: says incomplete and why" grep -q "^roster-enrich: run [0-9]* incomplete (deadline reached)$" "$WORK/t1.txt"
check "status --state: names the roster and the state file" \
  bash -c "grep -q '^  roster  *$FIX/all_platforms.csv$' '$WORK/t1.txt' && grep -q '^  state file  *$WORK/s1.db$' '$WORK/t1.txt'"
check "status --state: every status has a line" \
  bash -c "for s in cached scored failed not_found pending skipped invalid error; do grep -q \"^  \$s  *[0-9]\" '$WORK/t1.txt' || exit 1; done"
check "status --state: started at in UTC ISO-8601" grep -Eq '^  started at  +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \(' "$WORK/t1.txt"
check "status --state: the latest eta is known" grep -Eq '^  latest eta  +[0-9]{4}-.*Z \(in ' "$WORK/t1.txt"
check "status --state: the resume hint names the run command" grep -q "^  resume: run the same \`roster-enrich run $FIX/all_platforms.csv" "$WORK/t1.txt"
expect_exit 0 "status --state --json: shown" -- status_offline --state "$WORK/s1.db" --json >"$WORK/j1.json" 2>"$E"
check "status --json: counts equal the output CSV's statuses" counts_match "$WORK/o1.csv" "$WORK/j1.json"
check "status --json: some jobs pending, all submitted" test "$(json_get "$WORK/j1.json" 'd["counts"]["pending"] == d["pending_jobs"] > 0')" = True
check "status --json: incomplete, resumable, deadline reached" \
  test "$(json_get "$WORK/j1.json" '(d["run_status"], d["resumable"], d["stop_reason"])')" = "('incomplete', True, 'deadline reached')"
check "status --json: times in UTC ISO-8601" \
  python3 -c 'import json,re,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(re.match(sys.argv[2], d[k]) for k in ("started_at","ended_at","latest_eta")) else 1)' "$WORK/j1.json" "$iso"
check "status --json: ages in seconds, not negative; the eta is ahead" \
  test "$(json_get "$WORK/j1.json" 'd["age_seconds"] >= 0 and d["oldest_pending_age_seconds"] >= 0 and d["latest_eta_in_seconds"] > 0')" = True
check "status --json: credits spent are what the API charged" \
  test "$(json_get "$WORK/j1.json" 'd["credits_spent"]')" = "$(sim_stats | json_get - 'd["credits_charged_total"]')"
check "status --json: requests counted" test "$(json_get "$WORK/j1.json" 'd["requests"] > 0')" = True
check "status: no request reached the API" test "$(requests)" = "$before"

# --- the default state path: the same file `run` chose, from any directory ---
expect_exit 75 "run without --state (XDG_STATE_HOME) stops incomplete" -- \
  "$R" run "$FIX/all_platforms.csv" -o "$WORK/o2.csv" --deadline 1m -q
before=$(requests)
expect_exit 0 "status ROSTER: shown from the default path" -- status_offline "$FIX/all_platforms.csv" --json >"$WORK/j2.json" 2>"$E"
state2=$(json_get "$WORK/j2.json" 'd["state_file"]')
check "status ROSTER: reads the file run made under XDG_STATE_HOME" \
  bash -c "case '$state2' in '$XDG_STATE_HOME'/roster-enrich/all_platforms.csv-*.db) test -f '$state2';; *) exit 1;; esac"
check "status ROSTER: counts equal the output CSV's statuses" counts_match "$WORK/o2.csv" "$WORK/j2.json"
expect_exit 0 "status ROSTER relative to another directory: the same file" -- \
  bash -c "cd '$FIX/..' && env -u CREATORSCORE_API_KEY '$R' status fixtures/all_platforms.csv --json >'$WORK/j2b.json'"
check "status ROSTER relative: the same state file" test "$(json_get "$WORK/j2b.json" 'd["state_file"]')" = "$state2"
expect_exit 0 "status ROSTER as text" -- status_offline "$FIX/all_platforms.csv" >"$WORK/t2.txt" 2>"$E"
check "status ROSTER text: names the default state file" grep -q "^  state file  *$state2$" "$WORK/t2.txt"
expect_exit 66 "status ROSTER against another base URL: no state file" -- \
  status_offline "$FIX/all_platforms.csv" --base-url https://other.example 2>"$E"
check "another base URL: one line naming the roster, the URL and the run command" \
  bash -c "[ \$(wc -l <'$E') -eq 1 ] && grep -q 'no state file for $FIX/all_platforms.csv at .*https://other.example.*run \`roster-enrich run $FIX/all_platforms.csv\` first' '$E'"
check "status: still no request reached the API" test "$(requests)" = "$before"

# --- a completed run ---
start_sim --seed 5 --min-job 10m --max-job 15m
expect_exit 0 "run: every creator scored" -- "$R" run "$FIX/all_platforms.csv" -o "$WORK/o3.csv" --state "$WORK/s3.db" -q
before=$(requests)
expect_exit 0 "status of a completed run: shown" -- status_offline --state "$WORK/s3.db" --json >"$WORK/j3.json" 2>"$E"
check "completed: counts equal the output CSV's statuses" counts_match "$WORK/o3.csv" "$WORK/j3.json"
check "completed: not resumable, nothing pending, no eta" \
  test "$(json_get "$WORK/j3.json" '(d["run_status"], d["resumable"], d["pending_jobs"], d["counts"]["pending"], d["latest_eta"], d["oldest_pending_age_seconds"])')" = "('completed', False, 0, 0, None, None)"
check "completed: started_at and ended_at in UTC ISO-8601" \
  python3 -c 'import json,re,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(re.match(sys.argv[2], d[k]) for k in ("started_at","ended_at")) else 1)' "$WORK/j3.json" "$iso"
check "completed: credits spent are what the API charged" \
  test "$(json_get "$WORK/j3.json" 'd["credits_spent"]')" = "$(sim_stats | json_get - 'd["credits_charged_total"]')"
expect_exit 0 "status of a completed run as text" -- status_offline --state "$WORK/s3.db" >"$WORK/t3.txt" 2>"$E"
check "completed text: says completed, no resume hint" \
  bash -c "grep -q '^roster-enrich: run [0-9]* completed' '$WORK/t3.txt' && ! grep -q resume '$WORK/t3.txt'"
check "completed text: oldest pending and eta say none" \
  bash -c "grep -q '^  oldest pending  *none$' '$WORK/t3.txt' && grep -q '^  latest eta  *none$' '$WORK/t3.txt'"
check "status: no request reached the API" test "$(requests)" = "$before"

# --- nothing to read: 66; a file that is not a state file: 73; usage: 64 ---
expect_exit 66 "missing --state file" -- status_offline --state "$WORK/none.db" 2>"$E"
check "missing --state: one line naming the file and what to do" \
  bash -c "[ \$(wc -l <'$E') -eq 1 ] && grep -q \"^roster-enrich: error: no state file at $WORK/none.db: .*roster-enrich run ROSTER --state $WORK/none.db\" '$E'"
check "missing --state: the file is not created" test ! -e "$WORK/none.db"
expect_exit 66 "a roster never run" -- status_offline "$WORK/never-run.csv" 2>"$E"
check "never run: says to run it first" grep -q "run \`roster-enrich run $WORK/never-run.csv\` first" "$E"
mkdir -p "$WORK/adir"
expect_exit 66 "--state names a directory" -- status_offline --state "$WORK/adir" 2>"$E"
head -c 2000 /dev/urandom | base64 >"$WORK/notes.db"
expect_exit 73 "--state names a file that is not a state file" -- status_offline --state "$WORK/notes.db" 2>"$E"
check "not a state file: one line naming it" bash -c "[ \$(wc -l <'$E') -eq 1 ] && grep -q '$WORK/notes.db' '$E'"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table songs(title)"); c.commit()' "$WORK/other.sqlite"
expect_exit 73 "--state names another program's SQLite database" -- status_offline --state "$WORK/other.sqlite" 2>"$E"
expect_exit 73 "neither XDG_STATE_HOME nor HOME: no default state file" -- \
  env -u XDG_STATE_HOME -u HOME -u CREATORSCORE_API_KEY "$R" status "$FIX/all_platforms.csv" 2>"$E"
check "no default: one line, says to pass --state FILE (once)" \
  bash -c "[ \$(wc -l <'$E') -eq 1 ] && [ \$(grep -o 'pass --state FILE' '$E' | wc -l) -eq 1 ]"
expect_exit 64 "neither ROSTER nor --state" -- status_offline 2>"$E"
check "usage: says what is missing" grep -q "ROSTER.*--state FILE" "$E"
expect_exit 64 "both ROSTER and --state" -- status_offline "$FIX/all_platforms.csv" --state "$WORK/s1.db" 2>"$E"

# --- while a run holds the lock: status reads the last commit (WAL) and never blocks the run ---
# Long jobs and a far deadline (10 real minutes), for the same reason: these runs must still be
# waiting when the checks below signal them.
start_sim --seed 5 --min-job 3000m --max-job 4000m
"$R" run "$FIX/all_platforms.csv" -o "$WORK/o4.csv" --state "$WORK/s4.db" --deadline 6000m -q \
  2>"$WORK/bg.err" &
run_pid=$!
shown=no
status_shown() { status_offline --state "$WORK/s4.db" --json >"$WORK/j4.json" 2>"$E"; }
if wait_until "$TEST_WAIT_SECONDS" status_shown; then shown=yes; fi
check "status while run works: shown" test "$shown" = yes
check "status while run works: the run is still going" kill -0 "$run_pid"
expect_exit 75 "a second run on the same state file: the lock is held" -- \
  "$R" run "$FIX/all_platforms.csv" -o "$WORK/o4b.csv" --state "$WORK/s4.db" -q 2>"$E"
check "the lock is held by the running process" grep -q "in use by process $run_pid" "$E"
expect_exit 0 "status while the lock is held" -- status_offline --state "$WORK/s4.db" >"$WORK/t4.txt" 2>"$E"
check "status while the lock is held: says running, by that process" \
  grep -q "^roster-enrich: run [0-9]* running (process $run_pid is working on it)$" "$WORK/t4.txt"
check "status while the lock is held: 'in use by' names the process" grep -q "^  in use by  *process $run_pid (since " "$WORK/t4.txt"
check "status while the lock is held: no resume hint (the same command would exit 75 now)" \
  bash -c "! grep -q '^  resume:' '$WORK/t4.txt'"
status_offline --state "$WORK/s4.db" --json >"$WORK/j4.json"
check "status --json while the lock is held: in use by the run's PID" \
  test "$(json_get "$WORK/j4.json" '(d["in_use"], d["in_use_by_pid"])')" = "(True, $run_pid)"
check "status while the lock is held: the run holds its lock still" kill -0 "$run_pid"
# From another PID namespace (a container sharing the directory), where the run's PID is not seen:
# the kernel's lock still says it is in use. Needs root (unshare); skipped otherwise.
if unshare --pid --fork --mount-proc true 2>/dev/null; then
  unshare --pid --fork --mount-proc env -u CREATORSCORE_API_KEY "$R" status --state "$WORK/s4.db" --json >"$WORK/j4ns.json"
  check "status from another PID namespace: in use (the run's PID as it wrote it)" \
    test "$(json_get "$WORK/j4ns.json" '(d["in_use"], d["in_use_by_pid"])')" = "(True, $run_pid)"
else
  echo "# skipped: status from another PID namespace (unshare needs root)" >&3
fi
kill -INT "$run_pid"
rc=0; wait "$run_pid" || rc=$?
check "the run stopped by SIGINT exits 75" test "$rc" = 75
expect_exit 0 "status after the run stopped" -- status_offline --state "$WORK/s4.db" --json >"$WORK/j4b.json" 2>"$E"
check "after SIGINT: incomplete (interrupted)" \
  test "$(json_get "$WORK/j4b.json" '(d["run_status"], d["stop_reason"])')" = "('incomplete', 'interrupted')"
check "after SIGINT: counts equal the output CSV's statuses" counts_match "$WORK/o4.csv" "$WORK/j4b.json"
check "after SIGINT: nobody holds the state file" \
  test "$(json_get "$WORK/j4b.json" '(d["in_use"], d["in_use_by_pid"])')" = "(False, None)"

# --- a run killed (SIGKILL): no end recorded, and status says no process is working on it ---
"$R" run "$FIX/all_platforms.csv" -o "$WORK/o5.csv" --state "$WORK/s5.db" --deadline 6000m -q \
  2>"$WORK/bg5.err" &
run_pid=$!
run_in_use() {
  status_offline --state "$WORK/s5.db" --json >"$WORK/j5.json" 2>/dev/null &&
    [ "$(json_get "$WORK/j5.json" 'd["in_use"]')" = True ]
}
wait_until "$TEST_WAIT_SECONDS" run_in_use || true  # the check below says what it found
check "before the kill: in use by the run" test "$(json_get "$WORK/j5.json" 'd["in_use_by_pid"]')" = "$run_pid"
kill -KILL "$run_pid"
wait "$run_pid" 2>/dev/null || true
check "killed: the lock file still names the dead process" grep -q "^pid $run_pid$" "$WORK/s5.db.lock"
expect_exit 0 "status of a killed run" -- status_offline --state "$WORK/s5.db" >"$WORK/t5.txt" 2>"$E"
check "killed: says running, but no process is working on it" \
  grep -q "^roster-enrich: run [0-9]* running (no process is working on it: it was killed or crashed)$" "$WORK/t5.txt"
check "killed: no 'in use by' line, and the resume hint" \
  bash -c "! grep -q 'in use by' '$WORK/t5.txt' && grep -q '^  resume: run the same' '$WORK/t5.txt'"
status_offline --state "$WORK/s5.db" --json >"$WORK/j5b.json"
check "killed --json: running, resumable, not in use" \
  test "$(json_get "$WORK/j5b.json" '(d["run_status"], d["resumable"], d["in_use"], d["in_use_by_pid"])')" = "('running', True, False, None)"
finish
