# Shared helpers for the integration suites (sourced, not run). Each suite runs the real binaries
# against creatorscore-sim on 127.0.0.1. ctest passes ROSTER_ENRICH, CREATORSCORE_SIM, SAMPLES and
# TEST_TMP; exit 125 means "skipped" (the simulator could not start).

set -euo pipefail

: "${ROSTER_ENRICH:?set by ctest}" "${CREATORSCORE_SIM:?set by ctest}" "${SAMPLES:?set by ctest}"
mkdir -p "${TEST_TMP:-/tmp}"
WORK=$(mktemp -d "${TEST_TMP:-/tmp}/it.XXXXXX")
SIM_PID=""
SIM_URL=""
FAILURES=0

cleanup() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  if [ "$FAILURES" -eq 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT

# start_sim [sim flags...]: starts the simulator on a free port; sets SIM_URL.
start_sim() {
  if [ -n "$SIM_PID" ]; then stop_sim; fi
  "$CREATORSCORE_SIM" --port 0 "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$WORK/sim.out" 2>/dev/null; then
      SIM_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$WORK/sim.out" | head -n1)
      export CREATORSCORE_BASE_URL="$SIM_URL"
      return 0
    fi
    sleep 0.05
  done
  echo "creatorscore-sim did not start: $(cat "$WORK/sim.err")" >&2
  exit 125
}

stop_sim() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  SIM_PID=""
}

sim_stats() { curl -sf "$SIM_URL/_sim/stats"; }

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

finish() {
  if [ "$FAILURES" -gt 0 ]; then echo "$FAILURES check(s) failed" >&2; exit 1; fi
  exit 0
}

export ROSTER_ENRICH_TIME_SCALE=${ROSTER_ENRICH_TIME_SCALE:-600}
export CREATORSCORE_API_KEY=sk_test_demo
