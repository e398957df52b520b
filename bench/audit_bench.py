#!/usr/bin/env python3
"""Benchmarks the CreatorAudit side of `roster-enrich run` against creatoraudit-sim (issue 18).

    bench/audit_bench.py --build build [--lookups 2000] [--scale 600] [--json FILE]

A roster of `--lookups` instagram and tiktok lookups (half each) plus 100 youtube rows, 40% of the
covered lookups already tracked by the organization, first refreshes 5 minutes to 2 hours after a
track, the simulator's default 120 requests a minute. Figures come from the simulator's counters
(GET /_sim/stats), never from the client's report.

1. Requests against the minimum: one GET /whoami, the listing pages before tracking
   (⌈tracked accounts of a platform / 200⌉ each), one POST /accounts per untracked lookup, one
   listing round after the last first refresh (the fewest polls that can see every refresh), and
   ⌈accounts / 200⌉ POST /accounts/metrics. Target: at most 1.2x.
2. Makespan with both providers against each alone, on the same roster (CreatorScore jobs 10-90
   minutes, 30% cached) in real seconds at the time scale, and as a ratio to the slower alone.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from audit_harness import LIST, METRICS, ONE, TRACK, WHOAMI, AuditSim, clean, route, write_roster  # noqa: E402
from state_harness import SimProcess  # noqa: E402

KEY = "ca_test_demo"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--scale", default="600")
    parser.add_argument("--json")
    args = parser.parse_args()
    tool = os.path.join(args.build, "roster-enrich")
    asim_bin = os.path.join(args.build, "creatoraudit-sim")
    csim_bin = os.path.join(args.build, "creatorscore-sim")
    work = tempfile.mkdtemp(prefix="audit-bench.")
    roster = os.path.join(work, "roster.csv")
    half = args.lookups // 2
    rows = write_roster(roster, instagram=half, tiktok=args.lookups - half, youtube=100, prefix="b")
    tracked = os.path.join(work, "tracked.csv")
    with open(tracked, "w") as f:
        f.writelines(f"{p},{h}\n" for p, h in rows if p != "youtube")
    env = {**os.environ, "ROSTER_ENRICH_TIME_SCALE": args.scale, "CREATORAUDIT_API_KEY": KEY,
           "CREATORSCORE_API_KEY": "sk_test_demo"}
    audit_args = ["--seed", "18", "--tracked-file", tracked, "--tracked-percent", "40", "--time-scale", args.scale]
    score_args = ["--seed", "18", "--time-scale", args.scale]
    report = {"lookups": args.lookups, "scale": args.scale}

    def run(providers, name):
        d = os.path.join(work, name)
        os.makedirs(d)
        asim = AuditSim(asim_bin, audit_args, d) if "creatoraudit" in providers else None
        csim = SimProcess(csim_bin, score_args, d) if "creatorscore" in providers else None
        if asim:
            env["CREATORAUDIT_BASE_URL"] = asim.url
        if csim:
            env["CREATORSCORE_BASE_URL"] = csim.url
        before = {}
        if asim:
            accounts = asim.accounts()
            before = {p: sum(1 for a in accounts if a["platform"] == p) for p in ("instagram", "tiktok")}
        started = time.monotonic()
        rc = subprocess.run([tool, "run", roster, "--providers", providers, "-o", os.path.join(d, "out.csv"),
                             "--state", os.path.join(d, "state.db"), "-q"], env=env,
                            stderr=open(os.path.join(d, "err"), "wb")).returncode
        elapsed = time.monotonic() - started
        stats = asim.stats() if asim else None
        accounts = asim.accounts() if asim else []
        for sim in (asim, csim):
            if sim:
                sim.stop()
        return rc, elapsed, stats, before, accounts

    rc, audit_alone, stats, before, accounts = run("creatoraudit", "audit")
    after = {p: sum(1 for a in accounts if a["platform"] == p) for p in ("instagram", "tiktok")}
    pages_before = sum(max(1, math.ceil(n / 200)) for n in before.values())
    pages_after = sum(max(1, math.ceil(n / 200)) for n in after.values())
    covered = args.lookups
    minimum = 1 + pages_before + stats["accounts_created"] + pages_after + math.ceil(covered / 200)
    made = stats["total_requests"]
    report["audit"] = {
        "exit": rc, "requests": made, "minimum": minimum, "ratio": round(made / minimum, 3),
        "by_route": {k: route(stats, k) for k in (WHOAMI, LIST, TRACK, ONE, METRICS)},
        "accounts_created": stats["accounts_created"], "clean": clean(stats) == {},
        "max_requests_in_any_window": stats["max_requests_in_any_window"], "seconds": round(audit_alone, 2)}
    rc_s, score_alone, _, _, _ = run("creatorscore", "score")
    rc_b, both, _, _, _ = run("creatorscore,creatoraudit", "both")
    report["makespan"] = {"creatorscore": round(score_alone, 2), "creatoraudit": round(audit_alone, 2),
                          "both": round(both, 2), "exits": [rc_s, rc, rc_b],
                          "ratio_to_slower": round(both / max(score_alone, audit_alone), 3)}
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        open(args.json, "w").write(text + "\n")


if __name__ == "__main__":
    main()
