#!/usr/bin/env bash
# A generated roster of 1,000 rows (fixed seed, realistic platform mix, ~10% duplicates in other
# spellings) against a simulator enforcing 120 requests/min: the run completes, never draws a 429,
# never sends more than 120 requests in a rolling minute, submits in ceil(unique/100) batches,
# charges each uncached creator once; prints the request counts by endpoint (for BENCHMARKS.md).
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
ROSTER="$WORK/roster1000.csv"
unique=$(python3 - "$ROSTER" <<'PY'
import csv, random, sys
rng = random.Random(20261123)
mix = [("instagram", 30), ("tiktok", 25), ("youtube", 15), ("x", 8), ("twitch", 5), ("threads", 4),
       ("linkedin", 4), ("facebook", 3), ("reddit", 2), ("snapchat", 2), ("kick", 2)]
plats = [p for p, w in mix for _ in range(w)]
rows, seen, keys = [], [], set()
while len(rows) < 1000:
    if seen and rng.random() < 0.10:           # a duplicate, spelled differently
        p, h = rng.choice(seen)
        h = rng.choice([h.upper(), h.capitalize(), "@" + h, " " + h + " "])
        p = {"x": rng.choice(["twitter", "X", "Twitter"])}.get(p, p.capitalize() if rng.random() < 0.5 else p)
    else:
        p = rng.choice(plats)
        h = f"{rng.choice(['the', 'its', 'real', 'daily', 'just'])}{rng.choice(['anna', 'leo', 'mia', 'kai', 'zoe', 'sam'])}_{rng.randrange(10**6):06d}"
        seen.append((p, h))
    keys.add(({"twitter": "x"}.get(p.lower(), p.lower()), h.strip().lstrip("@").lower()))
    rows.append([f"Creator {len(rows) + 1}", "Agent " + rng.choice("ABCDE"), p, h, ""])
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n"); w.writerow(["Name", "Agent", "Platform", "Handle", "Notes"]); w.writerows(rows)
print(len(keys))
PY
)
batches=$(( (unique + 99) / 100 ))
echo "# roster: 1000 rows, $unique unique creators, expecting $batches submits" >&3

# measure NAME: one python3 run over /_sim/stats and the output; sets M_* shell variables.
measure() {
  sim_stats >"$WORK/stats.json"
  eval "$(python3 - "$WORK/stats.json" "$WORK/out.csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], newline=""))) if sys.argv[2] else []
price = lambda k: {"youtube": 3, "twitch": 2, "kick": 2}.get(k.split(":")[0], 1)
cb = d["credits_charged_by_creator"]
v = {
  "r429": d["responses_429"], "viol": d["retry_after_violations"],
  "maxwin": d["max_requests_in_window"].get("sk_test_demo", 0),
  "submits": d["requests_by_route"].get("POST /api/v1/creators/bulk", 0),
  "jobs": len(d["jobs"]), "jobcreators": len({j["creator"] for j in d["jobs"]}),
  "priced": int(all(v == price(k) for k, v in cb.items()) and len(cb) == len(d["jobs"])),
  "allscored": int(len(rows) == 1000 and all(r["status"] in ("cached", "scored") and r["score"] for r in rows)),
  "total": d["total_requests"], "charged": d["credits_charged_total"],
  "routes": "; ".join(f"{k}: {n}" for k, n in sorted(d["requests_by_route"].items())),
}
for k, x in v.items(): print(f"M_{k}='{x}'")
PY
)"
}

# run_case NAME EXPECTED_SUBMITS [flags]: fresh simulator at 120/min, one run, the checks.
run_case() {
  local name=$1 want_submits=$2; shift 2
  start_sim --seed 1 --rate-limit 120 --min-job 10m --max-job 30m --tenant sk_test_demo:Demo:100000
  local start end rc=0
  start=$(date +%s.%N)
  "$R" run "$ROSTER" -o "$WORK/out.csv" --state "$WORK/$name.db" --log-format json "$@" 2>"$WORK/$name.err" || rc=$?
  end=$(date +%s.%N)
  measure
  check "$name: the run completes with exit 0 (got $rc)" test "$rc" = 0
  check "$name: every row has a score" test "$M_allscored" = 1
  check "$name: no 429 drawn (responses_429 = $M_r429)" test "$M_r429" = 0
  check "$name: no Retry-After violated" test "$M_viol" = 0
  check "$name: at most 120 requests in any rolling minute (max $M_maxwin)" test "$M_maxwin" -le 120
  check "$name: submits = $want_submits (got $M_submits)" test "$M_submits" = "$want_submits"
  check "$name: one job at most per creator ($M_jobs jobs, $M_jobcreators creators)" test "$M_jobs" = "$M_jobcreators"
  check "$name: each uncached creator charged once at its platform price" test "$M_priced" = 1
  check "$name: jobs <= unique creators" test "$M_jobs" -le "$unique"
  echo "# $name: $M_total requests ($M_routes); max in a rolling minute $M_maxwin; 429s $M_r429; $M_jobs jobs; $M_charged credits; $(awk "BEGIN{printf \"%.1f\", $end-$start}") s real at scale $ROSTER_ENRICH_TIME_SCALE" >&3
}

# Default batches of 100: ceil(unique/100) submits.
run_case "batch-100" "$batches"
# The limiter under pressure: at scale 600 a rolling minute is 0.1 s of real time, in which the
# client cannot send 120 requests, so 120/min never binds above. With --rate-limit 3 (simulator: 3 too)
# and batches of 1 for the first 150 rows, the client wants far more than 3 per minute; its own
# limiter must hold every rolling minute to 3 (key check and polls included), without a 429.
head -n 151 "$ROSTER" >"$WORK/roster150.csv"
u150=$(python3 -c '
import csv,sys; print(len({({"twitter":"x"}.get(r[2].lower(),r[2].lower()), r[3].strip().lstrip("@").lower()) for r in list(csv.reader(open(sys.argv[1])))[1:]}))' "$WORK/roster150.csv")
start_sim --seed 1 --rate-limit 3 --min-job 10m --max-job 30m --tenant sk_test_demo:Demo:100000
rc=0; "$R" run "$WORK/roster150.csv" -o "$WORK/out150.csv" --state "$WORK/l.db" --batch-size 1 --rate-limit 3 -q || rc=$?
sim_stats >"$WORK/stats.json"
J() { json_get "$WORK/stats.json" "$1"; }
eval "$(J '"\n".join(["L_max=%d" % d["max_requests_in_window"].get("sk_test_demo", 0), "L_429=%d" % d["responses_429"],
  "L_sub=%d" % d["requests_by_route"].get("POST /api/v1/creators/bulk", 0), "L_total=%d" % d["total_requests"], "L_jobs=%d" % len(d["jobs"]), "L_jc=%d" % len({j["creator"] for j in d["jobs"]})])')"
check "limiter: 150 rows at --rate-limit 3 complete with exit 0 (got $rc)" test "$rc" = 0
check "limiter: at most 3 requests in any rolling minute (max $L_max)" test "$L_max" -le 3
check "limiter: no 429 drawn ($L_429)" test "$L_429" = 0
# (a submit answered 429 and retried counts twice in requests_by_route, so compare jobs, not submits)
check "limiter: no creator has two jobs ($L_jobs jobs, $L_jc creators)" test "$L_jobs" = "$L_jc"
check "limiter: submits >= unique creators with --batch-size 1 ($L_sub, $u150 unique)" test "$L_sub" -ge "$u150"
echo "# limiter stress: $L_total requests, max $L_max in a rolling minute" >&3
finish
