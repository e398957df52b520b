#!/usr/bin/env bash
# The README's demo: install what is missing, build, start creatorscore-sim and creatoraudit-sim on
# loopback, run `roster-enrich run samples/roster.csv --providers creatorscore,creatoraudit` against
# both (time-scaled: 90 simulated minutes pass in seconds), print the enriched roster and the
# summary, stop the simulators.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh roster-enrich creatorscore-sim creatoraudit-sim >/dev/null

source scripts/sim.sh
work=$(mktemp -d)
trap 'stop_sim; rm -rf "$work"' EXIT

# 1200x: a 90-minute job takes 4.5 s; the client divides its own waits by the same factor.
export ROSTER_ENRICH_TIME_SCALE=${ROSTER_ENRICH_TIME_SCALE:-1200}
start_sim "$work" --seed 42
export CREATORSCORE_API_KEY=sk_test_demo   # the simulator's demo tenant; not a real key
echo "== creatorscore-sim on $CREATORSCORE_BASE_URL (time scale ${ROSTER_ENRICH_TIME_SCALE}x)" >&2
# The demo organization already tracks about 40% of the roster's instagram and tiktok creators.
start_audit_sim "$work" --seed 42 --tracked-file samples/roster.csv --tracked-percent 40
export CREATORAUDIT_API_KEY=ca_test_demo   # the simulator's demo organization; not a real key
echo "== creatoraudit-sim on $CREATORAUDIT_BASE_URL" >&2

echo "== roster-enrich quote samples/roster.csv --providers creatorscore,creatoraudit" >&2
build/roster-enrich quote samples/roster.csv --providers creatorscore,creatoraudit
echo "== roster-enrich run samples/roster.csv --providers creatorscore,creatoraudit" >&2
status=0
build/roster-enrich run samples/roster.csv --providers creatorscore,creatoraudit --state "$work/state.db" \
  -o "$work/enriched.csv" || status=$?
echo "== the enriched roster ($work/enriched.csv)" >&2
cat "$work/enriched.csv"
echo "== exit status $status (1 = finished, some rows invalid or failed: the sample has one of each)" >&2
