#!/usr/bin/env python3
"""Helpers for the state suites (state_kill.sh, state_resume.sh); not a suite. They run in one
Python process per suite: python3 takes most of a second to start on a loaded 2-core machine.

signal_at(...) runs a command, waits until a condition on the simulator and the state file holds,
sends it a signal (SIGKILL by default), and returns a report of where it landed.

`when` is Python over these names, each read fresh when the expression uses it:
  bulk, polls, account, total   the simulator's request counts (POST /creators/bulk,
                                POST /jobs/bulk-status, GET /account, all routes)
  db                            the state file's current run: {"records", "resolved" (job id or
                                creator payload), "pending", "scored", "cached", "intents",
                                "skipped", "run_status"} (empty dict while there is none)
  tmp                           a temporary output file (".NAME.XXXXXX" beside --out) exists
  out_exists                    --out exists
  fired                         the simulator's counts ({"bulk", "polls", ...}) read just after the
                                last --config-when fired: requests counted later saw the new config
  piped                         bytes waiting in the stdout pipe (with --stdout-pipe)
  t                             seconds since the command started
Arguments:
  config_when [(EXPR, dict)]    once EXPR holds, POST the dict to /_sim/config (e.g. turn slow
                                answers on); each fires once, in order, before `when` is tried
  armed_when EXPR               `when` is tried only once EXPR has held: a landmark for a `when`
                                that also holds earlier in the run (`tmp` holds for a moment
                                before any submit, while `run` checks that --output is writable)
  delay_ms                      wait this long after `when` holds, then signal
  sig                           "KILL" (default), "INT" or "TERM"
  stdout / stdout_pipe          the command's stdout to a file, or to a pipe of that capacity that
                                nobody reads until the command has been signalled (so a large
                                output blocks mid-write)
The report: {"landed", "rc", "at": {names when `when` held}, "fired", "after": {names after the
command ended}, "charged": {creator: credits} after, "piped_bytes", "elapsed"}.
"""
import fcntl
import glob
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import termios
import time
import traceback
import urllib.parse
import array
import csv
import io

F_SETPIPE_SZ = 1031


class Sim:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def request(self, method, path, body=None):
        for _ in range(3):
            try:
                if self.conn is None:
                    # 30 s: the sanitized simulator on a loaded machine answers in seconds.
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                headers = {"Content-Type": "application/json"} if body is not None else {}
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.status != 200:
                    raise RuntimeError(f"{method} {path}: HTTP {r.status} {data!r}")
                return json.loads(data)
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn = None
        raise RuntimeError(f"{method} {path}: simulator unreachable")

    def stats(self):
        return self.request("GET", "/_sim/stats")

    def close(self):
        # An open keep-alive connection would hold the simulator's shutdown for seconds.
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def db_view(path):
    if not os.path.exists(path):
        return {}
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            run = con.execute("SELECT id, status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            if run is None:
                return {}
            rows = con.execute("SELECT status, job_id, creator_json, submit_intent, handle FROM lookups WHERE run_id = ?",
                               (run[0],)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return {}  # not created yet, or mid-creation
    return {
        "run_status": run[1],
        "records": len(rows),
        "resolved": sum(1 for s, j, c, *_ in rows if j or c),
        "cached": sum(1 for s, *_ in rows if s == 1),
        "scored": sum(1 for s, *_ in rows if s == 2),
        "pending": sum(1 for s, *_ in rows if s == 5),
        "skipped": sum(1 for s, *_ in rows if s == 6),
        "intents": sum(1 for s, j, c, i, h in rows if i),
        "intent_handles": sorted(h.lower() for s, j, c, i, h in rows if i),
    }


class Names(dict):
    """Lazy names for eval: each is computed on first use within one evaluation."""

    def __init__(self, sim, state, out, pipe_read, started, fired=None):
        super().__init__()
        self.fired = fired or {}
        self.sim, self.state, self.out, self.pipe_read, self.started = sim, state, out, pipe_read, started
        self.seen = {}

    def __missing__(self, name):
        if name in ("bulk", "polls", "account", "total"):
            if "_stats" not in self.seen:
                self.seen["_stats"] = self.sim.stats()
            s = self.seen["_stats"]
            routes = s["requests_by_route"]
            value = {"bulk": routes.get("POST /api/v1/creators/bulk", 0),
                     "polls": routes.get("POST /api/v1/jobs/bulk-status", 0),
                     "account": routes.get("GET /api/v1/account", 0),
                     "total": s["total_requests"]}[name]
        elif name == "db":
            value = db_view(self.state)
        elif name == "tmp":
            d, base = os.path.split(os.path.abspath(self.out)) if self.out else ("", "")
            value = bool(self.out) and bool(glob.glob(os.path.join(d, "." + base + ".*")))
        elif name == "out_exists":
            value = bool(self.out) and os.path.exists(self.out)
        elif name == "fired":
            value = self.fired
        elif name == "piped":
            value = pipe_bytes(self.pipe_read) if self.pipe_read is not None else 0
        elif name == "t":
            value = time.monotonic() - self.started
        else:
            raise KeyError(name)
        self.seen[name] = value
        return value

    def snapshot(self):
        return {k: v for k, v in self.seen.items() if not k.startswith("_")}


def pipe_bytes(fd):
    buf = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, buf, True)
    return buf[0]



def signal_at(sim_url, state, command, when, out="", config_when=(), armed_when="True", delay_ms=0, sig="KILL",
              timeout=30, stdout=None, stdout_pipe=None, stderr=None):
    sim = Sim(sim_url)
    pipe_read = None
    out_file = subprocess.DEVNULL
    if stdout_pipe:
        pipe_read, pipe_write = os.pipe()
        fcntl.fcntl(pipe_write, F_SETPIPE_SZ, stdout_pipe)
        out_file = pipe_write
    elif stdout:
        out_file = open(stdout, "wb")
    err_file = open(stderr, "wb") if stderr else subprocess.DEVNULL

    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=out_file, stderr=err_file)
    if stdout_pipe:
        os.close(pipe_write)
    pending_config = list(config_when)
    armed = False
    landed, at, fired = False, {}, {}
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            break
        names = Names(sim, state, out, pipe_read, started, fired)
        if pending_config and eval(pending_config[0][0], {}, names):
            sim.request("POST", "/_sim/config", json.dumps(pending_config[0][1]))
            pending_config.pop(0)
            now = Names(sim, state, out, None, started)
            fired = {k: now[k] for k in ("bulk", "polls", "account", "total")}
            continue
        if not pending_config and not armed:
            armed = eval(armed_when, {}, names)
        if armed and eval(when, {}, names):
            if delay_ms:
                time.sleep(delay_ms / 1000)
            if proc.poll() is None:
                proc.send_signal(getattr(signal, "SIG" + sig))
                landed = True
                at = names.snapshot()
            break
        time.sleep(0.001)
    if not landed and proc.poll() is None:
        proc.kill()  # the condition never held: do not leave it running
    piped = pipe_bytes(pipe_read) if pipe_read is not None else 0
    rc = proc.wait()
    if pipe_read is not None:
        os.close(pipe_read)
    after_names = Names(sim, state, out, None, started)
    after = {k: after_names[k] for k in ("bulk", "polls", "account", "total", "db", "tmp", "out_exists")}
    stats = after_names.seen["_stats"]
    sim.close()
    return {"landed": landed, "rc": rc, "pid": proc.pid, "at": at, "fired": fired, "after": after, "piped_bytes": piped,
            "charged": stats["credits_charged_by_creator"], "elapsed": round(time.monotonic() - started, 3)}


class SimProcess:
    """creatorscore-sim on a free loopback port; the commands run next talk to it."""

    def __init__(self, binary, args, log_dir):
        self.proc = subprocess.Popen([binary, "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(log_dir, "sim.err"), "ab"), text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("creatorscore-sim did not start: " + line)
        self.url = line.split("listening on ")[1].split()[0]
        self.api = Sim(self.url)
        os.environ["CREATORSCORE_BASE_URL"] = self.url  # for the commands run next, as lib.sh does

    def stats(self):
        return self.api.stats()

    def config(self, **settings):
        return self.api.request("POST", "/_sim/config", json.dumps(settings))

    def credits(self, key, balance):
        return self.api.request("POST", "/_sim/credits", json.dumps({"key": key, "balance": balance}))

    def stop(self):
        self.api.close()
        self.proc.terminate()
        self.proc.wait()


def run(command, stdout=None, stderr=None, env=None):
    """Runs a command to its end; returns its exit code."""
    with open(stdout or os.devnull, "wb") as out, open(stderr or os.devnull, "wb") as err:
        return subprocess.run(command, stdout=out, stderr=err, env=env).returncode


def normalise(path):
    """The output with `last_scored_at` of freshly scored creators blanked (see state_kill.py)."""
    raw = open(path, newline="").read()
    if raw.startswith("["):
        rows = json.loads(raw)
        for r in rows:
            for lookup in r["lookups"]:
                if lookup["status"] == "scored":
                    lookup["creator"]["last_scored_at"] = "*"
        return json.dumps(rows)
    rows = list(csv.reader(io.StringIO(raw)))
    status, scored_at = rows[0].index("status"), rows[0].index("last_scored_at")
    for r in rows[1:]:
        if r[status] == "scored":
            r[scored_at] = "*"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue()


PRICE = {"youtube": 3, "twitch": 2, "kick": 2}


def overcharged(stats):
    """Creators the simulator charged more than once (more than one price)."""
    return {k: v for k, v in stats["credits_charged_by_creator"].items() if v > PRICE.get(k.split(":")[0], 1)}


def has_secret(paths, secrets):
    for path in paths:
        if os.path.exists(path):
            data = open(path, "rb").read()
            if any(s.encode() in data for s in secrets):
                return True
    return False


# The exit status of a suite that died of an exception: above any count of failed checks (the
# suites exit with min(failures, 100)), so lib.sh's python_suite tells the two apart.
SUITE_DIED = 101


class Checks:
    """ok/FAIL lines on stdout, like lib.sh's pass/fail; `failures` counts. While one exists, an
    exception nobody caught ends the suite with a FAIL line naming it and the line of the suite it
    came through, then the traceback on stderr, and exit status SUITE_DIED."""

    def __init__(self):
        self.failures = 0
        sys.excepthook = self._died

    def _died(self, kind, value, tb):
        frames = traceback.extract_tb(tb)
        ours = [f for f in frames if not f.filename.startswith(sys.prefix)] or frames
        last = ours[-1] if ours else None
        where = f" at {os.path.basename(last.filename)}:{last.lineno} ({last.line})" if last else ""
        print(f"FAIL - the suite died{where}: {kind.__name__}: {value}", flush=True)
        traceback.print_exception(kind, value, tb)
        sys.stderr.flush()
        os._exit(SUITE_DIED)

    def check(self, condition, what, detail=""):
        if condition:
            print(f"ok - {what}", flush=True)
        else:
            print(f"FAIL - {what}" + (f": {detail}" if detail else ""), flush=True)
            self.failures += 1
        return condition

    def note(self, text):
        print(f"# {text}", flush=True)


def write_roster(path, extra=()):
    """40 unique creators over every platform (8 batches of 5), a duplicate in another spelling,
    an invalid row, and a doomed `missing_` creator (its job fails and is refunded) in the last
    batch, away from the submits the kill points interrupt: a failed-and-refunded job that is
    resubmitted is charged again, which is right but not what those points are about."""
    plats = ["tiktok", "instagram", "youtube", "x", "twitch", "kick", "reddit", "linkedin", "threads", "facebook",
             "snapchat"]
    rows = [(f"Creator {i}", plats[i % len(plats)], f"kt_creator_{i:02d}") for i in range(39)]
    rows.insert(37, ("Gone", "tiktok", "missing_kt_gone"))
    rows.insert(12, ("Dup", "youtube", "@KT_Creator_02"))
    rows.insert(20, ("Bad", "tiktok", "has space"))
    rows.extend(extra)
    with open(path, "w") as f:
        f.write("name,platform,handle\n")
        f.writelines(f"{n},{p},{h}\n" for n, p, h in rows)
    return rows
