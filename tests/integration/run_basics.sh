#!/usr/bin/env bash
# `roster-enrich run` end to end against the simulator: bulk submit and bulk-status, outputs,
# statuses against the simulator's truth, minimum charges, and the rate limit under a 429 storm
# and server faults.
source "$(dirname "$0")/lib.sh"

roster="$SAMPLES/roster.csv"
out="$WORK/out.csv"; err="$WORK/err"

start_sim --seed 5 --min-job 10m --max-job 30m
expect_exit 1 "the sample roster runs to the end (exit 1: it has an invalid row)" -- \
  "$ROSTER_ENRICH" run "$roster" -o "$out" 2>"$err"
check "the summary says completed" grep -q "roster-enrich: completed" "$err"
python3 - "$roster" "$out" <<'PY' && pass "input columns unchanged and in order, result columns exact" || fail "CSV columns"
import csv, sys
src = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
out = list(csv.reader(open(sys.argv[2], newline='', encoding='utf-8')))
want = ["status","score","tier","content_risk","brand_safety","sentiment","authenticity","audience_quality",
        "community_trust","roi_prediction","knockouts","display_name","followers","last_scored_at",
        "public_profile_url","error","job_id"]
assert out[0] == src[0] + want, out[0]
assert len(out) == len(src)
for a, b in zip(src[1:], out[1:]):
    assert b[:len(a)] == a, (a, b)
    assert b[len(a)] in ("cached","scored","failed","not_found","pending","skipped","invalid","error"), b
PY
python3 - "$out" <<'PY' && pass "each row's status is final and the invalid row says why" || fail "statuses"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert all(r["status"] in ("cached", "scored", "invalid") for r in rows), [r["status"] for r in rows]
invalid = [r for r in rows if r["status"] == "invalid"]
assert len(invalid) == 1 and invalid[0]["error"], invalid
assert all(r["job_id"] == "" for r in rows if r["status"] == "cached")
assert all(r["job_id"] and r["score"] for r in rows if r["status"] == "scored")
PY
sim_stats >"$WORK/stats.json"
check "each unique uncached creator charged exactly once, at its price" python3 - "$WORK/stats.json" "$out" <<'PY'
import csv, json, sys
stats = json.load(open(sys.argv[1]))
price = {"youtube": 3, "twitch": 2, "kick": 2}
charged = stats["credits_charged_by_creator"]
assert all(v == price.get(k.split(":")[0], 1) for k, v in charged.items()), charged
scored = {(r["Platform"].lower().replace("twitter", "x"), r["Handle"].lstrip("@").lower())
          for r in csv.DictReader(open(sys.argv[2], newline='')) if r["status"] == "scored"}
assert len(charged) == len(scored), (len(charged), len(scored))
PY
check "one submit for 22 unique creators" test "$(json_get "$WORK/stats.json" 'd["requests_by_route"]["POST /api/v1/creators/bulk"]')" = 1
check "no 429 at the default rate limit" test "$(json_get "$WORK/stats.json" 'd["responses_429"]')" = 0

# JSON and JSON Lines carry the same rows with verbatim payloads.
expect_exit 1 "JSON output" -- "$ROSTER_ENRICH" run "$roster" -o "$WORK/out.json" 2>"$err"
check "JSON: one object per row, 1-based row numbers, creator objects" python3 - "$WORK/out.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["row"] for r in rows] == list(range(1, 26))
assert all(set(r) == {"row", "input", "lookups"} for r in rows)
lk = [l for r in rows for l in r["lookups"]]
assert all(set(l) == {"platform", "handle", "status", "creator", "error", "job_id"} for l in lk)
assert all(isinstance(l["creator"], dict) for l in lk if l["status"] in ("cached", "scored"))
PY
expect_exit 1 "JSONL to stdout" -- bash -c "'$ROSTER_ENRICH' run '$roster' --format jsonl -o - >'$WORK/out.jsonl' 2>'$err'"
check "JSONL: 25 lines, each a JSON object" python3 -c "
import json,sys; lines=open('$WORK/out.jsonl').read().splitlines(); assert len(lines)==25; [json.loads(l) for l in lines]"

# A 429 storm: the simulator allows 3 requests a minute while the client, told 120, submits the
# 22 creators one per request. The run completes and never sends a request before a Retry-After
# has passed. At 120x a simulated minute is half a real second, which even a slow (sanitized or
# loaded) client fills with more than 3 requests, so the storm does happen.
start_sim --seed 6 --rate-limit 3 --min-job 2m --max-job 4m --time-scale 120
expect_exit 1 "a run through a 429 storm completes" -- env ROSTER_ENRICH_TIME_SCALE=120 \
  "$ROSTER_ENRICH" run "$roster" -o "$out" --batch-size 1 2>"$err"
sim_stats >"$WORK/stats.json"
check "the storm did happen (429s received)" test "$(json_get "$WORK/stats.json" 'd["responses_429"]')" -gt 0
check "no request before a Retry-After had passed" test "$(json_get "$WORK/stats.json" 'd["retry_after_violations"]')" = 0
check "rate-limit waits are reported" grep -Eq "rate-limit waits +[1-9]" "$err"

# Server faults: 5% 500, 5% 503, 2% dropped connections, 2% malformed JSON.
start_sim --seed 8 --fault-500 0.05 --fault-503 0.05 --fault-drop 0.02 --fault-malformed 0.02 --min-job 10m --max-job 20m
expect_exit 1 "a run through server faults completes" -- "$ROSTER_ENRICH" run "$roster" -o "$out" 2>"$err"
sim_stats >"$WORK/stats.json"
check "faults: every valid row scored or cached" python3 -c "
import csv; rows=list(csv.DictReader(open('$out', newline='')))
assert all(r['status'] in ('cached','scored','invalid') for r in rows), [r['status'] for r in rows]"
check "faults: no creator charged twice" python3 -c "
import json; d=json.load(open('$WORK/stats.json')); price={'youtube':3,'twitch':2,'kick':2}
assert all(v==price.get(k.split(':')[0],1) for k,v in d['credits_charged_by_creator'].items())"
finish
