#!/usr/bin/env python3
"""The body of audit_kill.sh (see there). argv: WORK directory. Exit status: failed checks."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from audit_harness import (KEY, LIST, METRICS, TRACK, AuditSim, clean, kill_when, normalise,  # noqa: E402
                           route, run_tool, write_roster, write_tracked)
from state_harness import Checks, has_secret  # noqa: E402

WORK = sys.argv[1]
R, ASIM = os.environ["ROSTER_ENRICH"], os.environ["CREATORAUDIT_SIM"]
SECRET = "ca_test_KILL4242AUDIT"  # distinctive, to look for in the state files
os.environ["CREATORAUDIT_API_KEY"] = SECRET
os.environ["CREATORSCORE_BASE_URL"] = "http://127.0.0.1:9/api/v1"
# 300x with 30 requests a minute: a request every 2 API seconds (7 ms of real time), so a kill can
# land between two tracks; first refreshes of 10 to 20 minutes take 2 to 4 s of real time.
SCALE = "300"
os.environ["ROSTER_ENRICH_TIME_SCALE"] = SCALE
c = Checks()

ROSTER = os.path.join(WORK, "roster.csv")
ROWS = write_roster(ROSTER, instagram=20, tiktok=20, youtube=4, prefix="k")
TRACKED = os.path.join(WORK, "tracked.csv")
write_tracked(TRACKED, [r for r in ROWS if r[0] != "youtube"])
SIM_ARGS = ["--seed", "9", "--tracked-file", TRACKED, "--tracked-percent", "40",
            "--min-refresh", "10m", "--max-refresh", "20m", "--listing-lag", "0s",
            "--time-scale", SCALE]


def command(d):
    return [R, "run", ROSTER, "--providers", "creatoraudit", "-o", os.path.join(d, "out.csv"), "--state",
            os.path.join(d, "state.db"), "-q"]


def start(d, *extra):
    """A fresh simulator; `extra` may set another --rate-limit than the suite's 30."""
    rate = [] if "--rate-limit" in extra else ["--rate-limit", "30"]
    return AuditSim(ASIM, SIM_ARGS + rate + list(extra), d, keys=(f"{SECRET}:Kill Agency",))


# The uninterrupted run every point is compared with.
base_dir = os.path.join(WORK, "base")
os.makedirs(base_dir)
sim = start(base_dir)
rc, _ = run_tool(command(base_dir), stderr=os.path.join(base_dir, "err"))
base_stats = sim.stats()
sim.stop()
NEW = base_stats["accounts_created"]
c.check(rc == 0, f"baseline: completes, exit 0 (got {rc})", open(os.path.join(base_dir, "err")).read())
c.check(NEW > 10 and not clean(base_stats), f"baseline: {NEW} accounts tracked anew, nothing twice")
BASE = normalise(os.path.join(base_dir, "out.csv"))


def tracked_all(s, db):
    return s["accounts_created"] >= NEW


POINTS = [
    ("before any request", lambda s, db: True, (), ()),
    # Three requests a minute here and below: whoami and the two listings use them up, so the
    # first track waits for the window (0.2 s of real time) and a kill can land before it.
    ("after both listings, before any track", lambda s, db: route(s, LIST) >= 2 and route(s, TRACK) == 0,
     ("--rate-limit", "3"), ()),
    # The first track's key is durable while it waits for the window.
    ("a key durable, its POST not yet sent",
     lambda s, db: route(s, TRACK) == 0 and any(k and not a for _, a, k in db.values()), ("--rate-limit", "3"), ()),
    ("a POST took effect, its answer not yet arrived",
     lambda s, db: s["accounts_created"] >= 1, (),
     # New accounts are listed 10 API minutes late, so the rerun cannot find it by listing: it must
     # re-send the held key, and the API answers with a replay.
     ((lambda s, db: route(s, LIST) >= 2, {"fault_slow": 1.0, "slow_delay_ms": 5000, "listing_lag_ms": 600000}),)),
    ("between tracks", lambda s, db: route(s, TRACK) >= 8, (), ()),
    ("waiting for the first refreshes",
     lambda s, db: tracked_all(s, db) and route(s, METRICS) == 0 and s["total_requests"] > route(s, TRACK) + 4, (),
     ()),
    # Answers come 2 s late once every account is tracked and polled: the kill lands while the
    # metrics call's answer is on its way.
    ("during the metrics call", lambda s, db: route(s, METRICS) >= 1, (),
     ((lambda s, db: tracked_all(s, db) and route(s, LIST) >= 3, {"fault_slow": 1.0, "slow_delay_ms": 2000}),)),
]

for name, when, extra, config_when in POINTS:
    d = os.path.join(WORK, name.replace(" ", "_").replace(",", ""))
    os.makedirs(d)
    sim = start(d, *extra)
    landed, at, rc = kill_when(sim, os.path.join(d, "state.db"), command(d), when, config_when=config_when)
    c.check(landed, f"{name}: the kill landed (exit {rc})")
    sim.config(fault_slow=0.0)  # the rate limit stays: changing it mid-window confuses its accounting
    secret_free = not has_secret([os.path.join(d, f) for f in os.listdir(d) if f.startswith("state.db")], [SECRET])
    c.check(secret_free, f"{name}: the state file holds no key")
    rc, _ = run_tool(command(d), stderr=os.path.join(d, "err"))
    stats = sim.stats()
    sim.stop()
    c.check(rc == 0, f"{name}: the rerun completes (exit {rc})", open(os.path.join(d, "err")).read()[-400:])
    dirty = clean(stats)
    if extra and dirty.get("requests_while_exhausted") == 1:
        # The killed run used up the window of 3; the rerun's first request (GET /whoami) cannot
        # know that before an answer's headers tell it: one 429, then it waits as told.
        del dirty["requests_while_exhausted"]
    c.check(stats["accounts_created"] == NEW and not dirty,
            f"{name}: zero duplicate accounts ({stats['accounts_created']} created for {NEW})", str(dirty))
    if name.startswith("a POST took effect"):
        c.check(stats["idempotent_replays"] >= 1, "a POST took effect: the rerun re-sent its key (a replay)")
    got = normalise(os.path.join(d, "out.csv")) if os.path.exists(os.path.join(d, "out.csv")) else None
    c.check(got == BASE, f"{name}: output identical to the uninterrupted run's (refresh instants aside)")

sys.exit(min(c.failures, 100))
