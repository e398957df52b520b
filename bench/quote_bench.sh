#!/bin/bash
# `roster-enrich quote` on a 1,000,000-row roster beside CPython's csv.reader reading the same file,
# in the same run (issue 4's targets: at least 5x csv.reader's rows/s; quote's peak RSS <= 200 MB).
#
#   bench/quote_bench.sh [ROSTER]     default: ${TMPDIR:-/tmp}/roster-1m.csv, generated when missing
#
# Runs quote and csv.reader alternately, RUNS times each (default 5), so that both see the same load
# on a shared machine, and reports rows/s from wall time and from user+sys CPU time, their ratios
# (medians of the runs), quote's peak RSS (/usr/bin/time -v, in a second, untimed run of each) and
# the machine. The target is judged by wall time, the rows per second a user waits for: quote reads
# the roster on one thread and de-duplicates on another, so its CPU time is no longer its wall time
# even on an idle machine (the CPU ratio is printed beside it). Exit status 0 whether or not a target is met; 1 when something
# could not run. Environment: ROSTER_ENRICH (default build/roster-enrich), PYTHON (default
# python3), RUNS.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${ROSTER_ENRICH:-$root/build/roster-enrich}"
python="${PYTHON:-python3}"
runs="${RUNS:-5}"
roster="${1:-${TMPDIR:-/tmp}/roster-1m.csv}"
rows=1000000

[ -x "$binary" ] || { echo "no $binary: build it first (scripts/build.sh roster-enrich)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
if [ ! -s "$roster" ]; then
  echo "generating $roster ($rows rows)"
  "$python" "$root/bench/gen_roster.py" "$rows" -o "$roster"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/quote-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# One timed command: prints "user sys wall" in seconds, from bash's `time`, which times the
# command's own fork, exec, run and exit to the millisecond and nothing else. Timing through
# `date` before and after /usr/bin/time, as this script did until 2026-12-02, added about 20 ms of
# process start-ups to every command (19 ms around /bin/true on the benchmark machine): 2% of
# csv.reader's time but a fifth of quote's, so the ratio was understated by that much.
measure() {
  local TIMEFORMAT='%3U %3S %3R'
  { time "$@" >"$work/out.txt" 2>"$work/err.txt"; } 2>&1
}

# Peak RSS of one more, untimed run, in kB (GNU time -v).
peak_rss() {
  /usr/bin/time -v -o "$work/time.log" "$@" >/dev/null 2>&1
  awk -F': ' '/Maximum resident/ { print $2 }' "$work/time.log"
}

unset CREATORSCORE_API_KEY  # quote asks the API for nothing then
quote=("$binary" quote "$roster")
# The interpreter itself, not a launcher in front of it: a pyenv shim costs about 0.3 s per start
# on the benchmark machine, half of what csv.reader takes to read the roster.
interpreter="$("$python" -c 'import sys; print(sys.executable)')"
csv_reader=("$interpreter" -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$roster")

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -g | awk '/^Mem:/ { print $2 " GiB" }')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# What the timing itself costs: the fork, exec and exit of a program that does nothing.
empty="$(for _ in 1 2 3 4 5; do measure /bin/true; done | awk '{ print $3 }' | sort -n | sed -n 3p)"
echo "roster: $roster ($(du -m "$roster" | cut -f1) MB, $rows rows); quote: $binary; csv.reader: $interpreter ($("$interpreter" --version 2>&1))"
echo "timing: bash's time around each command; /bin/true takes ${empty} s that way here (median of 5)"
echo

printf '%-12s %3s %7s %7s %7s %9s %12s %12s\n' what run user sys wall "RSS MB" "rows/s CPU" "rows/s wall"
for run in $(seq 1 "$runs"); do
  read -r user sys wall < <(measure "${quote[@]}")
  got="$(awk '$1 == "rows" { print $2 }' "$work/out.txt")"
  [ "$got" = "$rows" ] || {
    echo "quote read ${got:-no} rows, expected $rows" >&2
    cat "$work/err.txt" >&2
    exit 1
  }
  echo "quote $run $user $sys $wall $(peak_rss "${quote[@]}")" >>"$work/results"
  read -r p_user p_sys p_wall < <(measure "${csv_reader[@]}")
  got="$(cat "$work/out.txt")"
  [ "$got" = "$((rows + 1))" ] || {
    echo "csv.reader read ${got:-no} records, expected $((rows + 1))" >&2
    cat "$work/err.txt" >&2
    exit 1
  }
  echo "csv.reader $run $p_user $p_sys $p_wall $(peak_rss "${csv_reader[@]}")" >>"$work/results"
done

awk -v rows="$rows" '
  function median(a, n,    i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    cpu = $3 + $4; wall = $5
    printf "%-12s %3d %7.3f %7.3f %7.3f %9.1f %12.0f %12.0f\n", $1, $2, $3, $4, wall, $6 / 1024, rows / cpu, rows / wall
    n[$1]++; c[$1, n[$1]] = rows / cpu; w[$1, n[$1]] = rows / wall
    if ($1 == "quote" && $6 > rss) rss = $6
  }
  END {
    for (i = 1; i <= n["quote"]; i++) { qc[i] = c["quote", i]; qw[i] = w["quote", i] }
    for (i = 1; i <= n["csv.reader"]; i++) { pc[i] = c["csv.reader", i]; pw[i] = w["csv.reader", i] }
    q_cpu = median(qc, n["quote"]); q_wall = median(qw, n["quote"])
    p_cpu = median(pc, n["csv.reader"]); p_wall = median(pw, n["csv.reader"])
    printf "\nmedian rows/s  quote %.0f wall, %.0f CPU;  csv.reader %.0f wall, %.0f CPU\n", q_wall, q_cpu, p_wall, p_cpu
    printf "ratio quote/csv.reader: %.2fx by wall time, %.2fx by CPU time\n", q_wall / p_wall, q_cpu / p_cpu
    printf "quote peak RSS: %.1f MB (largest of the runs)\n\n", rss / 1024
    printf "target rows/s >= 5x csv.reader (wall time): %s (%.2fx)\n", (q_wall / p_wall >= 5 ? "MET" : "NOT MET"), q_wall / p_wall
    printf "target peak RSS <= 200 MB:                  %s (%.1f MB)\n", (rss / 1024 <= 200 ? "MET" : "NOT MET"), rss / 1024
  }' "$work/results"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
