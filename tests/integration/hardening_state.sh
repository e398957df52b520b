#!/usr/bin/env bash
# Issue 17, items 4 to 6, end to end against creatorscore-sim (man page, "STATE FILES"):
#   one state file, one run, whatever the name it is reached by: a second run through a symlinked
#   roster (default state path), a symlink to the state file, another spelling of its path and a
#   hard link all exit 75 naming the first run's PID, send nothing, and nobody is charged twice;
#   a run resumed with another tenant's key is refused (exit 77, one line naming the tenant that
#   started it, never a key) before anything is sent, and the right key then completes it; with
#   --restart the other tenant starts afresh;
#   a state file that lost its -wal after a SIGKILL is refused (exit 73, nothing sent) until
#   --restart; a damaged state file likewise, and --restart moves it aside.
# The checks run in one Python process (hardening_state.py, with state_harness.py).
source "$(dirname "$0")/lib.sh"
export CREATORSCORE_API_KEY=sk_test_HARDENA11   # tenant A; hardening_state.py adds tenant B
python3 "$(dirname "$0")/hardening_state.py" "$WORK" || FAILURES=$?
finish
