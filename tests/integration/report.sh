#!/usr/bin/env bash
# `roster-enrich report`: the HTML page from what `run` wrote, offline. From CSV, JSON and JSON
# Lines outputs of a run on the simulator; --compare against an earlier output whose scores, tiers
# and knockouts differ; hostile names from the roster and the API escaped; what it refuses and its
# exit codes. The page in a browser is report_browser.sh.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
FIXTURE="$(dirname "$0")/report_fixture.py"
E="$WORK/err"

python3 "$FIXTURE" roster "$WORK/roster.csv"
start_sim --seed 11 --cached-percent 30 --min-job 1m --max-job 3m --failure-rate 0.1
export ROSTER_ENRICH_TIME_SCALE=600
expect_exit 1 "run: the roster scored (one invalid row)" -- \
  "$R" run "$WORK/roster.csv" -o "$WORK/out.csv" --state "$WORK/s.db" -q
python3 "$FIXTURE" edit "$WORK/out.csv" "$WORK/current.csv" "$WORK/previous.csv"

# page_rows HTML: the rows of the table of every creator.
page_rows() { python3 -c '
import re, sys
s = open(sys.argv[1]).read()
t = s[s.index("<table id=creators>"):]
t = t[:t.index("</table>")]
print(t.count("<tr>") - 1)' "$1"; }

expect_exit 0 "report: from CSV" -- env -u CREATORSCORE_API_KEY "$R" report "$WORK/current.csv" \
  -o "$WORK/r.html" --title "Acme <Q4> roster" 2>"$E"
check "report: nothing on stderr" test ! -s "$E"
check "report: one row per lookup of the roster (43)" test "$(page_rows "$WORK/r.html")" = 43
for id in headline tier-chart histogram-chart knockouts platform-chart best worst creators; do
  check "report: has #$id" grep -q "id=\"\\?$id\"\\?[ >]" "$WORK/r.html"
done
check "report: a CSP that forbids every request" \
  grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" "$WORK/r.html"
check "report: no reference to any host" bash -c "! grep -Eq '(src|href)=\"?(https?:)?//' '$WORK/r.html'"
check "report: the hostile name is text, never an element" \
  bash -c "grep -qF '&lt;img src=x onerror=alert(1)&gt;' '$WORK/r.html' && ! grep -qF '<img' '$WORK/r.html'"
check "report: quotes and ampersands escaped" grep -qF 'Quote &quot;Q&quot; &amp; &lt;b&gt;Amp&lt;/b&gt;' "$WORK/r.html"
check "report: the title escaped" grep -qF '<h1>Acme &lt;Q4&gt; roster</h1>' "$WORK/r.html"
check "report: the roster's Name column heads the table" grep -qF '<table id=creators><thead><tr><th>Name</th>' \
  "$WORK/r.html"
check "report: UTF-8 names kept" grep -qF 'Creator 07 Émilie' "$WORK/r.html"
check "report: the local folder is not on the page" bash -c "! grep -qF '$WORK' '$WORK/r.html'"
check "report: counts as the CSV says" python3 -c '
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
page = open(sys.argv[2]).read()
for status in ["scored", "cached", "failed", "invalid"]:
    n = sum(1 for r in rows if r["status"] == status)
    if f"<b>{n}</b><span>{status}" not in page:
        sys.exit(f"{status}: {n} not shown")' "$WORK/current.csv" "$WORK/r.html"

# --- JSON and JSON Lines: the same creators ---
# Exit 1 for the invalid row (and any job the simulator failed).
"$R" run "$WORK/roster.csv" -o "$WORK/out.json" --state "$WORK/s2.db" -q --format json || true
"$R" run "$WORK/roster.csv" -o "$WORK/out.jsonl" --state "$WORK/s3.db" -q || true
expect_exit 0 "report: from JSON, to stdout" -- "$R" report "$WORK/out.json" >"$WORK/j.html"
check "report JSON: 43 rows" test "$(page_rows "$WORK/j.html")" = 43
expect_exit 0 "report: from JSON Lines read on standard input" -- "$R" report - -o "$WORK/l.html" <"$WORK/out.jsonl"
check "report JSONL: 43 rows" test "$(page_rows "$WORK/l.html")" = 43
check "report JSON: the hostile name escaped" \
  bash -c "grep -qF '&lt;img src=x onerror=alert(1)&gt;' '$WORK/j.html' && ! grep -qF '<img' '$WORK/j.html'"

# --- wide roster ---
"$R" run "$SAMPLES/roster-wide.csv" -o "$WORK/wide.csv" --state "$WORK/s4.db" -q || true
expect_exit 0 "report: from a wide roster's CSV" -- "$R" report "$WORK/wide.csv" -o "$WORK/w.html"
check "report wide: one row per non-empty platform cell" test "$(page_rows "$WORK/w.html")" = "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(sum(1 for r in rows for k, v in r.items() if k.endswith("_status") and v))' "$WORK/wide.csv")"

# --- --compare ---
expect_exit 0 "report --compare" -- "$R" report "$WORK/current.csv" --compare "$WORK/previous.csv" -o "$WORK/c.html"
check "compare: the summary line" \
  grep -qF '<p>2 score or tier changes, 1 added, 1 removed, 0 knockouts appeared, 1 cleared.</p>' "$WORK/c.html"
check "compare: the score that rose, highlighted" grep -qF '<span class=up>+7</span>' "$WORK/c.html"
check "compare: the score that fell, highlighted" grep -qF '<span class=down>-5</span>' "$WORK/c.html"
check "compare: the tier change shown" grep -qF ' → ' "$WORK/c.html"
check "compare: the knockout cleared" grep -qF 'cleared: spam_history' "$WORK/c.html"
check "compare: the removed creator" grep -qF 'Gone Creator' "$WORK/c.html"
check "compare: the changes column in the table" grep -qF '<th>since last run</th>' "$WORK/c.html"
expect_exit 0 "report --compare with itself" -- "$R" report "$WORK/current.csv" --compare "$WORK/current.csv" \
  -o "$WORK/same.html"
check "compare with itself: nothing changed" grep -qF '<p>Nothing changed.</p>' "$WORK/same.html"

# --- refusals ---
expect_exit 66 "report: a missing file" -- "$R" report "$WORK/none.csv" -o "$WORK/x.html" 2>"$E"
check "report missing: one line naming it" one_line "$E" "cannot open $WORK/none.csv"
expect_exit 66 "report: a directory" -- "$R" report "$WORK" -o "$WORK/x.html" 2>"$E"
expect_exit 65 "report: a roster that is not an output of run" -- "$R" report "$WORK/roster.csv" 2>"$E"
check "report not an output: one line saying what to give" one_line "$E" "give the file \`run -o\` wrote"
printf '[{"row": 1, "input": {}' >"$WORK/broken.json"
expect_exit 65 "report: broken JSON" -- "$R" report "$WORK/broken.json" 2>"$E"
check "report broken JSON: one line" one_line "$E" "invalid JSON"
expect_exit 73 "report: an output in a missing folder" -- "$R" report "$WORK/current.csv" -o "$WORK/no/dir/r.html" 2>"$E"
check "report cannot write: the previous page intact" test "$(page_rows "$WORK/r.html")" = 43
expect_exit 64 "report: no ENRICHED" -- "$R" report 2>"$E"

# --- run --report ---
expect_exit 1 "run --report: the run and its page" -- \
  "$R" run "$WORK/roster.csv" -o "$WORK/rr.csv" --report "$WORK/rr.html" --state "$WORK/s5.db" -q
check "run --report: the page lists every creator" test "$(page_rows "$WORK/rr.html")" = 43
check "run --report: the same page as report's (but its date and nonce)" bash -c "
  '$R' report '$WORK/rr.csv' -o '$WORK/rr2.html' &&
  diff <(sed -E 's/nonce-?=?\"?[0-9a-f]{32}//g; s/generated [0-9: -]+UTC//' '$WORK/rr.html') \
       <(sed -E 's/nonce-?=?\"?[0-9a-f]{32}//g; s/generated [0-9: -]+UTC//' '$WORK/rr2.html') >/dev/null"
expect_exit 64 "run --report to stdout: refused before any request" -- \
  "$R" run "$WORK/roster.csv" --report "$WORK/x.html" --state "$WORK/s6.db" -q 2>"$E"
check "run --report to stdout: one line saying what to give" one_line "$E" "give -o FILE too"
check "run --report to stdout: no state file made" test ! -e "$WORK/s6.db"
finish
