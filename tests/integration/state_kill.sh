#!/usr/bin/env bash
# SIGKILL at many points of `roster-enrich run` (PRODUCT.md, "State and resume"): at start, during
# the key check, with the first submit's intent written, during the first submit (charged, answer
# lost), after its answer was saved, between batches, during a later submit, during polling (between
# rounds and mid-request), and while writing the output (to a file, and to a blocked pipe). Each
# point runs against a fresh creatorscore-sim with the same seed, asserts that the kill landed
# where its name says (from the simulator's request counts and the state file), checks that the
# state file, WAL and lock hold no API key, reruns the same command, and proves with the
# simulator's charge counts that no creator was charged twice and that the output is byte-identical
# to an uninterrupted run's (last_scored_at of fresh scores aside: see state_kill.py). Then a stdout
# reader that leaves mid-output (SIGPIPE): the rerun writes the same output and sends nothing.
# The checks run in one Python process (state_kill.py, state_harness.py): python3 takes most of a
# second to start on a loaded machine, and this suite has over a hundred checks.
source "$(dirname "$0")/lib.sh"
export CREATORSCORE_API_KEY=sk_test_KILLKEY4242   # distinctive, to look for in the state files
python_suite "$(dirname "$0")/state_kill.py" "$WORK"
finish
