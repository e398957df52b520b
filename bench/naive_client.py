#!/usr/bin/env python3
"""A naive CreatorScore client, the baseline for bench/run_bench.py.

    CREATORSCORE_BASE_URL=http://127.0.0.1:PORT CREATORSCORE_API_KEY=sk_test_demo \
    ROSTER_ENRICH_TIME_SCALE=600 bench/naive_client.py roster.csv out.csv

It does what the vendor's published sample client does (shared/seeds/000_*.txt), written here from
its description, for a whole long-layout roster:
  1. every roster row (platform lower-cased, handle trimmed, leading @ dropped) is sent with
     POST /api/v1/creators/bulk, 100 rows a request, back to back; no de-duplication across requests
     and no client-side check of handles (the API answers bad ones with per-item errors);
  2. then, until no job is pending: sleep, ask POST /api/v1/jobs/bulk-status about every pending job
     (100 ids a request, back to back), and double the sleep: 30 s, 60 s, 120 s, 240 s, then 300 s.
No client-side rate limiting. The sample would crash on a 429; to finish at all, this one waits the
Retry-After it is given and sends the same request again. Waits are API time, divided by
ROSTER_ENRICH_TIME_SCALE like every wait of roster-enrich. Python 3 standard library only.
"""

import csv
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ.get("CREATORSCORE_BASE_URL", "http://127.0.0.1:8080").rstrip("/") + "/api/v1"
KEY = os.environ.get("CREATORSCORE_API_KEY", "")
SCALE = float(os.environ.get("ROSTER_ENRICH_TIME_SCALE", "1"))
COUNTS = {"requests": 0, "rate_limited": 0}


def api_sleep(seconds):
    time.sleep(seconds / SCALE)


def post(path, body):
    data = json.dumps(body).encode()
    while True:
        request = urllib.request.Request(BASE + path, data=data, method="POST",
                                         headers={"X-API-Key": KEY, "Content-Type": "application/json"})
        COUNTS["requests"] += 1
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise
            COUNTS["rate_limited"] += 1
            api_sleep(float(error.headers.get("Retry-After", "1")))


def main():
    roster_path, out_path = sys.argv[1], sys.argv[2]
    with open(roster_path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    creators = [{"platform": r["Platform"].strip().lower(), "handle": r["Handle"].strip().lstrip("@")} for r in rows]

    results = [None] * len(rows)
    pending = {}  # job_id -> row indices
    for start in range(0, len(creators), 100):
        answer = post("/creators/bulk", {"creators": creators[start:start + 100]})
        for offset, item in enumerate(answer["results"]):
            index = start + offset
            results[index] = item
            if item.get("status") == "queued":
                pending.setdefault(item["job_id"], []).append(index)

    delay = 30
    while pending:
        api_sleep(delay)
        ids = list(pending)
        for start in range(0, len(ids), 100):
            answer = post("/jobs/bulk-status", {"job_ids": ids[start:start + 100]})
            for job in answer["jobs"]:
                if job.get("status") in ("done", "failed", "not_found") and job["job_id"] in pending:
                    for index in pending.pop(job["job_id"]):
                        results[index] = job
        delay = min(delay * 2, 300)

    tmp = out_path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(fields + ["status", "score", "error"])
        for row, result in zip(rows, results):
            result = result or {}
            creator = result.get("creator") or {}
            writer.writerow([row[k] for k in fields] +
                            [result.get("status", ""), creator.get("score", ""), result.get("error", "")])
    os.replace(tmp, out_path)
    print(f"naive: {COUNTS['requests']} requests, {COUNTS['rate_limited']} answered 429", file=sys.stderr)


if __name__ == "__main__":
    main()
