# Shared helpers for the integration suites (sourced, not run). Each suite runs the real binaries
# against creatorscore-sim on 127.0.0.1. ctest passes ROSTER_ENRICH, CREATORSCORE_SIM, SAMPLES and
# TEST_TMP; exit 125 means "skipped" (the simulator could not start). A command that fails under
# set -e is reported with its line and function stack (tests/shell/err_trap.sh).

set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"

: "${ROSTER_ENRICH:?set by ctest}" "${CREATORSCORE_SIM:?set by ctest}" "${SAMPLES:?set by ctest}"
mkdir -p "${TEST_TMP:-/tmp}"
WORK=$(mktemp -d "${TEST_TMP:-/tmp}/it.XXXXXX")
SIM_PID=""
SIM_URL=""
FAILURES=0

# A suite that ends with an error (set -e, or exit 1) keeps its files too, for the post-mortem.
# cleanup [STATUS]: STATUS is the suite's exit status, for an EXIT trap that runs commands first.
cleanup() {
  local status=${1:-$?}
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  if [ "$FAILURES" -eq 0 ] && { [ "$status" -eq 0 ] || [ "$status" -eq 125 ]; }; then rm -rf "$WORK"
  else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT

# How long a wait on the simulator or on a file may take before it counts as failed: what takes
# milliseconds on an idle machine takes seconds at a load average of 10 on 2 cores under ASan.
TEST_WAIT_SECONDS=${TEST_WAIT_SECONDS:-30}

# now_ms: the wall clock in milliseconds (bash's own clock: no process to start).
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((10#$us / 1000)); }

# wait_until SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds (status 0), or until
# SECONDS of real time have passed (status 1).
wait_until() {
  local deadline=$(($(now_ms) + $1 * 1000)); shift
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# start_sim [sim flags...]: starts the simulator on a free port; sets SIM_URL.
start_sim() {
  launch_sim "$CREATORSCORE_SIM" "$@"
  export CREATORSCORE_BASE_URL="$SIM_URL"
}

# launch_sim BINARY [flags...]: starts either simulator on a free port and waits for its startup
# line; sets SIM_PID and SIM_URL (the URL it prints); exit 125 (skipped) when it does not start.
launch_sim() {
  local binary=$1; shift
  if [ -n "$SIM_PID" ]; then stop_sim; fi
  "$binary" --port 0 "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
  SIM_PID=$!
  if wait_until "$TEST_WAIT_SECONDS" sim_listening; then
    SIM_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/sim.out" | head -n1)
    return 0
  fi
  if kill -0 "$SIM_PID" 2>/dev/null; then
    echo "$(basename "$binary") did not say it was listening within ${TEST_WAIT_SECONDS}s:" \
      "$(cat "$WORK/sim.err")" >&2
  else
    echo "$(basename "$binary") exited before it listened: $(cat "$WORK/sim.err")" >&2
  fi
  exit 125
}

# sim_listening: the simulator printed its startup line, or it exited (no use waiting longer).
sim_listening() { grep -q "listening on" "$WORK/sim.out" 2>/dev/null || ! kill -0 "$SIM_PID" 2>/dev/null; }

stop_sim() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  SIM_PID=""
}

# sim_stats: the simulator's GET /_sim/stats on stdout. Tried three times, each for up to
# TEST_WAIT_SECONDS (the sanitized simulator on a loaded machine answers in seconds); when it still
# fails, says why (curl's error, whether the simulator still runs, its stderr) and fails, where
# `curl -sf` alone made set -e end the suite without a word. Never through a proxy.
sim_stats() {
  local body="$WORK/sim_stats.$BASHPID" attempt
  for attempt in 1 2 3; do
    if curl -sS -f --noproxy '*' --max-time "$TEST_WAIT_SECONDS" -o "$body" "$SIM_URL/_sim/stats" \
        2>"$body.err"; then
      cat "$body"; rm -f "$body" "$body.err"; return 0
    fi
    [ "$attempt" -eq 3 ] || sleep 1
  done
  local state="still running"
  { [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; } || state="not running"
  echo "sim_stats: GET $SIM_URL/_sim/stats failed 3 times: $(cat "$body.err"); the simulator is $state;" \
    "its stderr ends: $(tail -n 5 "$WORK/sim.err" 2>/dev/null)" >&2
  rm -f "$body" "$body.err"
  return 1
}

# json_get FILE_OR_- EXPR: evaluates a Python expression on the parsed JSON `d`.
json_get() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]) if sys.argv[1]!="-" else sys.stdin); print(eval(sys.argv[2]))' "$@"
}

# Results go to fd 3 (the suite's own stdout), so redirecting a checked command's output to a
# file never captures them.
exec 3>&1
pass() { echo "ok - $*" >&3; }
fail() { echo "FAIL - $*" >&3; FAILURES=$((FAILURES + 1)); }

# expect_exit CODE DESCRIPTION -- command...: runs it, checks its exit code.
expect_exit() {
  local want=$1 what=$2; shift 3
  local got=0
  "$@" || got=$?
  if [ "$got" -eq "$want" ]; then pass "$what (exit $got)"; else fail "$what: exit $got, expected $want"; fi
}

check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# stat_of EXPR: EXPR on the simulator's stats `d`; charged: the credits it charged in all.
stat_of() { sim_stats | json_get - "$1"; }
charged() { stat_of 'd["credits_charged_total"]'; }
# one_line FILE TEXT: FILE holds exactly one non-empty line, and it contains TEXT.
one_line() { [ "$(grep -c . "$1")" -eq 1 ] && grep -qF -- "$2" "$1"; }
# python_suite SCRIPT ARGS...: a Python suite (state_harness.Checks) whose exit status counts its
# failed checks (at most 100); 101 means it died of an exception (its FAIL line and traceback are
# above), and a signal is named, rather than either passing for a number of failed checks.
python_suite() {
  local status=0
  python3 "$@" || status=$?
  if [ "$status" -gt 128 ]; then fail "$(basename "$1") was killed by signal $((status - 128))"
  elif [ "$status" -gt 100 ]; then fail "$(basename "$1") died (exit status $status): see above"
  else FAILURES=$((FAILURES + status)); fi
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then echo "$FAILURES check(s) failed" >&2; exit 1; fi
  exit 0
}

export ROSTER_ENRICH_TIME_SCALE=${ROSTER_ENRICH_TIME_SCALE:-600}
export CREATORSCORE_API_KEY=sk_test_demo
