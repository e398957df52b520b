#!/usr/bin/env bash
# `roster-enrich run --providers creatoraudit` (and both providers) against creatoraudit-sim on
# 127.0.0.1, each case asserting on the simulator's /_sim/stats: a 200-row mixed roster (youtube rows
# not_covered with no request, metrics equal to the simulator's truth), --audit-track existing (no
# POST /accounts, exit 1), a quota smaller than needed (exit 3, quota_exceeded; a rerun after raising
# it completes with no duplicate account), --audit-max-new, 5% 500 + 5% 503 + 2% drops + 2% malformed
# answers (every row right), a low rate limit (no request before Reset or Retry-After, none past the
# limit in any 60 s), --deadline before the first refresh (75, pending; the rerun completes, tracking
# nothing again), rejected keys (77 naming CreatorAudit, no retry), the key in no file or stream with
# -v, and both providers at once (makespan within 1.15x of the slower alone). The checks run in one
# Python process (audit_run.py, audit_harness.py).
source "$(dirname "$0")/lib.sh"
: "${CREATORAUDIT_SIM:?set by ctest}"
python_suite "$(dirname "$0")/audit_run.py" "$WORK"
finish
