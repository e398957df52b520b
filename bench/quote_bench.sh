#!/bin/bash
# `roster-enrich quote` on a 1,000,000-row roster beside CPython's csv.reader reading the same file,
# in the same run (issue 4's targets: at least 5x csv.reader's rows/s; quote's peak RSS <= 200 MB).
#
#   bench/quote_bench.sh [ROSTER]     default: ${TMPDIR:-/tmp}/roster-1m.csv, generated when missing
#
# Runs quote and csv.reader alternately, RUNS times each (default 5), so that both see the same load
# on a shared machine. Each command is timed twice per run:
#   cold: after PAUSE seconds (default 5) with nothing running, as a person or cron starts it. On
#         the benchmark VM memory a process frees goes back to the host after one to five seconds,
#         and a process that then asks for new memory waits while the host backs it again (about
#         1 ms per MB: bench/fresh_memory.c shows it without any of our code);
#   warm: straight after an untimed run of the same command (the one that measures its peak RSS
#         with /usr/bin/time -v), whose memory is still backed.
# Before 2026-12-03 runs were neither: about 1.3 s apart, so cold and warm alternated by chance.
# Reports rows/s from wall time and from user+sys CPU time and their ratios (medians of the runs),
# cold and warm apart, quote's peak RSS and the machine. The target is judged on the cold runs by
# wall time, the rows per second a user waits for: quote reads the roster on one thread and
# de-duplicates on another, so its CPU time is not its wall time (the CPU ratio is printed beside
# it). Exit status 0 whether or not a target is met; 1 when something could not run.
# Environment: ROSTER_ENRICH (default build/roster-enrich), PYTHON (default python3), RUNS, PAUSE.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${ROSTER_ENRICH:-$root/build/roster-enrich}"
python="${PYTHON:-python3}"
runs="${RUNS:-5}"
pause="${PAUSE:-5}"
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

# What each command's standard output says it read: quote's "rows" line, csv.reader's count.
rows_read_quote() { awk '$1 == "rows" { print $2 }' "$work/out.txt"; }
rows_read_csv.reader() { cat "$work/out.txt"; }

# Times the command `what` (the rest of the arguments) cold, measures its peak RSS, then times it
# warm, and records both runs. `expected`: what rows_read_<what> must print.
time_both() {
  local what=$1 expected=$2 run=$3
  shift 3
  local start user sys wall got rss
  for start in cold warm; do
    [ "$start" = cold ] && sleep "$pause"
    read -r user sys wall < <(measure "$@")
    got="$("rows_read_$what")"
    [ "$got" = "$expected" ] || {
      echo "$what read ${got:-no} rows, expected $expected" >&2
      cat "$work/err.txt" >&2
      exit 1
    }
    [ "$start" = cold ] && rss="$(peak_rss "$@")"
    echo "$what $run $start $user $sys $wall $rss" >>"$work/results"
  done
}

printf '%-12s %3s %5s %7s %7s %7s %9s %12s %12s\n' what run start user sys wall "RSS MB" "rows/s CPU" "rows/s wall"
for run in $(seq 1 "$runs"); do
  time_both quote "$rows" "$run" "${quote[@]}"
  time_both csv.reader "$((rows + 1))" "$run" "${csv_reader[@]}"
done

awk -v rows="$rows" '
  function median(a, n,    i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  # The medians of `start` runs, as "<quote wall> <quote CPU> <csv.reader wall> <csv.reader CPU>" rows/s.
  function medians(start,    what, i, k, cpu, wall, result) {
    result = ""
    for (k = 1; k <= 2; k++) {
      what = k == 1 ? "quote" : "csv.reader"
      for (i = 1; i <= n[what, start]; i++) { wall[i] = w[what, start, i]; cpu[i] = c[what, start, i] }
      result = result " " median(wall, n[what, start]) " " median(cpu, n[what, start])
    }
    return result
  }
  {
    cpu = $4 + $5; wall = $6
    printf "%-12s %3d %5s %7.3f %7.3f %7.3f %9.1f %12.0f %12.0f\n", $1, $2, $3, $4, $5, wall, $7 / 1024, rows / cpu, rows / wall
    i = ++n[$1, $3]; c[$1, $3, i] = rows / cpu; w[$1, $3, i] = rows / wall
    if ($1 == "quote" && $7 > rss) rss = $7
  }
  END {
    print ""
    for (k = 1; k <= 2; k++) {
      start = k == 1 ? "cold" : "warm"
      split(medians(start), m, " ")
      printf "%s: median rows/s  quote %.0f wall, %.0f CPU;  csv.reader %.0f wall, %.0f CPU\n", start, m[1], m[2], m[3], m[4]
      printf "%s: ratio quote/csv.reader %.2fx by wall time, %.2fx by CPU time\n", start, m[1] / m[3], m[2] / m[4]
      if (start == "cold") cold_ratio = m[1] / m[3]
    }
    printf "quote peak RSS: %.1f MB (largest of the runs)\n\n", rss / 1024
    printf "target rows/s >= 5x csv.reader (cold, wall time): %s (%.2fx)\n", (cold_ratio >= 5 ? "MET" : "NOT MET"), cold_ratio
    printf "target peak RSS <= 200 MB:                        %s (%.1f MB)\n", (rss / 1024 <= 200 ? "MET" : "NOT MET"), rss / 1024
  }' "$work/results"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
