#!/usr/bin/env python3
"""The body of hardening_state.sh (see there). argv: WORK directory. Exit status: failed checks."""
import glob
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from state_harness import Checks, SimProcess, overcharged, run, signal_at, write_roster  # noqa: E402

WORK = sys.argv[1]
R, SIM_BIN = os.environ["ROSTER_ENRICH"], os.environ["CREATORSCORE_SIM"]
KEY_A = os.environ["CREATORSCORE_API_KEY"]
KEY_B = "sk_test_HARDENB22"
BULK, POLL, ACCOUNT = "POST /api/v1/creators/bulk", "POST /api/v1/jobs/bulk-status", "GET /api/v1/account"

c = Checks()
ROSTER = os.path.join(WORK, "roster.csv")
write_roster(ROSTER)


def sim_args(min_job="10m", max_job="20m"):
    return ["--seed", "21", "--min-job", min_job, "--max-job", max_job, "--tenant", f"{KEY_A}:Agency A:1000",
            "--tenant", f"{KEY_B}:Agency B:1000"]


def route(stats, name):
    return stats["requests_by_route"].get(name, 0)


def command(d, *extra, roster=ROSTER, state=None):
    state_args = [] if state == "" else ["--state", state or os.path.join(d, "state.db")]
    return [R, "run", roster, "-o", os.path.join(d, "out.csv"), *state_args, "--batch-size", "5", "--rate-limit", "1",
            "--progress", "never", *extra]


def newdir(name):
    d = os.path.join(WORK, name)
    os.makedirs(d)
    return d


def text(path):
    return open(path, errors="replace").read()


def with_key(key):
    env = dict(os.environ)
    env["CREATORSCORE_API_KEY"] = key
    return env


def capture(cmd, env=None, cwd=None):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)


def runs(path):
    """(status, tenant_id, tenant_name) of each run; [] when the file has no such columns."""
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT status, tenant_id, tenant_name FROM runs ORDER BY id").fetchall()
    except sqlite3.Error:
        return []
    finally:
        con.close()


# --- the uninterrupted run the others are compared with ---
d = newdir("base")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
base_rc = run(command(d), stderr=os.path.join(d, "err"))
base_stats = sim.stats()
sim.stop()
c.check(base_rc == 1 and route(base_stats, BULK) == 8, f"baseline: completes, exit 1, 8 submits (exit {base_rc})")

def completes_as_base(what, rc, sim):
    """Stops the simulator; checks the run completed as the baseline did, each creator paid once."""
    s = sim.stats()
    sim.stop()
    c.check(rc == base_rc and route(s, BULK) == 8, f"{what} completes (exit {rc}, {route(s, BULK)} submits)")
    c.check(not overcharged(s) and s["credits_charged_by_creator"] == base_stats["credits_charged_by_creator"],
            f"{what}: nobody charged twice", str(overcharged(s)))


# --- item 4: one lock per state file, whatever the name it is reached by ---
# Jobs of 60 to 90 simulated minutes (6 to 9 s at 600x) keep the first run busy while the others try.
d = newdir("lock")
xdg = os.path.join(d, "xdg")
roster_link = os.path.join(d, "roster-link.csv")
os.symlink(ROSTER, roster_link)
sim = SimProcess(SIM_BIN, sim_args("60m", "90m"), WORK)
env = dict(os.environ, XDG_STATE_HOME=xdg)  # after the simulator set CREATORSCORE_BASE_URL
first = subprocess.Popen(command(d, state=""), stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "err1"), "wb"),
                         env=env)
for _ in range(1000):
    if route(sim.stats(), BULK) >= 1 or first.poll() is not None:
        break
    time.sleep(0.01)
found = glob.glob(os.path.join(xdg, "roster-enrich", "*.db"))
c.check(len(found) == 1, f"lock: the first run uses one default state file ({found})")
state = found[0] if found else os.path.join(d, "missing.db")
os.symlink(state, os.path.join(d, "state-link.db"))
os.link(state, os.path.join(d, "state-hard.db"))
attempts = [
    ("the roster through a symlink (default state path)", command(d, roster=roster_link, state=""), None),
    ("a symlink to the state file", command(d, state=os.path.join(d, "state-link.db")), None),
    ("another spelling of its path", command(d, state="./xdg/roster-enrich/../roster-enrich/" + os.path.basename(state)),
     d),
    ("a hard link to the state file", command(d, state=os.path.join(d, "state-hard.db")), None),
]
for what, cmd, cwd in attempts:
    before = sim.stats()
    second = capture(cmd, env=env, cwd=cwd)
    after = sim.stats()
    c.check(second.returncode == 75, f"lock: {what}: a second run exits 75 (got {second.returncode})",
            second.stderr.strip()[-300:])
    c.check(f"process {first.pid}" in second.stderr and second.stderr.count("\n") == 1,
            f"lock: {what}: one line naming the first run's PID {first.pid}", second.stderr.strip()[-300:])
    c.check(route(after, ACCOUNT) == route(before, ACCOUNT), f"lock: {what}: the second run sent no request")
# (Not through the hard link: SQLite looks for the -wal by the name it is given, so a hard link's
# reader sees the file without its latest commits; the unit tests check find_lock_holder there.)
shown = capture([R, "status", "--state", os.path.join(d, "state-link.db")], env=env)
c.check(shown.returncode == 0 and f"process {first.pid} is working on it" in shown.stdout,
        "lock: status through a symlink sees the first run working on it", (shown.stdout + shown.stderr)[-300:])
c.check(first.poll() is None, "lock: the first run was still running during every attempt")
completes_as_base("lock: the first run", first.wait(), sim)

# --- item 5: a run resumed with another tenant's key ---
d = newdir("tenant")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), 'bulk == 3 and db.get("resolved", 0) == 15', sig="INT",
              stderr=os.path.join(d, "err1"))
c.check(r["landed"] and r["rc"] == 75, f"tenant: the run under key A is interrupted (exit {r['rc']})")
recorded = runs(os.path.join(d, "state.db"))
c.check(len(recorded) == 1 and recorded[0][1].startswith("ten_") and recorded[0][2] == "Agency A",
        f"tenant: the run records the tenant that started it, by id and name ({recorded})")
before = sim.stats()
other = capture(command(d), env=with_key(KEY_B))
after = sim.stats()
c.check(other.returncode == 77, f"tenant: resuming with tenant B's key exits 77 (got {other.returncode})",
        other.stderr.strip()[-300:])
c.check(re.search(r"started by tenant Agency A \(ten_[^)]+\).*--restart", other.stderr) is not None
        and other.stderr.count("\n") == 1, "tenant: one line naming tenant A by name and id, and --restart",
        other.stderr.strip()[-300:])
c.check(KEY_A not in other.stderr and KEY_B not in other.stderr and "HARDEN" not in other.stderr,
        "tenant: the message holds no key")
c.check(route(after, BULK) == route(before, BULK) and route(after, POLL) == route(before, POLL)
        and route(after, ACCOUNT) == route(before, ACCOUNT) + 1,
        "tenant: nothing submitted or polled under key B (the key check only)")
c.check([x[0] for x in runs(os.path.join(d, "state.db"))] in ([1], [2]), "tenant: the run stays resumable")
completes_as_base("tenant: key A then resumes the run and", run(command(d), stderr=os.path.join(d, "err3")), sim)
# --restart under tenant B: that run is discarded, B starts afresh and completes.
d = newdir("tenant-restart")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), 'bulk == 3 and db.get("resolved", 0) == 15', sig="INT")
rc = run(command(d, "--restart"), stderr=os.path.join(d, "err2"), env=with_key(KEY_B))
sim.stop()
recorded = runs(os.path.join(d, "state.db"))
c.check(r["rc"] == 75 and rc == base_rc and [x[0] for x in recorded] == [4, 3] and recorded[1][2] == "Agency B",
        f"tenant: with --restart, tenant B discards A's run and completes its own (exit {rc}, runs {recorded})")

# --- item 6: the -wal lost after a SIGKILL ---
d = newdir("wal")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), 'bulk == 3 and db.get("resolved", 0) == 15')
c.check(r["landed"] and r["after"]["bulk"] == 3, "wal: the run is SIGKILLed after 3 submits")
for suffix in ("-wal", "-shm"):
    if os.path.exists(os.path.join(d, "state.db" + suffix)):
        os.remove(os.path.join(d, "state.db" + suffix))
for attempt in (1, 2):
    before = sim.stats()
    lost = capture(command(d))
    after = sim.stats()
    c.check(lost.returncode == 73, f"wal: run {attempt} after the -wal was deleted exits 73 (got {lost.returncode})",
            lost.stderr.strip()[-300:])
    c.check("lost the incomplete run" in lost.stderr and "--restart" in lost.stderr and lost.stderr.count("\n") == 1,
            f"wal: run {attempt}: one line saying the run's records are lost, and --restart", lost.stderr.strip()[-300:])
    c.check(after["total_requests"] == before["total_requests"], f"wal: run {attempt}: nothing sent")
rc = run(command(d, "--restart"), stderr=os.path.join(d, "err3"))
s = sim.stats()
sim.stop()
c.check(rc == base_rc and route(s, BULK) == 3 + 8, f"wal: with --restart the run starts afresh and completes "
        f"(exit {rc}, {route(s, BULK)} submits)")
c.check("--restart started afresh past the lost records of run 1 (40 lookups)" in text(os.path.join(d, "err3")),
        "wal: the --restart run's summary says it went past the lost records")
c.check(not overcharged(s), "wal: nobody charged twice (the killed run's jobs come back deduplicated or cached)",
        str(overcharged(s)))

# --- item 6: a damaged state file ---
d = newdir("damaged")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), 'bulk == 3 and db.get("resolved", 0) == 15', sig="INT")
path = os.path.join(d, "state.db")
size = os.path.getsize(path)
with open(path, "r+b") as f:  # garbage over every page but the first (the header)
    f.seek(4096)
    f.write(b"\x5a" * max(size - 4096, 4096))
before = sim.stats()
damaged = capture(command(d))
after = sim.stats()
c.check(r["rc"] == 75 and damaged.returncode == 73 and "is damaged (" in damaged.stderr
        and damaged.stderr.count("\n") == 1, f"damaged: refused with exit 73 and one line (got {damaged.returncode})",
        damaged.stderr.strip()[-300:])
c.check(after["total_requests"] == before["total_requests"], "damaged: nothing sent")
rc = run(command(d, "--restart"), stderr=os.path.join(d, "err3"))
sim.stop()
aside = glob.glob(path + ".damaged-*")
c.check(rc == base_rc and len(aside) == 1 and "moved the damaged state file aside" in text(os.path.join(d, "err3")),
        f"damaged: --restart moves it aside ({aside}) and completes (exit {rc})")

sys.exit(c.failures)
