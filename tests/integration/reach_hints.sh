#!/usr/bin/env bash
# Errors that help when the API cannot be found: a host that refuses connections is said at once,
# on the first attempt, with the retry to come (not after half a minute of silence); a base URL
# with a wrong path prefix (a 404 on the first request) asks whether --base-url is right.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"

# A loopback port nobody listens on: take a free one and close it again.
closed_port=$(python3 -c '
import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
check "a refused connection: the first line within 3 s (1 s on an idle machine), before the retries end" \
  python3 - "$R" "$closed_port" <<'PY'
import os, subprocess, sys, time
env = dict(os.environ, ROSTER_ENRICH_TIME_SCALE="1", CREATORSCORE_API_KEY="sk_test_demo")
start = time.monotonic()
p = subprocess.Popen([sys.argv[1], "account", "--base-url", f"http://127.0.0.1:{sys.argv[2]}"],
                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
line = p.stderr.readline()
took = time.monotonic() - start
p.terminate(); p.wait()
print(f"  after {took:.2f}s: {line.strip()!r}", file=sys.stderr)
ok = (took < 3 and line.startswith("roster-enrich: warning: cannot reach the API: ")
      and f"127.0.0.1" in line and "retrying in" in line and "(attempt 1 of 8 failed)" in line)
sys.exit(0 if ok else 1)
PY

start_sim --seed 1
rc=0; "$R" account --base-url "$SIM_URL/v2" >"$WORK/w.out" 2>"$WORK/w.err" || rc=$?
check "a wrong path prefix: exit 69 (got $rc)" test "$rc" = 69
check "a wrong path prefix: one line asking whether --base-url is right ($(cat "$WORK/w.err"))" \
  one_line "$WORK/w.err" \
  "roster-enrich: error: GET /v2/api/v1/account answered HTTP 404: no CreatorScore API there; is --base-url right?"
rc=0; "$R" run "$SAMPLES/roster.csv" -o "$WORK/r.csv" --state "$WORK/r.db" --base-url "$SIM_URL/v2" \
  2>"$WORK/r.err" || rc=$?
check "run with a wrong path prefix: exit 69 with the hint (got $rc: $(tail -1 "$WORK/r.err"))" \
  grep -q "is --base-url right?" "$WORK/r.err"
finish
