#!/usr/bin/env bash
# The suites' own helpers (lib.sh, tests/shell/err_trap.sh), on small scripts made here (issue 17,
# item 18): a helper that fails under set -e is reported with the command, the script's line, the
# function stack and the exit status, where the suite used to end without a word; a failure in a
# command substitution (set -e off there) stays quiet; sim_stats against a simulator that is gone
# says why; start_sim waits out a simulator that takes seconds to start; a Python suite that dies
# of an exception is a FAIL naming where, not a count of failed checks.
source "$(dirname "$0")/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
export TEST_TMP="$WORK/children"  # the children's own work folders, removed with this one's

# child NAME BODY: a script that sources lib.sh, as the suites do, then runs BODY.
child() {
  printf 'source %q/lib.sh\n%s\n' "$HERE" "$2" >"$WORK/$1.sh"
}

# --- a helper that fails under set -e ---
child dies 'needle() { grep -q absent-word "$WORK/haystack"; }
look() { needle; }
touch "$WORK/haystack"
look
echo "not reached"'
rc=0; bash "$WORK/dies.sh" >"$WORK/dies.out" 2>"$WORK/dies.err" || rc=$?
check "set -e: the suite still ends with the command's status (1; got $rc)" test "$rc" = 1
check "set -e: nothing runs after the failed command" bash -c "! grep -q 'not reached' '$WORK/dies.out'"
want="error: \`grep -q absent-word \"\$WORK/haystack\"\` failed with exit status 1"
want+=" at $WORK/dies.sh:2 in needle()"
check "set -e: the report names the command, its status, the script's line and the function" \
  grep -qF "$want" "$WORK/dies.err"
check "set -e: the report gives the function stack, with the lines of the calls" \
  bash -c "grep -qxF '  needle() was called at $WORK/dies.sh:3 in look()' '$WORK/dies.err' &&
           grep -qxF '  look() was called at $WORK/dies.sh:5' '$WORK/dies.err'"
check "set -e: the suite's files are kept for the post-mortem" \
  grep -q "^kept .* for inspection" "$WORK/dies.err"

# --- the report survives a redirection of the failing function's stderr ---
child hushed 'quiet() { false; }
quiet 2>/dev/null'
rc=0; bash "$WORK/hushed.sh" >/dev/null 2>"$WORK/hushed.err" || rc=$?
check "stderr redirected by the caller: the report still reaches the suite's stderr (exit $rc)" \
  grep -qF "error: \`false\` failed with exit status 1 at $WORK/hushed.sh:2 in quiet()" "$WORK/hushed.err"

# --- failures set -e does not act on stay quiet ---
child quiet 'x=$(false; echo sub)
if grep -q absent-word /dev/null; then :; fi
grep -q absent-word /dev/null || true
check "inside check" false
echo "reached $x"
FAILURES=0'
rc=0; bash "$WORK/quiet.sh" >"$WORK/quiet.out" 2>"$WORK/quiet.err" || rc=$?
check "no set -e failure: the suite goes on (exit $rc)" \
  bash -c "[ '$rc' = 0 ] && grep -q 'reached sub' '$WORK/quiet.out'"
check "no set -e failure: no error report" bash -c "! grep -q '^error:' '$WORK/quiet.err'"

# --- sim_stats when the simulator is gone ---
child gone 'SIM_URL=http://127.0.0.1:9  # discard: nothing listens
TEST_WAIT_SECONDS=2
sim_stats >"$WORK/stats.json"'
rc=0; bash "$WORK/gone.sh" >/dev/null 2>"$WORK/gone.err" || rc=$?
check "sim_stats, no simulator: fails (exit $rc)" test "$rc" -ne 0
check "sim_stats, no simulator: says what failed and that the simulator is not running" \
  grep -q "^sim_stats: GET http://127.0.0.1:9/_sim/stats failed 3 times: .*; the simulator is not running" \
  "$WORK/gone.err"
check "sim_stats, no simulator: then the trap names the line and shows it" \
  bash -c "grep -qF 'error: \`return 1\` failed with exit status 1 at $WORK/gone.sh:4' '$WORK/gone.err' &&
           grep -qxF '  the line: sim_stats >\"\$WORK/stats.json\"' '$WORK/gone.err'"

# --- start_sim on a slow machine: a simulator that takes 20 s to say it listens ---
# (100 polls of 50 ms gave up after 5 s idle, about 14 s at a load of 20 on 2 cores.)
cat >"$WORK/slow-sim" <<'SH'
#!/bin/sh
sleep 20
echo "creatorscore-sim listening on http://127.0.0.1:9"
exec sleep 60
SH
chmod +x "$WORK/slow-sim"
child slow 'start_sim
echo "url $SIM_URL"'
rc=0; CREATORSCORE_SIM="$WORK/slow-sim" bash "$WORK/slow.sh" >"$WORK/slow.out" 2>"$WORK/slow.err" || rc=$?
check "start_sim: waits out a simulator that starts in 20 s (exit $rc: $(head -c 300 "$WORK/slow.err"))" \
  bash -c "[ '$rc' = 0 ] && grep -qx 'url http://127.0.0.1:9' '$WORK/slow.out'"

# --- a Python suite that dies of an exception ---
cat >"$WORK/dies.py" <<PY
import sys
sys.path.insert(0, "$HERE")
from state_harness import Checks
c = Checks()
c.check(True, "a first check")
{}["missing"]
PY
child pydies "python_suite $(printf %q "$WORK/dies.py")
finish"
rc=0; bash "$WORK/pydies.sh" >"$WORK/pydies.out" 2>"$WORK/pydies.err" || rc=$?
check "python suite died: the suite fails (exit $rc)" test "$rc" = 1
check "python suite died: a FAIL line names the exception and the line" \
  grep -qF "FAIL - the suite died at dies.py:6 ({}[\"missing\"]): KeyError: 'missing'" "$WORK/pydies.out"
check "python suite died: python_suite says so" grep -qF "FAIL - dies.py died (exit status 101): see above" \
  "$WORK/pydies.out"
check "python suite died: the traceback is on stderr" grep -q "^Traceback" "$WORK/pydies.err"
finish
