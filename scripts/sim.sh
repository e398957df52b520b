# Sourced by scripts/demo.sh and scripts/make-samples.sh: start and stop build/creatorscore-sim on
# loopback. (tests/integration/lib.sh has its own, which reports "skipped" when it cannot start.)
#   start_sim WORKDIR [SIM FLAGS...]   sets sim_pid and exports CREATORSCORE_BASE_URL
#   start_audit_sim WORKDIR [SIM FLAGS...]   build/creatoraudit-sim; exports CREATORAUDIT_BASE_URL
#   stop_sim                                 stops both
sim_pid=""
audit_sim_pid=""

start_sim() {
  local work=$1; shift
  build/creatorscore-sim --port 0 "$@" >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$work/sim.out" 2>/dev/null && break
    sleep 0.05
  done
  CREATORSCORE_BASE_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/sim.out")
  if [ -z "$CREATORSCORE_BASE_URL" ]; then
    echo "creatorscore-sim did not start: $(cat "$work/sim.err")" >&2
    return 1
  fi
  export CREATORSCORE_BASE_URL
}

start_audit_sim() {
  local work=$1; shift
  build/creatoraudit-sim --port 0 "$@" >"$work/audit-sim.out" 2>"$work/audit-sim.err" &
  audit_sim_pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$work/audit-sim.out" 2>/dev/null && break
    sleep 0.05
  done
  CREATORAUDIT_BASE_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/audit-sim.out")
  if [ -z "$CREATORAUDIT_BASE_URL" ]; then
    echo "creatoraudit-sim did not start: $(cat "$work/audit-sim.err")" >&2
    return 1
  fi
  export CREATORAUDIT_BASE_URL
}

stop_sim() {
  local pid
  for pid in "$sim_pid" "$audit_sim_pid"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  sim_pid=""
  audit_sim_pid=""
}
