#!/usr/bin/env bash
# SIGKILL at seven points of `roster-enrich run --providers creatoraudit` (PRODUCT.md: everything is
# durable before it is acted on): before any request, after the listings, with a track's
# Idempotency-Key durable and its POST not sent, after a POST /accounts took effect and before its
# answer arrived, between tracks, while waiting for first refreshes, during the metrics call. Each
# point runs against a fresh creatoraudit-sim with the same seed, checks the state file holds no
# key, reruns the same command and proves with the simulator's statistics that no account was
# tracked twice, and that the output equals an uninterrupted run's (refresh instants aside).
source "$(dirname "$0")/lib.sh"
: "${CREATORAUDIT_SIM:?set by ctest}"
python_suite "$(dirname "$0")/audit_kill.py" "$WORK"
finish
