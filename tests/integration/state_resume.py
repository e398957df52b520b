#!/usr/bin/env python3
"""The body of state_resume.sh (see there). argv: WORK directory. Exit status: failed checks."""
import csv
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from state_harness import (Checks, SimProcess, has_secret, normalise, overcharged, run, signal_at,  # noqa: E402
                           write_roster)

WORK = sys.argv[1]
R, SIM_BIN = os.environ["ROSTER_ENRICH"], os.environ["CREATORSCORE_SIM"]
KEY = os.environ["CREATORSCORE_API_KEY"]
SECRETS = [KEY, "RESUMEKEY"]


def sim_args(balance=1000):
    return ["--seed", "21", "--min-job", "10m", "--max-job", "20m", "--tenant", f"{KEY}:Resume Agency:{balance}"]


c = Checks()
ROSTER = os.path.join(WORK, "roster.csv")
write_roster(ROSTER)
BULK, POLL, ACCOUNT = "POST /api/v1/creators/bulk", "POST /api/v1/jobs/bulk-status", "GET /api/v1/account"


def route(stats, name):
    return stats["requests_by_route"].get(name, 0)


def command(d, *extra, roster=ROSTER):
    return [R, "run", roster, "-o", os.path.join(d, "out.csv"), "--state", os.path.join(d, "state.db"),
            "--batch-size", "5", "--rate-limit", "1", "--progress", "never", *extra]


def newdir(name):
    d = os.path.join(WORK, name)
    os.makedirs(d)
    return d


def state_files(d):
    return [os.path.join(d, f) for f in os.listdir(d) if f.startswith("state.db")]


def run_status(d):
    con = sqlite3.connect(os.path.join(d, "state.db"))
    try:
        return [s for (s,) in con.execute("SELECT status FROM runs ORDER BY id")]
    finally:
        con.close()


def rows(path):
    return list(csv.DictReader(open(path, newline="")))


def text(path):
    return open(path, errors="replace").read()


# --- the uninterrupted run the resumed ones are compared with (same seed, same roster) ---
# normalise() blanks last_scored_at of fresh scores only: the job's end in simulated time, which
# runs at 600x real time from the simulator's start (see state_kill.py).
d = newdir("base")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
base_rc = run(command(d), stderr=os.path.join(d, "err"))
base_stats = sim.stats()
sim.stop()
BASE = normalise(os.path.join(d, "out.csv"))
c.check(base_rc == 1 and route(base_stats, BULK) == 8, f"baseline: completes, exit 1, 8 submits (exit {base_rc})")


def same_as_base(name, d, stats, rc, want_rc=None):
    c.check(rc == (base_rc if want_rc is None else want_rc), f"{name}: the rerun completes (exit {rc})")
    c.check(not overcharged(stats), f"{name}: no creator charged more than once", str(overcharged(stats)))
    c.check(stats["credits_charged_by_creator"] == base_stats["credits_charged_by_creator"],
            f"{name}: exactly the creators the uninterrupted run paid for")
    c.check(normalise(os.path.join(d, "out.csv")) == BASE,
            f"{name}: output byte-identical to the uninterrupted run's (last_scored_at of fresh scores aside)")
    c.check(not has_secret(state_files(d), SECRETS), f"{name}: no API key in the state file, WAL or lock")


# --- SIGINT and SIGTERM: exit 75, output with what is known, the resume command; rerun completes ---
for sig, when, label in (("INT", 'bulk == 3 and db.get("resolved", 0) == 15', "between submits"),
                         ("TERM", 'bulk == 8 and db.get("scored", 0) >= 3 and db.get("pending", 0) >= 3', "while polling")):
    name = f"SIG{sig} {label}"
    d = newdir("sig" + sig)
    sim = SimProcess(SIM_BIN, sim_args(), WORK)
    r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), when, sig=sig, stderr=os.path.join(d, "err1"))
    err = text(os.path.join(d, "err1"))
    c.check(r["landed"] and r["rc"] == 75, f"{name}: exit 75 (got {r['rc']}, landed {r['landed']})")
    c.check(os.path.exists(os.path.join(d, "out.csv")) and
            {x["status"] for x in rows(os.path.join(d, "out.csv"))} >= {"pending"},
            f"{name}: the output is written, with pending rows")
    c.check(run_status(d)[-1] == 2, f"{name}: the state file says incomplete (status {run_status(d)})")
    c.check(re.search(r"run .*roster\.csv.*--state .*state\.db", err) is not None and "interrupted" in err,
            f"{name}: stderr says interrupted and gives the resume command")
    c.check(r["after"]["bulk"] == r["at"].get("bulk", 8), f"{name}: nothing submitted after the signal")
    rc = run(command(d), stderr=os.path.join(d, "err2"))
    s = sim.stats()
    sim.stop()
    c.check("resumed the incomplete run in " + os.path.join(d, "state.db") + " (interrupted)" in text(os.path.join(d, "err2")),
            f"{name}: the rerun says it resumed the run the signal interrupted")
    c.check(route(s, BULK) == 8, f"{name}: the rerun resubmits nothing ({route(s, BULK)} submits in all)")
    same_as_base(name, d, s, rc)

# --- SIGINT during the key check (a slow answer): exit 75; the run is recorded interrupted, not
# stopped by an error, and the rerun resumes it ---
d = newdir("sigint-keycheck")
sim = SimProcess(SIM_BIN, [*sim_args(), "--fault-slow", "1", "--slow-delay", "1s"], WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), "account >= 1", sig="INT",
              stderr=os.path.join(d, "err1"))
c.check(r["landed"] and r["rc"] == 75 and r["after"]["bulk"] == 0,
        f"SIGINT during the key check: exit 75 before any submit (got {r['rc']}, landed {r['landed']})")
stop = sqlite3.connect(os.path.join(d, "state.db")).execute("SELECT status, stop_reason FROM runs").fetchall()
c.check(stop == [(2, "interrupted")], f"SIGINT during the key check: the run is recorded interrupted ({stop})")
sim.config(fault_slow=0)
rc = run(command(d), stderr=os.path.join(d, "err2"))
s = sim.stats()
sim.stop()
c.check("(interrupted)" in text(os.path.join(d, "err2")) and rc == base_rc and route(s, BULK) == 8,
        f"SIGINT during the key check: the rerun resumes it and completes (exit {rc})")

# --- another --include on resume: it would mix results with and without the extra fields in one
# output; refused with exit 64 and one line, before any request; the same options resume it ---
d = newdir("other-include")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), 'bulk == 3 and db.get("resolved", 0) == 15', sig="INT",
              stderr=os.path.join(d, "err1"))
c.check(r["landed"] and r["rc"] == 75, f"another --include: the first run is interrupted (exit {r['rc']})")
before = sum(sim.stats()["requests_by_route"].values())
rc = run(command(d, "--include", "velocity,narrative"), stderr=os.path.join(d, "err2"))
err = text(os.path.join(d, "err2"))
sent = sum(sim.stats()["requests_by_route"].values()) - before
c.check(rc == 64, f"another --include: the rerun exits 64 (got {rc})")
c.check(err == "roster-enrich: error: the run in " + os.path.join(d, "state.db") + " was started without --include, "
        "not --include narrative,velocity; run again without --include, or pass --restart to start afresh with these "
        "options\n", "another --include: one line naming the difference and what to do", err)
c.check(sent == 0, f"another --include: no request sent, not even the key check ({sent} sent)")
c.check(run_status(d) == [2], f"another --include: the run stays incomplete, untouched ({run_status(d)})")
rc = run(command(d), stderr=os.path.join(d, "err3"))
s = sim.stats()
sim.stop()
c.check("resumed the incomplete run" in text(os.path.join(d, "err3")) and route(s, BULK) == 8,
        f"another --include: the original options resume it, nothing resubmitted ({route(s, BULK)} submits)")
same_as_base("another --include", d, s, rc)

# --- the deadline, from cron: the same command again until it completes ---
d = newdir("deadline")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
codes = []
while len(codes) < 12:
    codes.append(run(command(d, "--deadline", "4m"), stderr=os.path.join(d, f"err{len(codes)}")))
    if codes[-1] != 75:
        break
s = sim.stats()
sim.stop()
c.check(len(codes) >= 3 and set(codes[:-1]) == {75}, f"deadline: several invocations end at the deadline (exits {codes})")
c.check(route(s, BULK) == 8, f"deadline: over {len(codes)} invocations each creator is submitted once ({route(s, BULK)} submits)")
same_as_base("deadline", d, s, codes[-1])

# --- the lock: a second process on the same state file exits 75 naming the first ---
d = newdir("lock")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
first = subprocess.Popen(command(d), stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "err1"), "wb"))
waited_until = time.monotonic() + 30  # a loaded machine takes seconds to the first submit
while time.monotonic() < waited_until and first.poll() is None:
    if route(sim.stats(), BULK) >= 1:
        break
    time.sleep(0.01)
second = subprocess.run(command(d), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
after_second = sim.stats()
c.check(second.returncode == 75, f"lock: a second run on the same state file exits 75 (got {second.returncode})")
c.check(f"process {first.pid}" in second.stderr and "state.db" in second.stderr,
        f"lock: its message names the state file and the holder's PID {first.pid}", second.stderr.strip())
c.check(route(after_second, ACCOUNT) == 1, "lock: the second run sent no request (not even the key check)")
c.check(first.poll() is None and not os.path.exists(os.path.join(d, "out.csv")) and second.stdout == "",
        "lock: the second run wrote no output (the first still running)")
rc = first.wait()
s = sim.stats()
c.check(rc == base_rc and route(s, BULK) == 8, f"lock: the first run completes undisturbed (exit {rc})")
# A stale lock: the holder was SIGKILLed, its PID is written in the lock file, nobody holds it.
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d, roster=ROSTER), "bulk >= 9")
lock = text(os.path.join(d, "state.db.lock"))
c.check(r["landed"] and f"pid {r['pid']}\n" in lock, "stale lock: a run SIGKILLed mid-submit leaves its PID in the lock file")
rc = run(command(d), stderr=os.path.join(d, "err3"))
c.check(rc != 75 and rc == base_rc, f"stale lock: the next run takes the lock and completes (exit {rc})")
c.check("resumed the incomplete run in " + os.path.join(d, "state.db") + " (no end recorded: it was killed or crashed)"
        in text(os.path.join(d, "err3")), "stale lock: the next run says the run it resumed was killed")
sim.stop()
# A lock file written by hand, naming a PID that is not running.
with open(os.path.join(d, "state.db.lock"), "w") as f:
    f.write("pid 4194301\nstarted 2026-01-01T00:00:00Z\n")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
rc = run(command(d), stderr=os.path.join(d, "err4"))
sim.stop()
c.check(rc == base_rc, f"stale lock: a lock file naming a dead PID does not stop the run (exit {rc})")

# --- --restart: discards the incomplete run; everything is submitted again, nothing paid twice ---
d = newdir("restart")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d), 'bulk == 4 and db.get("resolved", 0) == 20')
c.check(r["landed"] and r["after"]["bulk"] == 4, "--restart: the first run was killed after 4 submits")
rc = run(command(d, "--restart", "--deadline", "1m"), stderr=os.path.join(d, "err2"))
err = text(os.path.join(d, "err2"))
c.check(rc == 75 and re.search(r"--restart abandoned an incomplete run with [1-9][0-9]* paid jobs", err) is not None,
        f"--restart: says it abandoned the incomplete run's paid jobs (exit {rc})", err[-400:])
resume = [line for line in err.splitlines() if "roster.csv" in line and "--deadline" in line]
c.check(resume and not any("--restart" in line for line in resume),
        "--restart: the resume command it prints does not discard again (no --restart)", str(resume))
c.check(run_status(d)[:1] == [4], f"--restart: the killed run is marked abandoned in the state file ({run_status(d)})")
rc = run(command(d), stderr=os.path.join(d, "err3"))
s = sim.stats()
sim.stop()
got = rows(os.path.join(d, "out.csv"))
# Submitted again from the first creator: the killed run's 4 submits, then 8 over the two others.
c.check(route(s, BULK) == 12, f"--restart: every creator submitted again, once (4 + 8 submits, got {route(s, BULK)})")
c.check(rc == base_rc and not overcharged(s)
        and s["credits_charged_by_creator"] == base_stats["credits_charged_by_creator"],
        f"--restart: completes (exit {rc}) and pays nobody twice: the abandoned jobs come back deduplicated or cached")
c.check({x["status"] for x in got} <= {"scored", "cached", "failed", "invalid"}, "--restart: every row ends final")
c.check(not has_secret(state_files(d), SECRETS), "--restart: no API key in the state file")

# --- a completed run is not resumed: the same command again starts afresh (all cached, free) ---
d = newdir("afresh")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
rc1 = run(command(d), stderr=os.path.join(d, "err1"))
s1 = sim.stats()
rc2 = run(command(d), stderr=os.path.join(d, "err2"))
s2 = sim.stats()
sim.stop()
got = rows(os.path.join(d, "out.csv"))
c.check(rc1 == base_rc and rc2 == base_rc, f"completed run: the same command again completes (exits {rc1}, {rc2})")
c.check(route(s2, BULK) - route(s1, BULK) == 8, "completed run: the next invocation submits every creator again")
# Free but for the failed creator: a fresh run submits it again (PRODUCT.md) and it is refunded again.
c.check(s2["credits_charged_total"] - s1["credits_charged_total"] == s2["credits_refunded_total"] - s1["credits_refunded_total"] == 1
        and set(s2["credits_charged_by_creator"]) == set(s1["credits_charged_by_creator"]),
        "completed run: the fresh run costs nothing (scores cached; the failed creator charged and refunded again)")
c.check("resumed" not in text(os.path.join(d, "err2")), "completed run: the next invocation does not say resumed")
c.check({x["status"] for x in got} == {"cached", "failed", "invalid"} and all(x["job_id"] == "" for x in got if x["status"] == "cached"),
        "completed run: its output has the scores as cached rows without job ids, the failed creator again failed")
c.check(run_status(d) == [3, 3], f"completed run: two completed runs in the state file ({run_status(d)})")

# --- the roster edited between an interrupted run and its rerun ---
d = newdir("edited")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
roster = os.path.join(d, "roster.csv")
original = write_roster(roster)
r = signal_at(sim.url, os.path.join(d, "state.db"), command(d, roster=roster), 'bulk == 4 and db.get("resolved", 0) == 20')
c.check(r["landed"] and r["after"]["bulk"] == 4, "edited roster: the first run was killed after 4 submits")
charged_before = dict(r["charged"])
# Drop 3 creators already submitted and 2 not yet submitted, add 4 new ones; keep the rest in order.
dropped = {"kt_creator_01", "kt_creator_03", "kt_creator_05", "kt_creator_30", "kt_creator_31"}
added = [("New A", "tiktok", "kt_new_a"), ("New B", "youtube", "kt_new_b"), ("New C", "kick", "kt_new_c"),
         ("New D", "x", "kt_new_d")]
edited = [x for x in original if x[2] not in dropped] + added
with open(roster, "w") as f:
    f.write("name,platform,handle\n")
    f.writelines(f"{n},{p},{h}\n" for n, p, h in edited)
rc = run(command(d, roster=roster), stderr=os.path.join(d, "err2"))
s = sim.stats()
sim.stop()
err = text(os.path.join(d, "err2"))
c.check(re.search(r"roster changed since that run started: 4 lookups added, 5 no longer in the roster", err) is not None,
        "edited roster: the summary says 4 lookups added, 5 no longer in the roster", err[-600:])
got = rows(os.path.join(d, "out.csv"))
c.check([x["handle"] for x in got] == [h for _, _, h in edited], "edited roster: the output follows the edited roster, row for row")
c.check({x["status"] for x in got} <= {"scored", "cached", "failed", "invalid"},
        "edited roster: every row ends final (scored, cached, failed or invalid)")
c.check(not overcharged(s), "edited roster: no creator charged more than once", str(overcharged(s)))
c.check(all(s["credits_charged_by_creator"].get(k) == v for k, v in charged_before.items()),
        "edited roster: creators kept from the first run were not charged again")
new_rows = [x for x in got if x["handle"].startswith("kt_new")]
c.check(len(new_rows) == 4 and all(x["status"] == "cached" or (x["status"] == "scored" and x["job_id"]
        and f"{x['platform']}:{x['handle']}" in s["credits_charged_by_creator"]) for x in new_rows),
        "edited roster: the added creators were submitted (scored and paid once, or cached)")
dropped_unsubmitted = {"kt_creator_30", "kt_creator_31"}
c.check(not any(k.split(":")[1] in dropped_unsubmitted for k in s["credits_charged_by_creator"]),
        "edited roster: dropped creators not yet submitted are never submitted")
c.check(not has_secret(state_files(d), SECRETS), "edited roster: no API key in the state file")

# --- out of credits, top up on the simulator, the same command again completes ---
d = newdir("credits")
sim = SimProcess(SIM_BIN, sim_args(balance=12), WORK)
rc = run(command(d), stderr=os.path.join(d, "err1"))
s = sim.stats()
got = rows(os.path.join(d, "out.csv"))
c.check(rc == 3, f"credits: a balance of 12 runs out: exit 3 (got {rc})")
c.check(s["balances"][KEY]["balance"] >= 0 and s["credits_charged_total"] <= 12, "credits: never charged past the balance")
c.check(any(x["status"] == "skipped" and x["error"] == "insufficient_credits" for x in got)
        and not any(x["status"] == "pending" for x in got),
        "credits: rows left skipped (insufficient_credits), queued jobs collected")
c.check(run_status(d)[-1] == 2, "credits: the state file says incomplete")
sim.credits(KEY, 1000)
rc = run(command(d), stderr=os.path.join(d, "err2"))
s2 = sim.stats()
sim.stop()
c.check(all(s2["credits_charged_by_creator"][k] == v for k, v in s["credits_charged_by_creator"].items()),
        "credits: creators paid before the top-up are not paid again")
same_as_base("credits", d, s2, rc)

# --- an unwritable state directory: exit 73, one clear line, before any request ---
d = newdir("unwritable")
sim = SimProcess(SIM_BIN, sim_args(), WORK)
open(os.path.join(d, "afile"), "w").close()
previous = os.path.join(d, "out.csv")
open(previous, "w").write("previous output\n")
cases = [
    ("--state under a regular file", {}, ["--state", os.path.join(d, "afile", "sub", "state.db")], os.path.join(d, "afile")),
    ("XDG_STATE_HOME is a regular file", {"XDG_STATE_HOME": os.path.join(d, "afile")}, [], os.path.join(d, "afile")),
    ("no XDG_STATE_HOME and no HOME", {"XDG_STATE_HOME": None, "HOME": None}, [], "--state"),
]
if os.geteuid() != 0:
    os.makedirs(os.path.join(d, "ro"))
    os.chmod(os.path.join(d, "ro"), 0o500)
    cases.append(("a read-only directory", {}, ["--state", os.path.join(d, "ro", "state.db")], os.path.join(d, "ro")))
else:
    c.note("running as root: the read-only-directory case is left to the non-root runs (root writes anywhere)")
for label, env_change, args, named in cases:
    env = dict(os.environ)
    for k, v in env_change.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    cmd = [R, "run", ROSTER, "-o", previous, "--batch-size", "5", *args]
    before = sim.stats()["total_requests"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = [x for x in p.stderr.splitlines() if x.strip()]
    c.check(p.returncode == 73, f"unwritable state ({label}): exit 73 (got {p.returncode})")
    c.check(len(lines) == 1 and named in lines[0] and "state file" in lines[0] and "--state" in lines[0],
            f"unwritable state ({label}): one line, about the state file, naming {named}, suggesting --state", p.stderr.strip())
    c.check(sim.stats()["total_requests"] == before, f"unwritable state ({label}): no request sent")
    c.check(text(previous) == "previous output\n", f"unwritable state ({label}): the previous output is intact")
sim.stop()

sys.exit(min(c.failures, 100))
