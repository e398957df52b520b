#!/usr/bin/env bash
# Resuming `roster-enrich run` from its state file (PRODUCT.md, "State and resume"), against
# creatorscore-sim, beyond the SIGKILL points of state_kill.sh:
#   SIGINT between submits and SIGTERM while polling (exit 75, output with pending rows, resume
#   command, state incomplete; the rerun resubmits nothing and matches an uninterrupted run);
#   --deadline from cron: the same command again until it completes, each creator submitted once;
#   the lock: a second process exits 75 naming the holder's PID and sends nothing, a SIGKILLed
#   holder's lock and a hand-written lock naming a dead PID do not stop the next run;
#   --restart: abandons the incomplete run, resubmits everything, pays nobody twice, its resume
#   command has no --restart;
#   a completed run is not resumed: the same command starts afresh, everything cached and free;
#   another --include on the rerun of an interrupted run: exit 64, one line, no request at all,
#   the run left incomplete for the original options to resume;
#   the roster edited between an interrupted run and its rerun (added, dropped, kept creators);
#   out of credits (exit 3), top up on the simulator, the same command completes like an
#   uninterrupted run;
#   an unwritable state location: exit 73, one line naming it, no request, previous output intact;
#   and no API key in the state file, WAL or lock after any of these.
# Already covered elsewhere and not repeated: deadline exit 75 and its resume command
# (run_exit_codes.sh), /proc state path (run_exit_codes.sh), the key in normal and deadline runs
# (run_secrets.sh), lock and schema units (tests/unit/state).
# The checks run in one Python process (state_resume.py, state_harness.py): python3 takes most
# of a second to start on a loaded machine.
source "$(dirname "$0")/lib.sh"
export CREATORSCORE_API_KEY=sk_test_RESUMEKEY77   # distinctive, to look for in the state files
python_suite "$(dirname "$0")/state_resume.py" "$WORK"
finish
