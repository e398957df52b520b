#!/usr/bin/env bash
# `roster-enrich run` progress and summary: stderr only; stdout carries data alone. Not a TTY:
# timestamped lines per batch and poll round, no control characters, a complete summary whose
# figures match the simulator; --quiet; --log-format json. On a pseudo-terminal: a live line
# redrawn with \r (at most 10x/s), cleared before the summary, no colour with NO_COLOR.
source "$(dirname "$0")/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
FIX="$HERE/fixtures"
R="$ROSTER_ENRICH"
ROSTER="$SAMPLES/roster.csv"

# --- (a) not a TTY ---
start_sim --seed 3 --min-job 10m --max-job 15m
rc=0; "$R" run "$ROSTER" -o "$WORK/a.csv" --state "$WORK/a.db" --progress auto </dev/null >"$WORK/a.out" 2>"$WORK/a.err" || rc=$?
check "not a TTY: run exits 1 (the sample has an invalid row): got $rc" test "$rc" = 1
sim_stats >"$WORK/stats.json"
check "not a TTY: nothing on stdout with -o FILE" test ! -s "$WORK/a.out"
python3 - "$WORK/a.err" "$WORK/stats.json" "$ROSTER" >"$WORK/verdicts" <<'PY'
import csv, json, re, sys
raw = open(sys.argv[1], "rb").read()
st = json.load(open(sys.argv[2]))
rows = list(csv.reader(open(sys.argv[3], newline="")))[1:]
def out(ok, what): print(("ok " if ok else "FAIL ") + what)
bad = sorted({b for b in raw if (b < 0x20 and b != 0x0A) or b == 0x7F})
out(not bad, f"stderr has no control characters (found {[hex(b) for b in bad]})")
text = raw.decode("utf-8", "replace")
lines = text.split("\n")
ts = [l for l in lines if re.match(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d", l)]
routes = st["requests_by_route"]
events = routes.get("POST /api/v1/creators/bulk", 0) + routes.get("POST /api/v1/jobs/bulk-status", 0)
out(len(ts) >= events and events > 0, f"a timestamped line per batch and poll round: {len(ts)} lines for {events} submit+poll requests")
def fig(label):
    for l in lines:
        if re.match(r"^\d{4}-\d\d-\d\d[T ]", l): continue  # progress lines, not the summary
        if re.search(label, l, re.I):
            m = re.findall(r"\d+", re.sub(r"^\d{4}-\d\d-\d\d\S*", "", l))
            if m: return l, int(m[0])
    return None, None
def want(label, value):
    l, v = fig(label)
    out(v == value, f"summary {label!r} is {value}: line {l!r}")
want(r"rows read", len(rows))
want(r"^\s*invalid", 1)
want(r"unique lookups", 22)
jobs = [j for j in st["jobs"]]
want(r"^\s*cached", 22 - len(jobs))
want(r"^\s*scored", sum(1 for j in jobs if j["status"] == "done"))
want(r"^\s*failed", sum(1 for j in jobs if j["status"] == "failed"))
want(r"^\s*pending", 0)
want(r"^\s*skipped", 0)
want(r"credits spent", st["credits_charged_total"])
want(r"refunded", st["credits_refunded_total"])
want(r"balance left", st["balances"]["sk_test_demo"]["balance"])
want(r"requests made", st["total_requests"])
want(r"rate.limit waits", 0)
l, _ = fig(r"elapsed")
out(l is not None, f"summary has the elapsed time: {l!r}")
l, _ = fig(r"credits spent")
per = {}
for j in jobs: per[j["creator"].split(":")[0]] = per.get(j["creator"].split(":")[0], 0) + j["charged"]
ok = l is not None and all(re.search(rf"\b{p}\b\D{{0,3}}{n}\b", l) for p, n in per.items())
out(ok, f"summary lists credits per platform {per}: {l!r}")
PY
while IFS= read -r line; do case "$line" in ok\ *) pass "${line#ok }" ;; *) fail "${line#FAIL }" ;; esac; done <"$WORK/verdicts"

# stdout carries the data alone
rc=0; "$R" run "$ROSTER" -o - --state "$WORK/b.db" >"$WORK/b.out" 2>"$WORK/b.err" || rc=$?
check "-o -: stdout parses as the enriched CSV and nothing else" python3 - "$WORK/b.out" "$ROSTER" <<'PY'
import csv, sys
o = list(csv.reader(open(sys.argv[1], newline="")))
i = list(csv.reader(open(sys.argv[2], newline="")))
ok = (len(o) == len(i) and o[0][:len(i[0])] == i[0] and o[0][len(i[0])] == "status" and o[0][-1] == "job_id"
      and all(len(r) == len(o[0]) for r in o) and all(a[:len(b)] == b for a, b in zip(o[1:], i[1:])))
sys.exit(0 if ok else 1)
PY
check "-o -: the summary went to stderr" grep -qi "rows read" "$WORK/b.err"

# --quiet: a clean run prints nothing on stderr
start_sim --seed 3 --min-job 10m --max-job 15m
rc=0; "$R" run "$FIX/all_platforms.csv" -o "$WORK/q.csv" --state "$WORK/q.db" --quiet >"$WORK/q.out" 2>"$WORK/q.err" || rc=$?
check "--quiet: clean run exits 0 (got $rc)" test "$rc" = 0
check "--quiet: nothing on stderr ($(head -c 200 "$WORK/q.err"))" test ! -s "$WORK/q.err"
rc=0; "$R" -q run "$FIX/all_platforms.csv" -o "$WORK/q2.csv" --state "$WORK/q2.db" 2>"$WORK/q2.err" || rc=$?
check "-q before the command: nothing on stderr" test ! -s "$WORK/q2.err"

# --log-format json: every stderr line is JSON
start_sim --seed 3 --min-job 10m --max-job 15m
rc=0; "$R" run "$ROSTER" -o "$WORK/j.csv" --state "$WORK/j.db" --log-format json 2>"$WORK/j.err" || rc=$?
check "--log-format json: exit 1 as without it (got $rc)" test "$rc" = 1
check "--log-format json: stderr is not empty" test -s "$WORK/j.err"
check "--log-format json: every stderr line parses as a JSON object" python3 -c '
import json, sys
bad = []
for n, l in enumerate(open(sys.argv[1], encoding="utf-8").read().splitlines(), 1):
    try:
        if not isinstance(json.loads(l), dict): bad.append(n)
    except ValueError: bad.append(n)
if bad: print("  non-JSON stderr lines:", bad[:5], file=sys.stderr)
sys.exit(1 if bad else 0)' "$WORK/j.err"
check "--log-format json: the summary is among the events (credits, requests)" grep -qi "credits" "$WORK/j.err"

# --- (b) a pseudo-terminal ---
pty_run() {  # pty_run NAME [env...] -- args: runs roster-enrich on a pty
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  rc=0
  env "${envs[@]}" python3 "$HERE/pty_progress.py" "$WORK/$name.tty" "$WORK/$name.elapsed" -- "$R" "$@" || rc=$?
}
start_sim --seed 3 --min-job 10m --max-job 20m
pty_run tty NO_COLOR=1 -- run "$ROSTER" -o "$WORK/t.csv" --state "$WORK/t.db"
check "tty: run exits 1 (got $rc)" test "$rc" = 1
python3 - "$WORK/tty.tty" "$WORK/tty.elapsed" >"$WORK/verdicts" <<'PY'
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
elapsed = float(open(sys.argv[2]).read())
def out(ok, what): print(("ok " if ok else "FAIL ") + what)
redraws = len(re.findall(r"\r(?!\n)", raw))
out(redraws >= 2, f"a live line redrawn with \\r ({redraws} redraws)")
out(re.search(r"\b\d+/\d+\b", raw) is not None, "the live line shows scored/total")
out(redraws <= 10 * elapsed + 5, f"redrawn at most 10x/s ({redraws} redraws in {elapsed:.1f}s)")
out(re.search(r"\x1b\[[0-9;]*m", raw) is None, "NO_COLOR=1: no colour sequences")
# Render what stays on the terminal: \r returns to column 0, ESC[K / ESC[2K / ESC[0K clear the line.
screen, line, col = [], [], 0
i = 0
while i < len(raw):
    c = raw[i]
    m = re.match(r"\x1b\[([0-9;?]*)([A-Za-z])", raw[i:])
    if m:
        if m.group(2) == "K":
            if m.group(1) in ("", "0"): del line[col:]
            else: line = [" "] * len(line)
        i += len(m.group(0)); continue
    if c == "\r": col = 0
    elif c == "\n": screen.append("".join(line).rstrip()); line, col = [], 0
    else:
        if col < len(line): line[col] = c
        else: line.append(c)
        col += 1
    i += 1
if line: screen.append("".join(line).rstrip())
left = [l for l in screen if re.search(r"\b\d+/\d+\b", l)]
out(not left, f"the live line is cleared before the summary (left on screen: {left[:2]})")
summ = [n for n, l in enumerate(screen) if re.search(r"rows read", l, re.I)]
out(bool(summ) and screen[summ[0]].strip().lower().startswith("rows read"), f"the summary starts on a clean line: {screen[summ[0]] if summ else None!r}")
PY
while IFS= read -r line; do case "$line" in ok\ *) pass "${line#ok }" ;; *) fail "${line#FAIL }" ;; esac; done <"$WORK/verdicts"
check "tty: the output file is still the enriched CSV" grep -q "^Name,Agent,Platform,Handle,Notes,status," "$WORK/t.csv"

# --progress never on a TTY: no live line
start_sim --seed 3 --min-job 10m --max-job 15m
pty_run never NO_COLOR=1 -- run "$FIX/all_platforms.csv" -o "$WORK/n.csv" --state "$WORK/n.db" --progress never
check "--progress never on a TTY: no \\r redraws" python3 -c '
import re,sys; raw=open(sys.argv[1],"rb").read().decode("utf-8","replace"); sys.exit(1 if re.search(r"\r(?!\n)", raw) else 0)' "$WORK/never.tty"
finish
