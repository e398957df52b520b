#!/usr/bin/env bash
# Answers that contradict the request, and a file size limit (man page, "OUTPUT" and "EXIT
# STATUS"), end to end against creatorscore-sim's hostile-answer switches:
# - `done` without a creator (--done-without-creator): asked about a few more times, then `error`
#   done_without_creator; the run and `lookup --wait` end instead of polling forever.
# - one job id for several creators (--reuse-job-ids): only the creator it was first given to can
#   get its score; the others end `error` job_id_reused, never with another creator's score.
# - formula text in every API field and job id (--formula-text): no CSV cell of API text starts a
#   formula, and the numeric columns hold numbers or nothing.
# - `ulimit -f`: the run is not killed by SIGXFSZ; it ends 73 with one line, and the rerun without
#   the limit charges nothing twice.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
R="$ROSTER_ENRICH"
E="$WORK/err"
ROSTER="$FIX/all_platforms.csv"

# csv_check CSV EXPR: EXPR, a Python expression on `rows` (the output's rows as dicts), is true.
csv_check() {
  python3 -c '
import csv, sys
csv.field_size_limit(sys.maxsize)
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
sys.exit(0 if rows and eval("(" + sys.argv[2] + ")") else 1)' "$@"
}
# no_creator_charged_twice: every creator the simulator charged was charged its price once.
no_creator_charged_twice() {
  stat_of 'all(v == {"youtube": 3, "twitch": 2, "kick": 2}.get(k.split(":")[0], 1)
               for k, v in d["credits_charged_by_creator"].items())' | grep -qx True
}

# --- done without a creator ---
start_sim --seed 21 --min-job 2m --max-job 3m --cached-percent 0 --done-without-creator
expect_exit 1 "done without a creator: the run ends, exit 1" -- \
  timeout 120 "$R" run "$ROSTER" -o "$WORK/dwc.csv" --state "$WORK/dwc.db" -q 2>"$E"
check "done without a creator: every row is error done_without_creator" \
  csv_check "$WORK/dwc.csv" 'all(r["status"] == "error" and r["error"] == "done_without_creator" and not r["score"] for r in rows)'
polls=$(stat_of 'd["requests_by_route"].get("POST /api/v1/jobs/bulk-status", 0)')
check "done without a creator: a bounded number of polls ($polls: done, then 3 more)" test "$polls" -le 12
expect_exit 0 "done without a creator: status says the run completed" -- "$R" status --state "$WORK/dwc.db" --json >"$WORK/dwc.status" 2>"$E"
check "done without a creator: the run is recorded completed" \
  test "$(json_get "$WORK/dwc.status" 'd["run_status"]')" = completed
expect_exit 1 "done without a creator: lookup --wait ends, exit 1" -- \
  timeout 60 "$R" lookup tiktok dwc_one --wait --poll-interval 60s --json >"$WORK/dwc.json" 2>"$E"
check "done without a creator: lookup --wait says error done_without_creator" \
  test "$(json_get "$WORK/dwc.json" 'd["status"] + " " + d["error"]')" = "error done_without_creator"

# --- one job id for several creators ---
start_sim --seed 22 --min-job 2m --max-job 3m --cached-percent 0 --reuse-job-ids
expect_exit 1 "one job id for several creators: exit 1, not 0" -- \
  timeout 120 "$R" run "$ROSTER" -o "$WORK/reuse.csv" --state "$WORK/reuse.db" -q 2>"$E"
check "one job id for several creators: one row scored (the first given the job), the others job_id_reused" \
  csv_check "$WORK/reuse.csv" '[r["status"] for r in rows].count("scored") == 1 and
    all(r["error"] == "job_id_reused" and not r["score"] for r in rows if r["status"] != "scored")'
check "one job id for several creators: the scored row has its own creator's score" \
  csv_check "$WORK/reuse.csv" 'all(r["public_profile_url"].lower().endswith("/" + r["Handle"].lstrip("@").lower())
    for r in rows if r["status"] == "scored")'

# --- formula text in every API field ---
start_sim --seed 23 --min-job 2m --max-job 3m --cached-percent 50 --formula-text
RESULT_TEXT='["tier", "knockouts", "display_name", "last_scored_at", "public_profile_url", "error", "job_id", "narrative"]'
NUMERIC='["score", "content_risk", "brand_safety", "sentiment", "authenticity", "audience_quality",
  "community_trust", "roi_prediction", "followers"]'
expect_exit 0 "formula text: the run completes" -- \
  timeout 120 "$R" run "$ROSTER" -o "$WORK/formula.csv" --state "$WORK/formula.db" --include narrative -q 2>"$E"
check "formula text: no result cell starts a formula" csv_check "$WORK/formula.csv" \
  "all(not r[c][:1] in ('=', '+', '-', '@', '\t', '\r') for r in rows for c in $RESULT_TEXT + $NUMERIC)"
check "formula text: the numeric columns hold numbers or nothing (\"=1+1\", \"1e999\" are not numbers)" \
  csv_check "$WORK/formula.csv" "all(r[c] == '' or float(r[c]) == float(r[c]) for r in rows for c in $NUMERIC) and
    all(r['score'] == '' and r['followers'] == '' and r['authenticity'] != '' for r in rows)"
check "formula text: job ids and API text are kept behind a quote" csv_check "$WORK/formula.csv" \
  "any(r['job_id'].startswith(\"'=\") for r in rows) and all(r['tier'] == \"'+Good\" for r in rows)"
expect_exit 0 "formula text, --no-formula-guard: the run completes" -- \
  timeout 120 "$R" run "$ROSTER" -o "$WORK/formula-off.csv" --state "$WORK/formula-off.db" --no-formula-guard -q 2>"$E"
check "formula text, --no-formula-guard: text as sent, numeric columns still numbers or nothing" \
  csv_check "$WORK/formula-off.csv" "all(r['tier'] == '+Good' and r['score'] == '' for r in rows)"

# --- a file size limit (ulimit -f) ---
start_sim --seed 24 --min-job 2m --max-job 3m
# A limit too small for the state file: refused before anything is charged.
charged_before=$(charged)
expect_exit 73 "ulimit -f 1: exit 73, not killed by SIGXFSZ (153)" -- \
  bash -c 'ulimit -f 1; exec "$@"' _ "$R" run "$ROSTER" -o "$WORK/limit1.csv" --state "$WORK/limit1.db" -q 2>"$E"
check "ulimit -f 1: one line naming the state file" one_line "$E" "cannot write the state file $WORK/limit1.db"
check "ulimit -f 1: nothing charged" test "$(charged)" = "$charged_before"
expect_exit 0 "ulimit -f 1: the rerun without the limit completes" -- \
  "$R" run "$ROSTER" -o "$WORK/limit1.csv" --state "$WORK/limit1.db" -q 2>"$E"
check "ulimit -f 1: no creator charged twice" no_creator_charged_twice
# A limit the state file fits under but the output does not (a wide notes column): the results
# are kept, and the rerun writes them without charging anything again. A new simulator: none of
# the roster's creators is cached from the runs above.
start_sim --seed 25 --min-job 2m --max-job 3m
python3 - "$ROSTER" "$WORK/wide.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0] + ["Notes"])
    for row in rows[1:]:
        writer.writerow(row + ["n" * 200000])
EOF
expect_exit 73 "ulimit -f 1024 (the output is larger): exit 73, not killed by SIGXFSZ" -- \
  bash -c 'ulimit -f 1024; exec "$@"' _ "$R" run "$WORK/wide.csv" -o "$WORK/wide-out.csv" --state "$WORK/wide.db" -q 2>"$E"
check "ulimit -f 1024: one line naming the output and the reason" one_line "$E" "cannot write $WORK/wide-out.csv: File too large"
check "ulimit -f 1024: no partial output left" test ! -e "$WORK/wide-out.csv"
charged_before=$(charged)
expect_exit 0 "ulimit -f 1024: the rerun without the limit completes" -- \
  "$R" run "$WORK/wide.csv" -o "$WORK/wide-out.csv" --state "$WORK/wide.db" -q 2>"$E"
check "ulimit -f 1024: the rerun charges nothing" test "$(charged)" = "$charged_before"
check "ulimit -f 1024: the rerun's output has every row scored" \
  csv_check "$WORK/wide-out.csv" 'all(r["status"] in ("scored", "cached") and r["score"] for r in rows)'
check "ulimit -f 1024: no creator charged twice" no_creator_charged_twice

finish
