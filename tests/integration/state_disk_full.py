#!/usr/bin/env python3
"""The body of state_disk_full.sh (see there). argv: WORK directory. Exit status: failed checks,
or 125 when a tmpfs cannot be mounted (skipped)."""
import csv
import errno
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from state_harness import Checks, SimProcess, db_view, overcharged, run, write_roster  # noqa: E402

WORK = sys.argv[1]
R, SIM_BIN = os.environ["ROSTER_ENRICH"], os.environ["CREATORSCORE_SIM"]
# Jobs of 1-2 s of real time at 600x: still running when a rerun right after the first run would
# submit them again. --dedup-within-batch-only: such a resubmit is charged again (the vendor's rule).
SIM_ARGS = ["--seed", "17", "--min-job", "10m", "--max-job", "20m", "--cached-percent", "0",
            "--dedup-within-batch-only"]
c = Checks()
MOUNTS = []

ROSTER = os.path.join(WORK, "roster.csv")
write_roster(ROSTER)


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"skipped: cannot mount a tmpfs on {path}: {done.stderr.strip()}", file=sys.stderr)
        sys.exit(125)
    MOUNTS.append(path)


def unmount_all():
    for path in reversed(MOUNTS):
        subprocess.run(["umount", "-l", path], capture_output=True)
        shutil.rmtree(path, ignore_errors=True)
    MOUNTS.clear()


def fill(directory):
    """Writes zeros into `directory` until its file system has no room left."""
    fd = os.open(os.path.join(directory, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 16, 1 << 12, 1 << 9, 1):
            while True:
                try:
                    os.write(fd, b"\0" * chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)


def command(state, out):
    """--rate-limit 1 (a request per 100 ms of real time at 600x) and batches of 5: eight submits,
    room between them to fill the disk while one is answered."""
    return [R, "run", ROSTER, "-o", out, "--state", state, "--batch-size", "5", "--rate-limit", "1", "-q"]


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def by_handle(rows):
    return {r["handle"].lower().lstrip("@"): r for r in rows}


def fill_after_billed_submit(sim, state_dir, cmd, stderr):
    """Runs `cmd`; once two batches are saved, slows the simulator's answers, waits until the next
    batch's intent is written (its submit is then on its way, answered 1.5 s later), and fills the
    state's file system. Returns (how far that got, the exit code, the creators charged in that
    submit and never saved, the simulator's stats)."""
    state = os.path.join(state_dir, "state.db")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(stderr, "wb"))
    phase = "two batches"
    while proc.poll() is None and time.monotonic() - started < 60:
        db = db_view(state)
        if phase == "two batches" and db.get("resolved", 0) >= 10:
            sim.config(fault_slow=1, slow_delay_ms=1500)
            phase = "intent"
        elif phase == "intent" and db.get("intents", 0) > 0:
            fill(state_dir)
            sim.config(fault_slow=0)
            phase = "filled"
            break
        time.sleep(0.002)
    rc = proc.wait(timeout=120)
    stats = sim.stats()
    # The lookups whose intent is in the file and whom the API charged: the submit that was answered
    # after the disk filled.
    lost = [h for h in db_view(state).get("intent_handles", [])
            if any(k.endswith(":" + h) for k in stats["credits_charged_by_creator"])]
    return phase, rc, lost, stats


def last_line(path):
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    return lines[-1] if lines else ""


# --- the uninterrupted run every row is compared with ---
sim = SimProcess(SIM_BIN, SIM_ARGS, WORK)
base_out = os.path.join(WORK, "base.csv")
base_rc = run(command(os.path.join(WORK, "base-state.db"), base_out), stderr=os.path.join(WORK, "base.err"))
base_stats = sim.stats()
sim.stop()
c.check(base_rc == 1, f"baseline: completes, exit 1 (an invalid row, a failed job) (got {base_rc})")
c.check(not overcharged(base_stats), "baseline: nobody charged twice")
BASE = rows_of(base_out)


def same_rows(path):
    """Row by row, the status, score, tier, display name and error of the uninterrupted run; a
    creator scored there may come back cached (its job ended while the state could not be saved,
    and its id was lost)."""
    if not os.path.exists(path):
        return ["no output"]
    rows = rows_of(path)
    wrong = [] if len(rows) == len(BASE) else [f"{len(rows)} rows, not {len(BASE)}"]
    for row, want in zip(rows, BASE):
        status_ok = row["status"] == want["status"] or {row["status"], want["status"]} == {"scored", "cached"}
        same = all(row[k] == want[k] for k in ("handle", "score", "tier", "display_name", "error"))
        if not status_ok or not same:
            wrong.append((row["handle"], row["status"], want["status"], row["score"], want["score"]))
    return wrong


def scenario(name, tag, out, grow):
    """One full disk after a billed submit, then the rerun after `grow` gave the state room.
    Retried on a fresh simulator when the disk did not fill where intended (a slow machine)."""
    for attempt in (1, 2, 3):
        d = os.path.join(WORK, f"{tag}-{attempt}")
        small = os.path.join(d, "small")
        os.makedirs(d)
        mount_tmpfs(small, "1m")
        sim = SimProcess(SIM_BIN, SIM_ARGS, WORK)
        err1 = os.path.join(d, "err1")
        cmd = command(os.path.join(small, "state.db"), out)
        phase, rc, lost, stats = fill_after_billed_submit(sim, small, cmd, err1)
        if phase == "filled" and lost:
            break
        c.note(f"{name}: attempt {attempt}: the disk did not fill after a billed submit "
               f"({phase}, lost {lost}); retrying")
        sim.stop()
        unmount_all()
    else:
        c.check(False, f"{name}: the disk filled right after a billed submit")
        return

    err = open(err1, encoding="utf-8", errors="replace").read()
    c.check(rc == 73, f"{name}: the run goes on to the end and exits 73 (got {rc})", err[-600:])
    final = last_line(err1)
    c.check(final.startswith("roster-enrich: error: cannot write the state file ")
            and "run the same command again" in final,
            f"{name}: one last line says the state could not be written and what to do", final)
    c.check(not overcharged(stats), f"{name}: nobody charged twice in the first run")
    c.check("database or disk is full" in final, f"{name}: the reason is the full disk", final)
    if out == "/dev/full":
        # Nothing could be written: every job paid for and not saved is on stderr, with its creator.
        jobs = [(j["creator"], j["job_id"]) for j in stats["jobs"]]
        prefix = "roster-enrich: paid for, not in the state file: job "
        listed = [l for l in err.splitlines() if l.startswith(prefix)]
        missing = [h for h in lost
                   if not any(f"job {job} " in l and f" {h} (" in l.lower()
                              for creator, job in jobs if creator.endswith(":" + h) for l in listed)]
        c.check(lost and not missing, f"{name}: each of the {len(lost)} jobs paid for and not saved is "
                "listed on stderr with its job id, platform and handle",
                f"missing {missing}; listed {listed}")
    elif c.check(os.path.exists(out), f"{name}: the output is written"):
        rows = by_handle(rows_of(out))
        c.check(all(rows[h]["status"] == "scored" and rows[h]["job_id"] for h in lost),
                f"{name}: the {len(lost)} creators charged after the disk filled are in the output, scored",
                json.dumps({h: rows[h]["status"] for h in lost}))
        c.check(not any(r["status"] == "pending" for r in rows.values()), f"{name}: no row left pending")
        skipped = [r for r in rows.values() if r["status"] == "skipped"]
        c.check(skipped and all(r["error"] == "state_unwritable" for r in skipped),
                f"{name}: the lookups not submitted are skipped, state_unwritable ({len(skipped)})")

    state = grow(d, small)
    out2 = os.path.join(d, "out2.csv")
    rc2 = run(command(state, out2), stderr=os.path.join(d, "err2"))
    after = sim.stats()
    sim.stop()
    c.check(rc2 == 1, f"{name}: the rerun completes, exit 1 like the uninterrupted run (got {rc2})",
            open(os.path.join(d, "err2")).read()[-600:])
    twice = overcharged(after)
    c.check(not twice, f"{name}: zero double charges after the rerun (simulator's counts)", json.dumps(twice))
    wrong = same_rows(out2)
    c.check(not wrong, f"{name}: every row of the rerun's output is right", json.dumps(wrong))
    unmount_all()


def copy_to_larger(d, small):
    """The state moved to a larger file system: the file and its WAL copied over."""
    large = os.path.join(d, "large")
    mount_tmpfs(large, "64m")
    for suffix in ("", "-wal"):
        if os.path.exists(os.path.join(small, "state.db" + suffix)):
            shutil.copy2(os.path.join(small, "state.db" + suffix), os.path.join(large, "state.db" + suffix))
    return os.path.join(large, "state.db")


def remount_larger(d, small):
    """The same file system, made larger."""
    subprocess.run(["mount", "-o", "remount,size=64m", small], check=True)
    return os.path.join(small, "state.db")


try:
    scenario("output written", "written", os.path.join(WORK, "out.csv"), copy_to_larger)
    if os.path.exists("/dev/full"):
        scenario("output to /dev/full", "dev-full", "/dev/full", remount_larger)
    else:
        c.note("no /dev/full: the case where the output cannot be written either is left out")
finally:
    unmount_all()
sys.exit(min(c.failures, 100))
