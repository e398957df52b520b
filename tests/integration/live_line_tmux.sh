#!/usr/bin/env bash
# The live progress line as a person sees it, read off a real terminal (tmux): at 80 columns, then
# grown to 120 and shrunk to 60 while the run goes on, the screen holds one progress line, never
# wider than the terminal, with a countdown to the next poll that changes and, once results come
# in, an ETA. Under TERM=dumb (a pseudo-terminal) the line moves no cursor and has no colour.
# Skipped (exit 125) only when tmux is not installed (scripts/install-deps.sh installs it).
source "$(dirname "$0")/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
R="$ROSTER_ENRICH"

if ! command -v tmux >/dev/null 2>&1; then
  echo "live_line_tmux: skipped: tmux is not installed (scripts/install-deps.sh installs it)" >&2
  exit 125
fi

# Jobs of 20 to 90 API minutes at 120x: results arrive over 10 to 45 real seconds, in several rounds.
export ROSTER_ENRICH_TIME_SCALE=120
start_sim --seed 4 --min-job 20m --max-job 90m --cached-percent 10
python3 -c '
print("Name,Agent,Platform,Handle,Notes")
platforms = ["TikTok", "Instagram", "YouTube"]
for i in range(80): print(f"C{i},A,{platforms[i % 3]},livecreator{i:03d},")' >"$WORK/r.csv"

# A private tmux server, gone with the suite.
TMUX_SOCKET="roster-enrich-live-$$"
tmx() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }
trap 'tmx kill-server 2>/dev/null || true; cleanup' EXIT
tmx new-session -d -x 80 -y 24 -s live \
  "env -u NO_COLOR ROSTER_ENRICH_TIME_SCALE=$ROSTER_ENRICH_TIME_SCALE CREATORSCORE_API_KEY=sk_test_demo \
   CREATORSCORE_BASE_URL=$SIM_URL '$R' run '$WORK/r.csv' -o '$WORK/out.csv' --state '$WORK/st.db'; \
   echo EXIT=\$?; sleep 600"
# The window keeps the size the test gives it, whatever client (none) is attached.
tmx set-option -t live window-size manual >/dev/null 2>&1 || true

capture() {  # capture WIDTH: the screen now, with the width it was read at, into the next file
  n=$((n + 1))
  { echo "WIDTH $1"; tmx capture-pane -p -t live; } >"$WORK/screen.$n"
}
n=0
# 80 columns for 6 seconds, 120 for 3, 60 until the run ends (at most 90 seconds).
for _ in $(seq 12); do sleep 0.5; capture 80; done
tmx resize-window -t live -x 120 -y 24
for _ in $(seq 6); do sleep 0.5; capture 120; done
tmx resize-window -t live -x 60 -y 24
deadline=$(($(now_ms) + 90000))
while [ "$(now_ms)" -lt "$deadline" ]; do
  sleep 0.5; capture 60
  if grep -q "^EXIT=" "$WORK/screen.$n"; then break; fi
done

python3 - "$WORK" "$n" >"$WORK/verdicts" <<'PY'
import re, sys
work, count = sys.argv[1], int(sys.argv[2])
def out(ok, what): print(("ok " if ok else "FAIL ") + what)
progress = re.compile(r"\d+/80 scored")
screens = []
for i in range(1, count + 1):
    lines = open(f"{work}/screen.{i}", encoding="utf-8", errors="replace").read().split("\n")
    screens.append((int(lines[0].split()[1]), [l.rstrip() for l in lines[1:]]))
# A screen read right after a resize may still show the old line: the first one at each width is
# skipped (the line is redrawn within a second).
seen, live = set(), []
for width, lines in screens:
    if width not in seen:
        seen.add(width); continue
    if any(l.startswith("EXIT=") for l in lines): continue
    live.append((width, lines))
for want in (80, 120, 60):
    at = [(w, ls) for w, ls in live if w == want]
    out(len(at) >= 2, f"{len(at)} screens read while the run went on at {want} columns")
    many = [ls for _, ls in at if sum(1 for l in ls if progress.search(l)) != 1]
    out(not many, f"{want} columns: every screen holds exactly one progress line "
                  f"(first offender: {many[0] if many else None})")
    wide = [l for _, ls in at for l in ls if len(l) >= want]
    out(not wide, f"{want} columns: no line reaches the last column (first offender: {wide[:1]})")
    bare = [l for _, ls in at for l in ls if l and not progress.search(l)]
    out(not bare, f"{want} columns: nothing but the progress line on screen (found {bare[:2]})")
line_at = lambda want: [l for w, ls in live if w == want for l in ls if progress.search(l)]
wide120 = max((len(l) for l in line_at(120)), default=0)
out(wide120 > 80, f"grown to 120 columns, the line uses the room (longest {wide120} columns)")
countdowns = {m.group(1) for w, ls in live for l in ls for m in [re.search(r"next poll in (\w+)", l)] if m}
out(len(countdowns) >= 3, f"the countdown to the next poll changes: {sorted(countdowns)[:6]}")
etas = [m.group(0) for w, ls in live for l in ls for m in [re.search(r"ETA \w+", l)] if m]
out(bool(etas), f"an ETA once results come in: {etas[:3]}")
last = screens[-1][1]
exits = [l for l in last if l.startswith("EXIT")]
out(exits == ["EXIT=0"], f"the run ended with exit 0: {exits}")
out(not any(progress.search(l) for l in last), "the live line is cleared before the summary")
out(any(re.match(r"\s*rows read\s+80\b", l) for l in last), "the summary is on screen")
PY
while IFS= read -r line; do
  case "$line" in ok\ *) pass "${line#ok }" ;; *) fail "${line#FAIL }" ;; esac
done <"$WORK/verdicts"

# TERM=dumb on a pseudo-terminal: no carriage return, no escape sequence, plain progress lines.
start_sim --seed 4 --min-job 10m --max-job 20m
rc=0
env TERM=dumb python3 "$HERE/pty_progress.py" "$WORK/dumb.tty" "$WORK/dumb.elapsed" -- \
  "$R" run "$WORK/r.csv" -o "$WORK/dumb.csv" --state "$WORK/dumb.db" || rc=$?
check "TERM=dumb: the run exits 0 (got $rc)" test "$rc" = 0
check "TERM=dumb: no escape sequence and no bare carriage return" python3 -c '
import re, sys
raw = open(sys.argv[1], "rb").read()
sys.exit(1 if b"\x1b" in raw or re.search(rb"\r(?!\n)", raw) else 0)' "$WORK/dumb.tty"
check "TERM=dumb: a plain progress line" grep -qE "[0-9]+/80 scored" "$WORK/dumb.tty"
finish
