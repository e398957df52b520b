#!/usr/bin/env bash
# The state file's disk fills during `roster-enrich run`, right after a submit the API charged for
# (man page, "STATE FILE"): the run keeps what it holds, submits nothing more, collects the jobs
# already paid for, writes the output (or, with -o /dev/full, lists on stderr every job paid for and
# not saved) and exits 73 with one line saying what to do. Then the rerun with the state on a larger
# file system: nothing charged twice by a simulator that, as the vendor documents, de-duplicates
# only inside one batch; every row as an uninterrupted run has it. The small file systems are tmpfs
# mounts the suite makes and removes: it needs root (CI runs as root) and skips (125) without.
# The checks run in one Python process (state_disk_full.py, state_harness.py).
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: mounting a small file system needs root" >&2
  exit 125
fi
rc=0
python3 "$(dirname "$0")/state_disk_full.py" "$WORK" || rc=$?
if [ "$rc" -eq 125 ]; then
  exit 125
fi
FAILURES=$rc
finish
