# Sourced by scripts/demo.sh and scripts/make-samples.sh: start and stop build/creatorscore-sim on
# loopback. (tests/integration/lib.sh has its own, which reports "skipped" when it cannot start.)
#   start_sim WORKDIR [SIM FLAGS...]   sets sim_pid and exports CREATORSCORE_BASE_URL
#   start_audit_sim WORKDIR [SIM FLAGS...]   build/creatoraudit-sim; exports CREATORAUDIT_BASE_URL
#   stop_sim                                 stops both
sim_pid=""
audit_sim_pid=""

# launch BINARY OUT_PREFIX URL_VARIABLE [SIM FLAGS...]: starts a simulator, waits for its startup
# line and exports its base URL under URL_VARIABLE; sets launched_pid.
launch() {
  local binary=$1 out=$2 variable=$3; shift 3
  "$binary" --port 0 "$@" >"$out.out" 2>"$out.err" &
  launched_pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$out.out" 2>/dev/null && break
    sleep 0.05
  done
  local url
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$out.out")
  if [ -z "$url" ]; then
    echo "$(basename "$binary") did not start: $(cat "$out.err")" >&2
    return 1
  fi
  export "$variable=$url"
}

start_sim() {
  local work=$1; shift
  local status=0
  launch build/creatorscore-sim "$work/sim" CREATORSCORE_BASE_URL "$@" || status=$?
  sim_pid=$launched_pid
  return "$status"
}

start_audit_sim() {
  local work=$1; shift
  local status=0
  launch build/creatoraudit-sim "$work/audit-sim" CREATORAUDIT_BASE_URL "$@" || status=$?
  audit_sim_pid=$launched_pid
  return "$status"
}

stop_sim() {
  local pid
  for pid in "$sim_pid" "$audit_sim_pid"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  sim_pid=""
  audit_sim_pid=""
}
