#!/usr/bin/env python3
"""Benchmarks `roster-enrich run` and a naive client against creatorscore-sim (issue 9).

    bench/bench.sh                      # builds, then runs this with the defaults below
    bench/run_bench.py --build build [--out DIR] [--json FILE] [--smoke]

Every figure comes from the simulator's own counters (GET /_sim/stats) or from the kernel
(os.wait4 of the client), never from the client's own report. Scenarios (fixed seeds):
  1k   bench/gen_roster.py 1000 rows, time scale 600
  20k  bench/gen_roster.py 20000 rows, time scale 60
  kill the 1k roster: roster-enrich is sent SIGKILL mid-polling, then the same command runs again
each against a fresh simulator: 30% of creators pre-cached, jobs 10-90 simulated minutes, eta
error per job in [0.75, 1.35], 120 requests per rolling minute enforced. BENCHMARKS.md says how each
lower bound is defined. Python 3 standard library only.
"""

import argparse
import csv
import heapq
import json
import math
import os
import re
import resource  # noqa: F401  (os.wait4 returns a resource.struct_rusage)
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "sk_test_demo"
RATE_LIMIT = 120
PRICES = {"youtube": 3, "twitch": 2, "kick": 2}
PLATFORMS = {"tiktok", "instagram", "youtube", "x", "twitter", "facebook", "reddit", "twitch", "kick",
             "linkedin", "threads", "snapchat"}
CACHED_PERCENT = 30
MIN_JOB_S, MAX_JOB_S = 10 * 60, 90 * 60
YOUNG_TICK_S, OLD_TICK_S, SLOW_AFTER_S = 60, 300, 30 * 60  # the vendor's cadence (PRODUCT.md defaults)


# ---- the roster's own truth: unique valid creators, which are pre-cached, the minimum credits ----

def _mix(z):
    m = (1 << 64) - 1
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & m
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & m
    return z ^ (z >> 31)


def stable_hash(text):
    """sim/rng.cpp's stable_hash (FNV-1a 64, then splitmix64's finaliser)."""
    h = 0xcbf29ce484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001b3) & ((1 << 64) - 1)
    return _mix(h)


def roster_truth(path):
    """Unique valid creators as the API identifies them (platform:lower(handle), twitter = x)."""
    rows, unique = 0, {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows += 1
            platform = row["Platform"].strip().lower()
            handle = row["Handle"].strip()
            handle = handle[1:] if handle.startswith("@") else handle
            if platform not in PLATFORMS or not handle or len(handle) > 100 or re.search(r"[\s/\x00-\x1f\x7f]", handle):
                continue
            platform = "x" if platform == "twitter" else platform
            unique.setdefault(f"{platform}:{handle.lower()}", platform)
    uncached = {k: PRICES.get(p, 1) for k, p in unique.items()
                if k.split(":", 1)[1].startswith(("missing_", "ghost_")) or stable_hash(k) % 100 >= CACHED_PERCENT}
    return {"rows": rows, "unique": len(unique), "uncached": uncached, "min_credits": sum(uncached.values()),
            "min_submits": math.ceil(len(unique) / 100)}


# ---- lower bounds from the jobs the simulator ran ----

def tick_of(job):
    age = (job["completes_at_ms"] - job["created_at_ms"]) / 1000
    return YOUNG_TICK_S if age < SLOW_AFTER_S else OLD_TICK_S


def min_status_requests(jobs):
    """Fewest POST /jobs/bulk-status requests (<= 100 ids each) such that every job is asked about at
    some instant in [completes_at, completes_at + one cadence tick]. Lazy earliest-deadline-first:
    the next request goes out at the earliest deadline still unmet, holding the 100 released jobs
    with the earliest deadlines; waiting until a deadline forces it only adds released jobs, so no
    schedule meets every window with fewer requests (the usual exchange argument)."""
    items = sorted((j["completes_at_ms"], j["completes_at_ms"] + tick_of(j) * 1000) for j in jobs)
    suffix_min = [math.inf] * (len(items) + 1)
    for i in range(len(items) - 1, -1, -1):
        suffix_min[i] = min(items[i][1], suffix_min[i + 1])
    heap, i, requests = [], 0, 0
    while heap or i < len(items):
        t = min(heap[0] if heap else math.inf, suffix_min[i])
        while i < len(items) and items[i][0] <= t:
            heapq.heappush(heap, items[i][1])
            i += 1
        while heap and heap[0] == t:
            for _ in range(min(100, len(heap))):
                heapq.heappop(heap)
            requests += 1
    return requests


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ---- the simulator ----

class Sim:
    def __init__(self, build, scale, seed, workdir, name):
        self.scale = scale
        self.log = open(os.path.join(workdir, f"sim-{name}.err"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(build, "creatorscore-sim"), "--port", "0", "--seed", str(seed), "--time-scale", str(scale),
             "--cached-percent", str(CACHED_PERCENT), "--min-job", "10m", "--max-job", "90m",
             "--rate-limit", str(RATE_LIMIT), "--tenant", f"{KEY}:Bench Agency:100000000"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            raise SystemExit(f"creatorscore-sim did not start: {line!r}")
        self.url = match.group(1)
        # API time = offset + real time x scale; measured over the quickest of a few round trips.
        best = None
        for _ in range(5):
            before = time.time()
            now_ms = self.get("/_sim/time")["now_ms"]
            after = time.time()
            if best is None or after - before < best[0]:
                best = (after - before, now_ms - (before + after) / 2 * 1000 * scale)
        self.offset_ms = best[1]

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.load(response)

    def api_ms(self, real_seconds):
        return self.offset_ms + real_seconds * 1000 * self.scale

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


# ---- one client run ----

def spawn(cmd, env, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log), log


def reap(proc, log):
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.close()
    return usage


def client_command(kind, build, roster, out, state):
    if kind == "ours":
        return [os.path.join(build, "roster-enrich"), "run", roster, "-o", out, "--state", state]
    return [sys.executable, os.path.join(HERE, "naive_client.py"), roster, out]


def measure(sim, truth, start_real, out_path, runs, stats_path):
    """Everything the table shows, from /_sim/stats, the output's mtime and the children's rusage."""
    stats = sim.get("/_sim/stats")
    with open(stats_path, "w") as f:
        json.dump(stats, f)
    routes = stats["requests_by_route"]
    jobs = stats["jobs"]
    charged = stats["credits_charged_by_creator"]
    refunded = stats.get("credits_refunded_by_creator", {})
    net = {k: v - refunded.get(k, 0) for k, v in charged.items()}
    reported = [j for j in jobs if j["first_reported_done_at_ms"] is not None]
    lags = [(j["first_reported_done_at_ms"] - j["completes_at_ms"]) / 1000 for j in reported]
    last_completion_ms = max((j["completes_at_ms"] for j in jobs), default=None)
    out_ms = sim.api_ms(os.stat(out_path).st_mtime_ns / 1e9) if os.path.exists(out_path) else None
    start_ms = sim.api_ms(start_real)
    longest_job_s = max(((j["completes_at_ms"] - j["created_at_ms"]) / 1000 for j in jobs), default=0)
    # The key check and ceil(unique/100) submits: the (k+1)-th request in a rolling-minute limit of
    # 120 cannot go out before floor(k/120) minutes; the longest job must then still run.
    submit_floor_s = (truth["min_submits"] // RATE_LIMIT) * 60
    cpu = sum(u.ru_utime + u.ru_stime for u in (r["usage"] for r in runs))
    wall = sum(r["wall"] for r in runs)
    m = {
        "exit_codes": [r["exit"] for r in runs],
        "credits": stats["credits_charged_total"] - stats["credits_refunded_total"],
        "credits_min": truth["min_credits"],
        "credits_exact": net == truth["uncached"],  # every uncached creator once, at its price, nobody else
        "submits": routes.get("POST /api/v1/creators/bulk", 0),
        "submits_min": truth["min_submits"],
        "status_requests": routes.get("POST /api/v1/jobs/bulk-status", 0),
        "status_requests_min": min_status_requests(jobs),
        "other_requests": sum(v for k, v in routes.items()
                              if k not in ("POST /api/v1/creators/bulk", "POST /api/v1/jobs/bulk-status")),
        "total_requests": stats["total_requests"],
        "responses_429": stats["responses_429"],
        "retry_after_violations": stats["retry_after_violations"],
        "max_in_window": stats["max_requests_in_window"].get(KEY, 0),
        "jobs": len(jobs),
        "jobs_unreported": len(jobs) - len(reported),
        "lag_median_s": statistics.median(lags) if lags else None,
        "lag_p95_s": percentile(lags, 95),
        "makespan_s": (out_ms - start_ms) / 1000 if out_ms else None,
        "makespan_min_s": submit_floor_s + longest_job_s,
        "output_lag_s": (out_ms - last_completion_ms) / 1000 if out_ms and last_completion_ms else None,
        "cpu_s": cpu,
        "wall_s": wall,
        "max_rss_mb": max(r["usage"].ru_maxrss for r in runs) / 1024,
    }
    m["cpu_pct_wall"] = 100 * cpu / wall if wall else None
    m["cpu_s_per_sim_hour"] = cpu / (m["makespan_s"] / 3600) if m["makespan_s"] else None
    m["cpu_pct_sim"] = 100 * cpu / m["makespan_s"] if m["makespan_s"] else None
    return m


def run_client(kind, args, scenario, truth, roster, workdir, kill=False):
    name = f"{scenario['name']}-{kind}" + ("-kill" if kill else "")
    sim = Sim(args.build, scenario["scale"], scenario["sim_seed"], workdir, name)
    out = os.path.join(workdir, f"out-{name}.csv")
    state = os.path.join(workdir, f"state-{name}.db")
    env = dict(os.environ, CREATORSCORE_BASE_URL=sim.url, CREATORSCORE_API_KEY=KEY,
               ROSTER_ENRICH_TIME_SCALE=str(scenario["scale"]), XDG_STATE_HOME=workdir)
    cmd = client_command(kind, args.build, roster, out, state)
    log_path = os.path.join(workdir, f"client-{name}.err")
    runs, killed_at = [], None
    try:
        start_real = time.time()
        for attempt in range(2 if kill else 1):
            began = time.monotonic()
            proc, log = spawn(cmd, env, log_path)
            if kill and attempt == 0:
                # SIGKILL once every submit is in and some, not all, jobs have been reported done.
                while proc.poll() is None:
                    stats = sim.get("/_sim/stats")
                    jobs = stats["jobs"]
                    seen = sum(j["first_reported_done_at_ms"] is not None for j in jobs)
                    if (stats["requests_by_route"].get("POST /api/v1/creators/bulk", 0) >= truth["min_submits"]
                            and 0.2 * len(jobs) <= seen <= 0.6 * len(jobs)):
                        proc.send_signal(signal.SIGKILL)
                        killed_at = {"api_min": stats["now_ms"] / 60000, "jobs_seen_done": seen, "jobs": len(jobs)}
                        break
                    time.sleep(0.02)
            usage = reap(proc, log)
            runs.append({"exit": proc.returncode, "usage": usage, "wall": time.monotonic() - began})
        m = measure(sim, truth, start_real, out, runs, os.path.join(workdir, f"stats-{name}.json"))
        m["start_api_s"] = sim.api_ms(start_real) / 1000
        m["killed_at"] = killed_at
        return m
    finally:
        sim.stop()


SCENARIOS = [
    {"name": "1k", "rows": 1000, "roster_seed": 20240601, "sim_seed": 9001, "scale": 600},
    {"name": "20k", "rows": 20000, "roster_seed": 20240602, "sim_seed": 9002, "scale": 60},
]


# ---- report ----

def fmt(value, digits=0):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "—"


def table(results, truths):
    lines = []
    for name, truth in truths.items():
        ours, naive = results[name]["ours"], results[name]["naive"]
        lines += [f"**{name}** roster: {truth['rows']:,} rows, {truth['unique']:,} unique valid creators, "
                  f"{len(truth['uncached']):,} uncached; time scale {results[name]['scale']}", "",
                  "| measure | roster-enrich | naive client | lower bound | ours / bound | naive / bound |",
                  "|---|--:|--:|--:|--:|--:|"]

        def row(label, key, bound, digits=0):
            lines.append(f"| {label} | {fmt(ours[key], digits)} | {fmt(naive[key], digits)} | {fmt(bound, digits)} | "
                         f"{ratio(ours[key], bound)} | {ratio(naive[key], bound)} |")
        row("credits charged (net of refunds)", "credits", truth["min_credits"])
        row("`POST /creators/bulk` (submits)", "submits", truth["min_submits"])
        row("`POST /jobs/bulk-status`", "status_requests", ours["status_requests_min"])
        row("other requests (key check)", "other_requests", None)
        row("requests in total", "total_requests", truth["min_submits"] + ours["status_requests_min"])
        row("429 responses", "responses_429", 0)
        row("most requests in a rolling minute", "max_in_window", None)
        row("detection lag, median (sim s)", "lag_median_s", None, 1)
        row("detection lag, p95 (sim s)", "lag_p95_s", None, 1)
        row("makespan (sim min)", "makespan_m", ours["makespan_min_s"] / 60, 1)
        row("last completion → output written (sim s)", "output_lag_s", None, 1)
        row("client CPU (user+sys, s)", "cpu_s", None, 2)
        row("client CPU per simulated hour (s)", "cpu_s_per_sim_hour", None, 2)
        row("client CPU % of real wall (at this scale)", "cpu_pct_wall", None, 1)
        row("client CPU % of simulated time (at scale 1)", "cpu_pct_sim", None, 3)
        row("peak RSS (MB)", "max_rss_mb", None, 1)
        row("real wall (s)", "wall_s", None, 1)
        lines.append("")
    return lines


def targets(results):
    r1, r20 = results["1k"], results["20k"]
    out = []

    def target(ok, text):
        out.append(f"- {'**met**' if ok else '**MISSED**'}: {text}")
    runs = [(n, c, results[n][c]) for n in ("1k", "20k") for c in ("ours",)] + [("kill", "ours", results["kill"])]
    target(all(m["credits_exact"] for _, _, m in runs),
           "credits = minimum on every scenario incl. SIGKILL+resume (" +
           ", ".join(f"{n}: {m['credits']:,} of {m['credits_min']:,}" for n, _, m in runs) + ")")
    target(all(m["responses_429"] == 0 for _, _, m in runs),
           "zero 429s at default settings vs a 120/min simulator (" +
           ", ".join(f"{n}: {m['responses_429']}" for n, _, m in runs) + ")")
    o, n = r1["ours"], r1["naive"]
    target(o["lag_median_s"] <= n["lag_median_s"] / 4 and o["total_requests"] <= n["total_requests"],
           f"1k: median detection lag {o['lag_median_s']:.1f} s ≤ 1/4 of naive's {n['lag_median_s']:.1f} s "
           f"(= {n['lag_median_s'] / 4:.1f} s), requests {o['total_requests']} ≤ naive's {n['total_requests']}")
    o = r20["ours"]
    target(o["makespan_s"] <= 1.05 * o["makespan_min_s"],
           f"20k: makespan {o['makespan_s'] / 60:.1f} min ≤ 1.05 × lower bound {o['makespan_min_s'] / 60:.1f} min "
           f"(= {1.05 * o['makespan_min_s'] / 60:.1f}; ratio {o['makespan_s'] / o['makespan_min_s']:.3f})")
    target(o["cpu_pct_sim"] <= 2 and o["max_rss_mb"] <= 100,
           f"20k: client CPU {o['cpu_pct_sim']:.3f}% of the run's simulated duration (scale-1 equivalent; "
           f"{o['cpu_pct_wall']:.1f}% of real wall at scale {r20['scale']}) ≤ 2%, peak RSS {o['max_rss_mb']:.1f} MB ≤ 100 MB")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--out", default="/tmp/roster-enrich-bench")
    parser.add_argument("--json", help="also write every figure here")
    parser.add_argument("--smoke", action="store_true", help="one 200-row roster, both clients, a few seconds")
    parser.add_argument("--only", help="comma list of scenarios (1k,20k,kill)")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    os.makedirs(args.out, exist_ok=True)

    scenarios = SCENARIOS if not args.smoke else [
        {"name": "smoke", "rows": 200, "roster_seed": 7, "sim_seed": 7, "scale": 1200}]
    only = set(args.only.split(",")) if args.only else None
    results, truths = {}, {}
    for sc in scenarios:
        roster = os.path.join(args.out, f"roster-{sc['name']}.csv")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_roster.py"), str(sc["rows"]), "-o", roster,
                        "--seed", str(sc["roster_seed"])], check=True)
        truth = roster_truth(roster)
        truths[sc["name"]] = truth
        results[sc["name"]] = {"scale": sc["scale"]}
        for kind in ("ours", "naive"):
            if only and sc["name"] not in only:
                continue
            print(f"# {sc['name']} {kind} ...", file=sys.stderr, flush=True)
            m = run_client(kind, args, sc, truth, roster, args.out)
            m["makespan_m"] = m["makespan_s"] / 60 if m["makespan_s"] else None
            results[sc["name"]][kind] = m
            print(f"#   {json.dumps({k: v for k, v in m.items() if not isinstance(v, dict)})}", file=sys.stderr)
        if sc["name"] == "1k" and (not only or "kill" in only):
            print("# kill ...", file=sys.stderr, flush=True)
            m = run_client("ours", args, sc, truth, roster, args.out, kill=True)
            results["kill"] = m
            print(f"#   {json.dumps(m)}", file=sys.stderr)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": results, "truths": {k: {**v, "uncached": len(v["uncached"])} for k, v in truths.items()}},
                      f, indent=1, default=str)
    if args.smoke:
        m_ours, m_naive = results["smoke"]["ours"], results["smoke"]["naive"]
        ok = (m_ours["credits_exact"] and m_naive["credits"] >= m_ours["credits"] and m_ours["responses_429"] == 0
              and m_ours["submits"] == truths["smoke"]["min_submits"] and m_ours["jobs_unreported"] == 0
              and m_naive["jobs_unreported"] == 0)
        print("smoke: " + ("ok" if ok else "FAILED") + f" (ours {m_ours['total_requests']} requests, "
              f"{m_ours['credits']} credits of {m_ours['credits_min']}; naive {m_naive['total_requests']} requests)")
        return 0 if ok else 1
    print("\n".join(table({k: v for k, v in results.items() if k in truths and "naive" in v}, 
                          {k: v for k, v in truths.items() if "naive" in results[k]})))
    if "kill" in results:
        k = results["kill"]
        print(f"SIGKILL + resume (1k roster): killed at {k['killed_at']['api_min']:.1f} sim min with "
              f"{k['killed_at']['jobs_seen_done']} of {k['killed_at']['jobs']} jobs reported done; exits "
              f"{k['exit_codes']}; credits {k['credits']:,} (minimum {k['credits_min']:,}, each creator once: "
              f"{k['credits_exact']}); submits {k['submits']} (min {k['submits_min']}); bulk-status "
              f"{k['status_requests']}; 429s {k['responses_429']}; jobs {k['jobs']}, never reported done "
              f"{k['jobs_unreported']}\n")
    if all(n in results and "naive" in results.get(n, {}) for n in ("1k", "20k")) and "kill" in results:
        print("Targets:\n" + "\n".join(targets(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
