#!/usr/bin/env bash
# Builds roster-enrich and creatorscore-sim, then runs the whole benchmark (bench/run_bench.py):
# the 1,000- and 20,000-row rosters with roster-enrich and the naive client, and the SIGKILL+resume
# scenario. Prints the table and the targets; every figure also goes to $BENCH_OUT/results.json.
#   bench/bench.sh [run_bench.py flags...]      e.g. --smoke, --only 1k
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh roster-enrich creatorscore-sim >/dev/null
out=${BENCH_OUT:-/tmp/roster-enrich-bench}
mkdir -p "$out"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), nproc $(nproc)," \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec python3 bench/run_bench.py --build build --out "$out" --json "$out/results.json" "$@"
