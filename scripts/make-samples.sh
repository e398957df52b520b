#!/usr/bin/env bash
# Regenerates samples/enriched/: each sample roster run against creatorscore-sim as the demo runs
# it (seed 42, time scale 1200, demo tenant sk_test_demo), written as CSV and as JSON.
# Each roster gets a fresh simulator, so what one run caches never changes another's output.
#   scripts/make-samples.sh            (builds roster-enrich and creatorscore-sim first)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh roster-enrich creatorscore-sim >/dev/null

source scripts/sim.sh
work=$(mktemp -d)
trap 'stop_sim; rm -rf "$work"' EXIT

export ROSTER_ENRICH_TIME_SCALE=1200
export CREATORSCORE_API_KEY=sk_test_demo
mkdir -p samples/enriched
for roster in roster roster-url roster-wide roster-semicolon; do
  for format in csv json; do
    start_sim "$work" --seed 42
    status=0
    build/roster-enrich run "samples/$roster.csv" --state "$work/$roster-$format.db" \
      -o "samples/enriched/$roster.$format" -q || status=$?
    # 0 or 1 (the samples hold invalid rows on purpose); anything else is a failure.
    if [ "$status" -gt 1 ]; then
      echo "make-samples: roster-enrich run samples/$roster.csv exited $status" >&2
      exit 1
    fi
    echo "samples/enriched/$roster.$format (exit $status)" >&2
    stop_sim
  done
done
