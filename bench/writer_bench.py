#!/usr/bin/env python3
"""`roster-enrich run` on 1,000,000 rows naming 2,000 creators, end to end against creatorscore-sim,
for each binary given in turn: what the output writer costs when a roster names each creator on
many rows (the roster and simulator settings of tests/integration/limits.py's "1m rows" case).

    bench/writer_bench.py csv,jsonl OLD_BINARY build/roster-enrich

Prints, per format and binary, roster-enrich's CPU (user + sys) and wall time, and an MD5 of the
output without job_id and last_scored_at (the simulator makes those anew each run), so that two
builds' outputs can be compared. Environment: CREATORSCORE_SIM (default build/creatorscore-sim),
TMPDIR (the roster, outputs and state files go to $TMPDIR/writer-bench).
"""
import csv
import hashlib
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from large_rosters import write_repeating_roster  # noqa: E402
from state_harness import SimProcess  # noqa: E402

WORK = os.path.join(os.environ.get("TMPDIR", "/tmp"), "writer-bench")
SIM = os.environ.get("CREATORSCORE_SIM", os.path.join(ROOT, "build", "creatorscore-sim"))
KEY = "sk_test_demo"
ROWS, UNIQUE = 1_000_000, 2_000
def output_digest(path, fmt):
    digest = hashlib.md5()
    if fmt == "csv":
        rows = csv.reader(open(path, newline=""))
        header = next(rows)
        kept = [i for i, name in enumerate(header) if name not in ("job_id", "last_scored_at")]
        for row in rows:
            digest.update(repr([row[i] for i in kept if i < len(row)]).encode())
    else:
        records = json.load(open(path)) if fmt == "json" else (json.loads(line) for line in open(path))
        for record in records:
            for lookup in record["lookups"]:
                lookup.pop("job_id", None)
                if isinstance(lookup.get("creator"), dict):
                    lookup["creator"].pop("last_scored_at", None)
            digest.update(json.dumps(record, sort_keys=True).encode())
    return digest.hexdigest()


def main():
    formats, binaries = sys.argv[1].split(","), sys.argv[2:]
    os.makedirs(WORK, exist_ok=True)
    roster = os.path.join(WORK, "roster.csv")
    if not os.path.exists(roster):
        write_repeating_roster(roster, ROWS, UNIQUE)
    for fmt in formats:
        for binary in binaries:
            sim = SimProcess(SIM, ["--time-scale", "600", "--min-job", "1m", "--max-job", "2m",
                                   "--tenant", f"{KEY}:Bench Agency:{3 * UNIQUE}", "--seed", "7"], WORK)
            out, state = os.path.join(WORK, "out." + fmt), os.path.join(WORK, "state.db")
            for path in (out, state):
                if os.path.exists(path):
                    os.remove(path)
            env = dict(os.environ, ROSTER_ENRICH_TIME_SCALE="600", CREATORSCORE_BASE_URL=sim.url,
                       CREATORSCORE_API_KEY=KEY)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.time()
            rc = subprocess.run([binary, "run", roster, "-o", out, "--state", state, "-q"], env=env).returncode
            wall = time.time() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            sim.stop()
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            print(f"{fmt:5} {binary}: exit {rc}, CPU {cpu:.2f} s, wall {wall:.1f} s, "
                  f"output {output_digest(out, fmt)}", flush=True)


if __name__ == "__main__":
    main()
