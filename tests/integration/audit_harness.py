#!/usr/bin/env python3
"""Helpers for the CreatorAudit run suites (audit_run.sh, audit_kill.sh); not a suite.

AuditSim starts creatoraudit-sim on a free loopback port and reads its admin endpoints; run_tool
runs roster-enrich to its end; kill_when runs it and SIGKILLs it once a condition on the
simulator's statistics and the state file holds. Checks (state_harness.py) counts failures.
"""
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from state_harness import Sim  # noqa: E402

ACCOUNTS = "/v2/accounts"
TRACK, LIST, ONE, METRICS, WHOAMI = ("POST " + ACCOUNTS, "GET " + ACCOUNTS, "GET " + ACCOUNTS + "/{id}",
                                     "POST " + ACCOUNTS + "/metrics", "GET /v2/whoami")
KEY = "ca_test_demo"


class AuditSim:
    """creatoraudit-sim on a free loopback port; CREATORAUDIT_BASE_URL points the commands at it."""

    def __init__(self, binary, args, log_dir, keys=()):
        key_args = []
        for spec in keys or (f"{KEY}:Demo Agency",):
            key_args += ["--key", spec]
        self.proc = subprocess.Popen([binary, "--port", "0", *key_args, *args], stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(log_dir, "audit-sim.err"), "ab"), text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("creatoraudit-sim did not start: " + line)
        self.url = line.split("listening on ")[1].split()[0]
        self.api = Sim(self.url)
        os.environ["CREATORAUDIT_BASE_URL"] = self.url

    def stats(self):
        return self.api.request("GET", "/_sim/stats")

    def config(self, **settings):
        return self.api.request("POST", "/_sim/config", json.dumps(settings))

    def accounts(self, period="30d"):
        return self.api.request("GET", "/_sim/accounts?period=" + period)["accounts"]

    def stop(self):
        self.api.close()
        self.proc.terminate()
        self.proc.wait()


def route(stats, name):
    return stats["requests_by_route"].get(name, 0)


def clean(stats):
    """The statistics no correct client can move off zero."""
    keys = ("duplicate_accounts", "second_tracks", "tracks_without_idempotency_key", "retry_after_violations",
            "requests_while_exhausted", "cursor_errors", "idempotency_key_mismatches")
    return {k: stats.get(k) for k in keys if stats.get(k)}


def write_roster(path, instagram=80, tiktok=80, youtube=40, prefix="c"):
    """A roster of `name,platform,handle` rows; returns the rows as (platform, handle) pairs."""
    rows = []
    for platform, count in (("instagram", instagram), ("tiktok", tiktok), ("youtube", youtube)):
        rows += [(platform, f"{prefix}_{platform[:2]}_{i:03d}") for i in range(count)]
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "platform", "handle"])
        for i, (platform, handle) in enumerate(rows):
            w.writerow([f"Creator {i}", platform, handle])
    return rows


def write_tracked(path, rows):
    with open(path, "w") as f:
        f.writelines(f"{p},{h}\n" for p, h in rows)


def run_tool(command, stdout=None, stderr=None, env=None):
    started = time.monotonic()
    with open(stdout or os.devnull, "wb") as out, open(stderr or os.devnull, "wb") as err:
        rc = subprocess.run(command, stdout=out, stderr=err, env=env).returncode
    return rc, time.monotonic() - started


def audit_db(path):
    """The CreatorAudit records of the state file's latest run: {handle: (status, account_id, key)}."""
    if not os.path.exists(path):
        return {}
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            run = con.execute("SELECT id FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            if run is None:
                return {}
            rows = con.execute("SELECT handle, status, external_id, idempotency_key FROM provider_records "
                               "WHERE run_id = ? AND provider = 'creatoraudit'", (run[0],)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return {}
    return {h.lower(): (s, a, k) for h, s, a, k in rows}


def kill_when(sim, state, command, when, config_when=(), timeout=60, stderr=None, env=None):
    """Runs `command`, SIGKILLs it once `when(stats, db)` holds; returns (landed, at, rc). Each
    (condition, settings) of `config_when` POSTs its settings to /_sim/config once its condition
    holds, in order, before `when` is tried."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                            stderr=open(stderr, "wb") if stderr else subprocess.DEVNULL, env=env)
    started, landed, at = time.monotonic(), False, {}
    pending = list(config_when)
    while time.monotonic() - started < timeout and proc.poll() is None:
        stats, db = sim.stats(), audit_db(state)
        if pending:
            if pending[0][0](stats, db):
                sim.config(**pending.pop(0)[1])
            continue
        if when(stats, db):
            proc.send_signal(signal.SIGKILL)
            landed, at = True, {"stats": stats, "db": db}
            break
        time.sleep(0.002)
    if not landed and proc.poll() is None:
        proc.kill()
    return landed, at, proc.wait()


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def normalise(path):
    """The CSV output with what depends on when the simulator was asked blanked: the instants of
    refreshes and the metrics window's dates (API time runs at the time scale from the simulator's
    start, so two identical runs differ in them by wall-clock jitter alone)."""
    text = open(path, newline="").read()
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    blank = {i for i, name in enumerate(header)
             if name.endswith(("audit_last_scrape_time", "audit_start_date", "audit_end_date"))}
    out = [header]
    for row in reader:
        out.append(["" if i in blank else v for i, v in enumerate(row)])
    return out


def metrics_match(rows, truth, period="30d"):
    """(matched, mismatches): every covered `metrics` row's audit_<field> equals the simulator's truth."""
    by_key = {(a["platform"], a["username"].lower()): a["metrics"] for a in truth}
    matched, bad = 0, []
    for row in rows:
        if row.get("audit_status") != "metrics":
            continue
        want = by_key.get((row["platform"], row["handle"].lower()))
        if want is None:
            bad.append(f"{row['handle']}: not in the simulator")
            continue
        for field, value in want.items():
            got = row.get("audit_" + field, "<missing>")
            if value is None:
                ok = got == ""
            elif isinstance(value, float):
                ok = got != "" and abs(float(got) - value) < 1e-9
            else:
                ok = got == str(value)
            if not ok:
                bad.append(f"{row['handle']}.{field}: {got!r} != {value!r}")
        if row.get("audit_period") != period:
            bad.append(f"{row['handle']}: audit_period {row.get('audit_period')!r}")
        matched += 1
    return matched, bad
