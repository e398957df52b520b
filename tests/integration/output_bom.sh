#!/usr/bin/env bash
# CSV for Excel: the output begins with a UTF-8 BOM when the roster did (Excel's "CSV UTF-8"), and
# with --bom always; never without either, never in JSON. An output named as a workbook we do not
# write (.xls, .ods, .xlsx) is refused with 64 instead of getting CSV.
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
export ROSTER_ENRICH_TIME_SCALE=600
start_sim --seed 4 --cached-percent 100
starts_with_bom() { [ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' ')" = efbbbf ]; }

expect_exit 0 "a roster with a BOM" -- "$R" run "$FIX/bom.csv" -o "$WORK/a.csv" --state "$WORK/a.db" -q
check "its CSV output begins with a BOM" starts_with_bom "$WORK/a.csv"
check "then the header, once" bash -c "tail -c +4 '$WORK/a.csv' | head -n1 | grep -q '^Name,Platform,Handle,status,'"
check "accents kept" grep -q 'Zoë' "$WORK/a.csv"
expect_exit 1 "a roster without a BOM (invalid rows: exit 1)" -- \
  "$R" run "$FIX/mixed.csv" -o "$WORK/b.csv" --state "$WORK/b.db" -q
check "its output has none" bash -c "! head -c 3 '$WORK/b.csv' | od -An -tx1 | tr -d ' ' | grep -q efbbbf"
"$R" run "$FIX/mixed.csv" -o "$WORK/c.csv" --state "$WORK/c.db" -q --bom || true
check "--bom: the output begins with one" starts_with_bom "$WORK/c.csv"
expect_exit 0 "a roster with a BOM, JSON output" -- "$R" run "$FIX/bom.csv" -o "$WORK/d.json" --state "$WORK/d.db" -q --bom
check "JSON never gets a BOM" bash -c "head -c 1 '$WORK/d.json' | grep -q '\\['"
expect_exit 0 "report reads a CSV with a BOM" -- "$R" report "$WORK/a.csv" -o "$WORK/a.html"
check "report: the name column found past the BOM" grep -qF '<table id=creators><thead><tr><th>Name</th>' "$WORK/a.html"

# A spreadsheet name we do not write is refused before any request, not given CSV.
before=$(sim_stats | json_get - 'd["total_requests"]')
for name in out.xls out.ODS out.xlsx; do
  expect_exit 64 "-o $name: refused" -- "$R" run "$FIX/bom.csv" -o "$WORK/$name" --state "$WORK/x.db" -q 2>"$WORK/err"
  check "-o $name: one line naming it and what to do" one_line "$WORK/err" "name the output .csv"
  check "-o $name: nothing written" test ! -e "$WORK/$name"
done
check "refused names: no request sent" test "$(sim_stats | json_get - 'd["total_requests"]')" = "$before"
expect_exit 0 "-o out.xls --format csv: the name kept, as asked" -- \
  "$R" run "$FIX/bom.csv" -o "$WORK/kept.xls" --format csv --state "$WORK/y.db" -q
finish
