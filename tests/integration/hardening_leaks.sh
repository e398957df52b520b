#!/usr/bin/env bash
# Issue 17, items 9-13: the hang, the waits and the leaks an attacker found.
# - SIGINT while a submit's answer is held back (the simulator's slow fault): exit 75 within about a
#   second, not at the 60 s request timeout; the rerun completes and nobody is charged twice.
# - A Retry-After past the 10-minute cap is said in the log (text and JSON); with --deadline, a wait
#   that would pass it is not made: exit 75 at once, the output written.
# - A plain-http target reached through a proxy that is not on loopback: exit 64, one line naming the
#   proxy's host, never its credentials; nothing reaches the proxy. libcurl's own rules (HTTP_PROXY
#   ignored, no_proxy) decide which proxy counts.
# - A server echoing the key (the simulator's --echo-key): the key is in no stream, output or state file.
# - Once the key is loaded the process is not dumpable: SIGQUIT leaves no core file.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
SECRET=sk_test_LEAKY987
export CREATORSCORE_API_KEY=$SECRET

no_secret() {  # no_secret FILE...: none of the files holds the key (or its distinctive part)
  ! grep -a -q -e "$SECRET" -e LEAKY987 "$@" 2>/dev/null
}

# wait_for SECONDS COMMAND...: true as soon as COMMAND succeeds, false after SECONDS.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while [ "$SECONDS" -lt "$end" ]; do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  "$@"
}

sim_config() { curl -sf -X POST -H 'Content-Type: application/json' -d "$1" "$SIM_URL/_sim/config" >/dev/null; }

# roster FILE N PREFIX: a long-layout roster of N fresh TikTok creators.
roster() {
  { echo "platform,handle"; for i in $(seq 1 "$2"); do echo "tiktok,$3_$i"; done; } >"$1"
}

now() { date +%s.%N; }
elapsed_below() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) < float(sys.argv[3]) else 1)' "$@"; }

# ---- item 13: no core dump once the key is loaded ----
# Python starts the process with SIGQUIT's default action (a background job of a script ignores it)
# and no core size limit, sends SIGQUIT once it waits for its jobs, and says whether it dumped core.
cat >"$WORK/core_after_quit.py" <<'EOF'
import os, resource, signal, subprocess, sys, time
cwd, ready_file, ready_text = sys.argv[1], sys.argv[2], sys.argv[3]
def defaults():
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
err = open(ready_file, "w")
child = subprocess.Popen(sys.argv[4:], cwd=cwd, preexec_fn=defaults, stdout=subprocess.DEVNULL, stderr=err)
deadline = time.time() + 30
while time.time() < deadline and ready_text not in open(ready_file).read() and child.poll() is None:
    time.sleep(0.05)
child.send_signal(signal.SIGQUIT)
_, status = os.waitpid(child.pid, 0)
cores = [name for name in os.listdir(cwd) if name.startswith("core")]
print(f"dumped={os.WCOREDUMP(status)} cores={len(cores)}")
EOF
start_sim --seed 3 --min-job 300m --max-job 400m --tenant "$SECRET:Demo:1000"
mkdir -p "$WORK/core_control" "$WORK/core_run"
control=$(python3 "$WORK/core_after_quit.py" "$WORK/core_control" "$WORK/control.err" "" sleep 30)
rm -f "$WORK"/core_control/core*
roster "$WORK/core.csv" 3 core
if [ "$control" = "dumped=True cores=1" ]; then
  got=$(python3 "$WORK/core_after_quit.py" "$WORK/core_run" "$WORK/core_run.err" "submitted" \
    "$R" run "$WORK/core.csv" -o "$WORK/core_run/out.csv" --state "$WORK/core_run/s.db" --progress never)
  check "SIGQUIT while a run waits (key loaded): no core dump, no core file (got: $got)" \
    test "$got" = "dumped=False cores=0"
  rm -f "$WORK"/core_run/core*
else
  echo "# core dumps are not written here (control sleep: $control): dumpability not checked" >&3
fi

# ---- item 11: a proxy off loopback would see a plain-http request, key included ----
# The stand-in proxy listens on 127.0.0.1 and is named as [::ffff:127.0.0.1]: an address the
# plain-http rule does not count as loopback, as a proxy on another host, yet nothing leaves this
# machine. It logs what it receives and answers 502.
cat >"$WORK/proxy.py" <<'EOF'
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0)); server.listen(8)
print(server.getsockname()[1], flush=True)
while True:
    conn, _ = server.accept()
    data = conn.recv(65536)
    log.write(data.decode("latin-1").split("\r\n")[0] + (" WITH-KEY" if sys.argv[2].encode() in data else "") + "\n")
    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    conn.close()
EOF
: >"$WORK/proxy.log"
python3 "$WORK/proxy.py" "$WORK/proxy.log" "$SECRET" >"$WORK/proxy.port" &
PROXY_PID=$!
wait_for 10 test -s "$WORK/proxy.port" || true
PROXY="http://bob:hunter2@[::ffff:127.0.0.1]:$(cat "$WORK/proxy.port")"
E="$WORK/proxy.err"

expect_exit 64 "http_proxy off loopback, http:// target: refused" -- env http_proxy="$PROXY" "$R" account >/dev/null 2>"$E"
check "http_proxy refusal: one line naming the proxy's host and variable" \
  bash -c "[ \$(wc -l <'$E') -eq 1 ] && grep -q 'through the proxy ::ffff:127.0.0.1 (from http_proxy)' '$E'"
check "http_proxy refusal: the proxy's credentials are not printed" bash -c "! grep -q -e hunter2 -e bob '$E'"
expect_exit 64 "ALL_PROXY (socks) off loopback: refused" -- \
  env ALL_PROXY="socks5h://[::ffff:127.0.0.1]:1" "$R" run "$WORK/core.csv" -o "$WORK/p.csv" --state "$WORK/p.db" >/dev/null 2>"$E"
check "ALL_PROXY refusal: before any state file or output" test ! -e "$WORK/p.db" -a ! -e "$WORK/p.csv"
check "nothing reached the proxy while refusing" test ! -s "$WORK/proxy.log"
expect_exit 0 "HTTP_PROXY (upper case) is ignored for http://, as libcurl does" -- \
  env HTTP_PROXY="$PROXY" "$R" account >/dev/null 2>"$E"
expect_exit 0 "no_proxy naming the target: direct, allowed" -- \
  env http_proxy="$PROXY" no_proxy=127.0.0.1 "$R" account >/dev/null 2>"$E"
expect_exit 0 "https_proxy is not used for an http:// target" -- env https_proxy="$PROXY" "$R" account >/dev/null 2>"$E"
check "nothing reached the proxy in those runs" test ! -s "$WORK/proxy.log"
rc=0; env http_proxy="$PROXY" "$R" account --allow-insecure-http >/dev/null 2>"$E" || rc=$?
check "--allow-insecure-http: the request goes through the proxy as asked (exit $rc, not 64)" \
  bash -c "[ $rc -ne 64 ] && grep -q 'GET http://127.0.0.1' '$WORK/proxy.log'"
kill "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true

# ---- item 12: a server that echoes the key ----
start_sim --seed 4 --min-job 1m --max-job 2m --echo-key --tenant "$SECRET:Demo:1000"
printf 'platform,handle\ntiktok,echo_ok\ninstagram,missing_echo\ntiktok,ghost_echo\n' >"$WORK/echo.csv"
rc=0; "$R" run "$WORK/echo.csv" -v -o "$WORK/e.csv" --state "$WORK/e.db" >"$WORK/e.out" 2>"$WORK/e.err" || rc=$?
check "echoed key, failed jobs: the run finishes (exit 1 for the failed rows; got $rc)" test "$rc" = 1
check "echoed key: the failed rows' error cells are masked" grep -q 'profile_unavailable (key \*\*\*)' "$WORK/e.csv"
check "echoed key: not in stdout, stderr (-v), the CSV output or the state file" \
  no_secret "$WORK/e.out" "$WORK/e.err" "$WORK/e.csv" "$WORK"/e.db*
# Every submit refused (413 invalid_request), its message quoting the key, in a JSON log.
start_sim --seed 4 --echo-key --max-body 10 --tenant "$SECRET:Demo:1000"
rc=0; "$R" run "$WORK/echo.csv" -v --log-format json -o "$WORK/e.json" --state "$WORK/e2.db" \
  >"$WORK/e2.out" 2>"$WORK/e2.err" || rc=$?
check "echoed key in refusals: the run ends (exit 1: rows in error; got $rc)" test "$rc" = 1
check "echoed key in refusals: the JSON log's warning quotes the message, masked" \
  grep -q '"event":"warning".*(key \*\*\*)' "$WORK/e2.err"
check "echoed key in refusals: not in stdout, the JSON log, the JSON output or the state file" \
  no_secret "$WORK/e2.out" "$WORK/e2.err" "$WORK/e.json" "$WORK"/e2.db*
rc=0; "$R" lookup tiktok missing_lookup --wait >"$WORK/e3.out" 2>"$WORK/e3.err" || rc=$?
check "echoed key: lookup's error line holds no key (exit $rc)" no_secret "$WORK/e3.out" "$WORK/e3.err"

# ---- item 9: SIGINT while a submit's answer is held back ----
# At time scale 60 with --rate-limit 1 the client sends one request a second and polls nothing (the
# poll interval is an hour), so the request held back is a submit the simulator has already charged.
export ROSTER_ENRICH_TIME_SCALE=60
start_sim --seed 5 --cached-percent 0 --min-job 3m --max-job 4m --tenant "$SECRET:Demo:1000"
roster "$WORK/slow.csv" 6 slow
SLOW_RUN=("$R" run "$WORK/slow.csv" -o "$WORK/slow.out.csv" --state "$WORK/slow.db" --batch-size 1 --progress never)
"${SLOW_RUN[@]}" --rate-limit 1 --poll-interval 1h >/dev/null 2>"$WORK/slow.err" &
run_pid=$!  # roster-enrich itself (a function or subshell here would take the signal instead)
held_back() { [ "$(sim_stats | json_get - 'd["faults"].get("slow", 0)')" -ge 1 ]; }
wait_for 30 grep -q '^.* submitted 1:' "$WORK/slow.err" || true
sim_config '{"fault_slow": 1, "slow_delay": "60s"}'
wait_for 30 held_back || true
sleep 0.5  # well inside the held-back request
t0=$(now); kill -INT "$run_pid"; rc=0; wait "$run_pid" || rc=$?; t1=$(now)
took=$(python3 -c "print(round($t1 - $t0, 2))")
check "SIGINT while a submit's answer is held back 60 s: exit 75 (got $rc)" test "$rc" = 75
check "SIGINT while a submit's answer is held back: ended in ${took}s (< 3 s, not at the 60 s timeout)" \
  elapsed_below "$t0" "$t1" 3
check "SIGINT mid-request: the output is written, rows pending" grep -q ',pending,' "$WORK/slow.out.csv"
charged_before=$(sim_stats | json_get - 'len(d["credits_charged_by_creator"])')
sim_config '{"fault_slow": 0}'
rc=0; "${SLOW_RUN[@]}" >/dev/null 2>"$WORK/slow2.err" || rc=$?
check "the rerun completes (exit 0; got $rc; $charged_before creators had been charged)" test "$rc" = 0
stats=$(sim_stats)
check "nobody charged twice: 6 creators, 1 credit each, 6 jobs, balance 994" \
  test "$(echo "$stats" | json_get - 'sorted(d["credits_charged_by_creator"].values()) == [1]*6 and len(d["jobs"]) == 6 and d["balances"]["'"$SECRET"'"]["balance"] == 994')" = True
check "every row of the rerun's output is scored (fresh, or cached once its job ended)" \
  test "$(grep -c -E ',(scored|cached),' "$WORK/slow.out.csv")" = 6

# ---- item 10: a Retry-After past the cap, with and without --deadline ----
export ROSTER_ENRICH_TIME_SCALE=30
roster "$WORK/later.csv" 6 later
start_sim --seed 6 --cached-percent 0 --min-job 10h --max-job 11h --tenant "$SECRET:Demo:1000"
"$R" run "$WORK/later.csv" -o "$WORK/l1.csv" --state "$WORK/l1.db" --batch-size 1 --rate-limit 1 \
  --poll-interval 10h --progress never >/dev/null 2>"$WORK/l1.err" &
run_pid=$!
wait_for 30 grep -q ' submitted 1:' "$WORK/l1.err" || true
sim_config '{"fault_429": 1, "fault_retry_after": "1h"}'
wait_for 30 grep -q 'warning: the API asked to wait 1h (Retry-After)' "$WORK/l1.err" || true
check "a 1 h Retry-After: the log says the cap and what follows" \
  grep -q 'warning: the API asked to wait 1h (Retry-After) before retrying POST /api/v1/creators/bulk; waiting 10m instead, the longest Retry-After honoured, then retrying' "$WORK/l1.err"
kill -INT "$run_pid"; rc=0; wait "$run_pid" || rc=$?
check "SIGINT during the capped wait: exit 75 (got $rc)" test "$rc" = 75

start_sim --seed 6 --cached-percent 0 --min-job 10h --max-job 11h --tenant "$SECRET:Demo:1000"
t0=$(now)
"$R" run "$WORK/later.csv" -o "$WORK/l2.csv" --state "$WORK/l2.db" --batch-size 1 --rate-limit 1 \
  --poll-interval 10h --deadline 8m --log-format json >/dev/null 2>"$WORK/l2.err" &
run_pid=$!
wait_for 30 grep -q '"event":"batch"' "$WORK/l2.err" || true
sim_config '{"fault_429": 1, "fault_retry_after": "1h"}'
# The 8-minute deadline is 16 s away in real time (room for a slow machine to switch the fault on);
# the capped wait would last 20 s, and 8 of them (the retry budget) almost 3 minutes. Give up on
# the process after 60 s.
for _ in $(seq 1 600); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$run_pid" 2>/dev/null || true
rc=0; wait "$run_pid" || rc=$?; t1=$(now)
check "--deadline 8m and a 1 h Retry-After: exit 75 (got $rc)" test "$rc" = 75
check "--deadline: stopped at once, not after the 20 s capped wait ($(python3 -c "print(round($t1 - $t0, 1))")s)" \
  elapsed_below "$t0" "$t1" 14
check "--deadline: the JSON log names the wait, the cap and the stop" \
  grep -q '"event":"warning","code":"wait_past_deadline","message":"the API asked to wait 1h (Retry-After) before retrying POST /api/v1/creators/bulk (capped at 10m), past the deadline: stopping now instead of waiting","asked_ms":3600000,"cap_ms":600000,"waiting_ms":0' "$WORK/l2.err"
check "--deadline: the summary says the deadline was reached" grep -q '"outcome":"deadline reached"' "$WORK/l2.err"
check "--deadline: the output is written" test -s "$WORK/l2.csv"
finish
