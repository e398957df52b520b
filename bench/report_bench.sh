#!/usr/bin/env bash
# The report of a 20,000-row roster: its size and when Chromium reaches the load event (issue 21's
# targets: <= 5 MB, load within 3 s). Measured, not asserted. The enriched CSV is made by
# repeating a small run's rows under new handles (the page's cost is its rows, not their scores).
#   bench/report_bench.sh build/roster-enrich ENRICHED.csv [ROWS]
set -euo pipefail
R=$1 SOURCE=$2 ROWS=${3:-20000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$SOURCE" "$WORK/big.csv" "$ROWS" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
header = rows[0]
body = [r for r in rows[1:] if r[header.index("status")] in ("scored", "cached")]
handle = [h.lower() for h in header].index("handle")
with open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for i in range(int(sys.argv[3])):
        r = list(body[i % len(body)]); r[handle] = f"bench_{i}"; w.writerow(r)
PY
start=$(date +%s.%N)
"$R" report "$WORK/big.csv" -o "$WORK/big.html"
end=$(date +%s.%N)
python3 - "$WORK/big.html" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
nonce = re.search(r'<script nonce="([0-9a-f]+)">', page).group(1)
probe = ('<script nonce="%s">addEventListener("load",function(){setTimeout(function(){var p=document.createElement'
         '("pre");p.id="t";p.textContent=performance.getEntriesByType("navigation")[0].loadEventStart;'
         'document.body.appendChild(p);},0);});</script>' % nonce)
open(sys.argv[1] + ".probe.html", "w").write(page.replace("</body>", probe + "</body>"))
PY
chromium --headless --no-sandbox --disable-gpu \
  --dump-dom "file://$WORK/big.html.probe.html" 2>/dev/null >"$WORK/dom.html"
load_ms=$(sed -n 's/.*<pre id="t">\([0-9.]*\)<\/pre>.*/\1/p' "$WORK/dom.html")
printf 'rows %s  html %s bytes  written in %.2f s  chromium load event at %s ms\n' "$ROWS" \
  "$(stat -c %s "$WORK/big.html")" "$(echo "$end - $start" | bc)" "${load_ms:-?}"
