#!/usr/bin/env bash
# The report page in headless Chromium (Debian's `chromium`, scripts/install-deps.sh) with the
# network off (a network namespace of its own when `unshare -n` works, and no host resolves in any
# case): no console message (a CSP violation or script error would be one), the charts and the
# table in the DOM, the hostile names inert, sorting works, and with JavaScript disabled every
# creator is still listed. Screenshots at 1280x800, 390x844 and 1280x1800 are kept in
# $TEST_TMP/report-artifacts/. Exit 125 when chromium is absent.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
FIXTURE="$(dirname "$0")/report_fixture.py"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "skipped: chromium is not installed (scripts/install-deps.sh installs it)" >&2
  exit 125
fi
ARTIFACTS="${TEST_TMP:-/tmp}/report-artifacts"
mkdir -p "$ARTIFACTS"

python3 "$FIXTURE" roster "$WORK/roster.csv"
start_sim --seed 11 --cached-percent 30 --min-job 1m --max-job 3m --failure-rate 0.1
export ROSTER_ENRICH_TIME_SCALE=600
"$R" run "$WORK/roster.csv" -o "$WORK/out.csv" --state "$WORK/s.db" -q || true
python3 "$FIXTURE" edit "$WORK/out.csv" "$WORK/current.csv" "$WORK/previous.csv"
expect_exit 0 "report --compare" -- "$R" report "$WORK/current.csv" --compare "$WORK/previous.csv" \
  -o "$WORK/r.html" --title "Acme roster, week 49"

NETNS=()
if unshare -n true 2>/dev/null; then NETNS=(unshare -n); fi
# browse OUT ERR ARGS...: headless Chromium, no network, console messages logged to ERR.
browse() {
  local out=$1 err=$2; shift 2
  "${NETNS[@]}" timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$WORK/profile" --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server=127.0.0.1:9 \
    --enable-logging=stderr --v=0 "$@" >"$out" 2>"$err"
}
# rows_in DOM: the rows of the table of every creator.
rows_in() { python3 -c '
import sys
s = open(sys.argv[1]).read()
t = s[s.index("<table id=\"creators\">"):]
t = t[:t.index("</table>")]
print(t.count("<tr") - 1)' "$1"; }
no_console() { ! grep -q ':CONSOLE' "$1"; }

# The console capture sees what it must: a page with an error and a blocked request.
printf '<p>x</p><script>console.error("seen")</script>\n' >"$WORK/control.html"
browse "$WORK/control.dom" "$WORK/control.err" --dump-dom "file://$WORK/control.html" || true
check "control: the console capture sees an error" grep -q ':CONSOLE.*"seen"' "$WORK/control.err"

expect_exit 0 "chromium: the page loads" -- browse "$WORK/dom.html" "$WORK/dom.err" --dump-dom "file://$WORK/r.html"
check "chromium: no console message" no_console "$WORK/dom.err"
check "chromium: every creator in the table (43)" test "$(rows_in "$WORK/dom.html")" = 43
for id in tier-chart histogram-chart platform-chart; do
  check "chromium: chart #$id is an SVG in the DOM" grep -q "<svg id=\"$id\"" "$WORK/dom.html"
done
check "chromium: the script ran (the filter box is there)" grep -q '<input id="filter"' "$WORK/dom.html"
check "chromium: the hostile name is text, no element" \
  bash -c "grep -qF '&lt;img src=x onerror=alert(1)&gt;' '$WORK/dom.html' && ! grep -q '<img' '$WORK/dom.html'"

# Sorting: a copy of the page with one more script (under the page's own nonce) that clicks the
# score column's header twice and records the order after each click.
python3 - "$WORK/r.html" "$WORK/sort.html" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
nonce = re.search(r"<script nonce=\"([0-9a-f]+)\">", page).group(1)
probe = """<script nonce="%s">
var ths = document.querySelectorAll('#creators thead th'); var col = -1;
for (var i = 0; i < ths.length; i++) if (ths[i].textContent.trim() == 'score') col = i;
function order() { return Array.prototype.map.call(document.querySelectorAll('#creators tbody tr'),
  function (r) { return r.cells[col].getAttribute('data-v'); }).join(','); }
ths[col].querySelector('button').click(); var up = order();
ths[col].querySelector('button').click(); var down = order();
var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = up + '|' + down;
document.body.appendChild(pre);
</script>""" % nonce
open(sys.argv[2], "w").write(page.replace("</body>", probe + "</body>"))
PY
expect_exit 0 "chromium: the sort probe runs" -- browse "$WORK/sort.dom" "$WORK/sort.err" --dump-dom "file://$WORK/sort.html"
check "chromium sort: no console message" no_console "$WORK/sort.err"
check "chromium sort: ascending then descending by score, empty scores last" python3 -c '
import re, sys
s = open(sys.argv[1]).read()
up, down = re.search(r"<pre id=\"probe\">([^<]*)</pre>", s).group(1).split("|")
def nums(t): return [float(v) for v in t.split(",") if v]
def empties_last(t): v = t.split(","); return all(x == "" for x in v[len(nums(t)):])
a, d = nums(up), nums(down)
ok = len(a) > 20 and a == sorted(a) and d == sorted(d, reverse=True) and empties_last(up) and empties_last(down)
sys.exit(0 if ok else 1)' "$WORK/sort.dom"

# Without JavaScript: the page is still complete. Chromium's --dump-dom gives nothing with
# scripting switched off (--blink-settings=scriptEnabled=false), so a copy whose policy is
# `script-src 'none'` keeps the page's script from running, as a browser without JavaScript would.
sed "s/script-src 'nonce-[0-9a-f]*'/script-src 'none'/" "$WORK/r.html" >"$WORK/nojs.html"
check "nojs copy: the policy forbids its script" grep -q "script-src 'none'" "$WORK/nojs.html"
expect_exit 0 "chromium without JavaScript: loads" -- browse "$WORK/nojs.dom" "$WORK/nojs.err" \
  --dump-dom "file://$WORK/nojs.html"
check "chromium without JavaScript: every creator listed" test "$(rows_in "$WORK/nojs.dom")" = 43
check "chromium without JavaScript: each creator's handle present" python3 -c '
import csv, sys
dom = open(sys.argv[2]).read()
handles = [r["Handle"] for r in csv.DictReader(open(sys.argv[1], newline=""))]
sys.exit(0 if all(h in dom for h in handles) else 1)' "$WORK/current.csv" "$WORK/nojs.dom"
check "chromium without JavaScript: no dead control" bash -c "! grep -q 'id=\"filter\"' '$WORK/nojs.dom'"

# 1280x1800 is the README's picture (docs/report.png, copied by hand when the page changes).
for size in 1280x800 390x844 1280x1800; do
  rm -f "$ARTIFACTS/report-$size.png"
  expect_exit 0 "chromium: screenshot $size" -- browse "$WORK/shot.out" "$WORK/shot.err" --hide-scrollbars \
    --window-size="${size/x/,}" --screenshot="$ARTIFACTS/report-$size.png" "file://$WORK/r.html"
  check "screenshot $size: a PNG of that size" python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
w, h = struct.unpack(">II", b[16:24])
sys.exit(0 if b[:8] == b"\x89PNG\r\n\x1a\n" and (w, h) == tuple(map(int, sys.argv[2].split("x"))) else 1)' \
    "$ARTIFACTS/report-$size.png" "$size"
done
finish
