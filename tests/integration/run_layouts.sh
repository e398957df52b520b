#!/usr/bin/env bash
# `roster-enrich run` on every roster layout (long, url, wide; comma, semicolon+BOM+CRLF, pipe),
# checked against the simulator's own truth: input columns copied unchanged and in order, the
# result columns of the contract, one status per row, cached iff the simulator had the creator
# (no job), scores equal to the simulator's payload, each unique uncached creator charged exactly
# once at its platform's price, duplicates given the same result; JSON and JSONL shapes.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
KEY=sk_test_demo

# The oracle: parses the roster by the contract's rules (independently of the program), then
# compares the program's output with it and with the simulator's /_sim/stats and payloads.
cat >"$WORK/verify.py" <<'PY'
import csv, io, json, re, sys, urllib.parse, urllib.request, argparse

ap = argparse.ArgumentParser()
ap.add_argument("--roster"); ap.add_argument("--out"); ap.add_argument("--format")
ap.add_argument("--stats"); ap.add_argument("--prev-stats"); ap.add_argument("--url"); ap.add_argument("--key")
ap.add_argument("--name")
a = ap.parse_args()

PRICE = {"tiktok": 1, "instagram": 1, "x": 1, "threads": 1, "reddit": 1, "linkedin": 1, "facebook": 1,
         "snapchat": 1, "twitch": 2, "kick": 2, "youtube": 3}
ALIAS = dict((p, p) for p in PRICE); ALIAS["twitter"] = "x"
RESULT = ["status", "score", "tier", "content_risk", "brand_safety", "sentiment", "authenticity",
          "audience_quality", "community_trust", "roi_prediction", "knockouts", "display_name", "followers",
          "last_scored_at", "public_profile_url", "error", "job_id"]
AGENTS = RESULT[3:10]
STATUSES = {"cached", "scored", "failed", "not_found", "pending", "skipped", "invalid", "error"}
results = []
def check(ok, what):
    results.append((bool(ok), f"{a.name}: {what}"))
    return ok

def norm(h): return re.sub(r"[\s_\-]", "", h.lower())

def read_csv(path, delim=None):
    raw = open(path, "rb").read().decode("utf-8-sig")
    if delim is None:
        first = raw.split("\n", 1)[0]
        delim = max([",", ";", "\t", "|"], key=first.count)
    recs = [r for r in csv.reader(io.StringIO(raw, newline=""), delimiter=delim) if r != []]
    return delim, recs[0], recs[1:]

def clean_handle(h):
    h = h.strip()
    if h.startswith("@"): h = h[1:]
    if not h or len(h) > 100: return None
    if any(c.isspace() or c == "/" or ord(c) < 0x20 or ord(c) == 0x7F for c in h): return None
    return h

def parse_link(s):
    s = s.strip()
    s = re.sub(r"^[a-zA-Z]+://", "", s)
    s = re.split(r"[?#]", s)[0]
    host, _, path = s.partition("/")
    host = host.lower()
    for pre in ("www.", "m.", "old."):
        if host.startswith(pre): host = host[len(pre):]
    segs = [p for p in path.split("/") if p]
    def seg(i): return segs[i] if len(segs) > i else ""
    def at(x): return x[1:] if x.startswith("@") else None
    table = {
        "tiktok.com": ("tiktok", lambda: at(seg(0))), "instagram.com": ("instagram", lambda: seg(0)),
        "youtube.com": ("youtube", lambda: at(seg(0))), "x.com": ("x", lambda: seg(0)),
        "twitter.com": ("x", lambda: seg(0)), "twitch.tv": ("twitch", lambda: seg(0)),
        "kick.com": ("kick", lambda: seg(0)),
        "reddit.com": ("reddit", lambda: seg(1) if seg(0) in ("user", "u") else None),
        "linkedin.com": ("linkedin", lambda: seg(1) if seg(0) == "in" else None),
        "threads.net": ("threads", lambda: at(seg(0))),
        "snapchat.com": ("snapchat", lambda: seg(1) if seg(0) == "add" else None),
        "facebook.com": ("facebook", lambda: seg(0)),
    }
    if host not in table: return None
    p, f = table[host]
    h = f()
    if not h or h.startswith("@"): return None
    h = clean_handle(h)
    return (p, h) if h else None

def looks_like_link(cell): return "/" in cell or re.match(r"^\s*[a-zA-Z]+://", cell) is not None

# lookup = None (invalid) or (platform, handle as written)
delim, header, rows = read_csv(a.roster)
hn = [norm(h) for h in header]
pc = next((i for i, h in enumerate(hn) if h in ("platform", "network", "channel")), None)
hc = next((i for i, h in enumerate(hn) if h in ("handle", "username", "user", "account")), None)
uc = next((i for i, h in enumerate(hn) if h in ("url", "profileurl", "profile", "link")), None)
if pc is not None and hc is not None: layout = "long"
elif uc is not None: layout = "url"
else: layout = "wide"
wide_cols = [i for i, h in enumerate(hn) if h in ALIAS] if layout == "wide" else []

def row_lookups(r):
    """list of (prefix, cell_nonempty, lookup) per output column set"""
    cell = lambda i: r[i] if i < len(r) else ""
    if layout == "long":
        p = ALIAS.get(cell(pc).strip().lower())
        h = clean_handle(cell(hc))
        return [(None, True, (p, h) if p and h else None)]
    if layout == "url":
        return [(None, True, parse_link(cell(uc)))]
    out = []
    for i in wide_cols:
        c = cell(i).strip()
        plat = ALIAS[hn[i]]
        if not c: out.append((header[i], False, None)); continue
        if looks_like_link(c):
            l = parse_link(c)
            out.append((header[i], True, l if l and l[0] == plat else None))
        else:
            h = clean_handle(c)
            out.append((header[i], True, (plat, h) if h else None))
    return out

def key(l): return f"{l[0]}:{l[1].lower()}"

stats = json.load(open(a.stats))
prev = json.load(open(a.prev_stats)) if a.prev_stats else {"jobs": [], "credits_charged_by_creator": {}}
prev_ids = {j["job_id"] for j in prev["jobs"]}
jobs = {}
for j in stats["jobs"]:
    if j["tenant"] == a.key and j["job_id"] not in prev_ids:
        jobs.setdefault(j["creator"], []).append(j)
charged = {k: v - prev["credits_charged_by_creator"].get(k, 0) for k, v in stats["credits_charged_by_creator"].items()}
charged = {k: v for k, v in charged.items() if v}

all_lookups = [l for r in rows for (_, _, l) in row_lookups(r)]
unique = {key(l): l for l in all_lookups if l}
# --- money ---
check(all(len(v) == 1 for v in jobs.values()), "no creator has two jobs: " + str({k: len(v) for k, v in jobs.items() if len(v) != 1}))
check(set(jobs) <= set(unique), "every job is for a creator of the roster: extra " + str(set(jobs) - set(unique)))
check(set(charged) == set(jobs), f"credits charged exactly for the creators with a job (charged {sorted(charged)}, jobs {sorted(jobs)})")
bad_price = {k: v for k, v in charged.items() if v != PRICE[k.split(':')[0]]}
check(not bad_price, "each uncached creator charged once at its platform price: wrong " + str(bad_price))

payloads = {}
def payload(k):
    if k not in payloads:
        p, h = k.split(":", 1)
        req = urllib.request.Request(f"{a.url}/api/v1/creators/{p}/{urllib.parse.quote(h, safe='')}", headers={"X-API-Key": a.key})
        with urllib.request.urlopen(req) as resp:
            body = json.load(resp)
        payloads[k] = body.get("creator") if body.get("status") == "cached" else None
    return payloads[k]

def expected_status(l):
    if l is None: return "invalid"
    js = jobs.get(key(l))
    if not js: return "cached"
    return {"done": "scored", "failed": "failed"}.get(js[0]["status"], "pending")

GUARD = ("=", "+", "-", "@", "\t", "\r")
def guard(s): return "'" + s if s and s.startswith(GUARD) else s
def num_eq(cell, v):
    try: return cell != "" and float(cell) == float(v)
    except ValueError: return False

if a.format == "csv":
    odelim, oheader, orows = read_csv(a.out, delim)
    check(odelim == delim or True, "")
    n = len(header)
    check(oheader[:n] == header, f"header starts with the input columns {header}: got {oheader[:n]}")
    def colname(c): return "cs_" + c if c in header else c
    if layout == "wide":
        exp = [f"{pfx.lower()}_{c}" for pfx in [header[i] for i in wide_cols] for c in RESULT]
        exp_alt = [f"{ALIAS[norm(pfx)]}_{c}" for pfx in [header[i] for i in wide_cols] for c in RESULT]
        exp = [colname(c) for c in exp]; exp_alt = [colname(c) for c in exp_alt]
        check(oheader[n:] in (exp, exp_alt), f"result columns are <platform>_<column> per platform column: got {oheader[n:]}")
    else:
        exp = [colname(c) for c in RESULT]
        check(oheader[n:] == exp, f"result columns exactly {exp}: got {oheader[n:]}")
    check(len(orows) == len(rows), f"one output row per input row ({len(rows)}): got {len(orows)}")
    cell_ok = all(o[:n] == (r + [""] * (n - len(r)))[:n] for o, r in zip(orows, rows))
    bad = [(i + 1, o[:n], r) for i, (o, r) in enumerate(zip(orows, rows)) if o[:n] != (r + [""] * (n - len(r)))[:n]]
    check(cell_ok, "input cells copied unchanged, in order: differing rows " + repr(bad[:3]))
    seen = {}
    for i, (o, r) in enumerate(zip(orows, rows), 1):
        for j, (pfx, nonempty, l) in enumerate(row_lookups(r)):
            base = n + j * len(RESULT)
            res = dict(zip(RESULT, o[base:base + len(RESULT)]))
            where = f"row {i}" + (f" {pfx}" if pfx else "")
            if not nonempty:
                check(all(v == "" for v in res.values()), f"{where}: empty cell gives empty result columns: {res}")
                continue
            st = res["status"]
            check(st in STATUSES, f"{where}: status {st!r} is a contract status")
            want = expected_status(l)
            if not check(st == want, f"{where}: status {st!r}, the simulator says {want!r} ({l})"):
                continue
            if st == "invalid":
                check(res["error"] != "", f"{where}: invalid row has a reason in error")
                continue
            k = key(l)
            if st in ("scored", "failed"):
                check(res["job_id"] == jobs[k][0]["job_id"], f"{where}: job_id is the simulator's job")
            if st == "cached":
                check(res["job_id"] == "", f"{where}: cached row has no job_id")
            if st == "failed":
                check(res["error"] != "" and res["score"] == "", f"{where}: failed row has an error and no score")
            if st in ("cached", "scored"):
                c = payload(k)
                if check(c is not None, f"{where}: simulator has a payload for {k}"):
                    ok = (res["score"] == str(c["score"]) and res["tier"] == guard(c["tier"]) and
                          all(num_eq(res[g], c["agents"][g]) for g in AGENTS) and
                          res["knockouts"] == guard("; ".join(c["knockouts"])) and
                          res["display_name"] == guard(c["display_name"]) and
                          res["followers"] == str(c["followers"]) and
                          res["last_scored_at"] == guard(c["last_scored_at"]) and
                          res["public_profile_url"] == guard(c["public_profile_url"]) and res["error"] == "")
                    check(ok, f"{where}: result equals the simulator's payload: {res} vs {c}")
            if k in seen:
                check(seen[k][1] == res, f"{where}: same result as {seen[k][0]} (same creator {k})")
            else:
                seen[k] = (where, res)
else:
    if a.format == "json":
        try: objs = json.load(open(a.out))
        except Exception as e: objs = None; check(False, f"output parses as JSON: {e}")
    else:
        objs = []
        for ln, line in enumerate(open(a.out, encoding="utf-8").read().split("\n")):
            if line == "": continue
            try: objs.append(json.loads(line))
            except Exception as e: check(False, f"JSONL line {ln+1} parses: {e}: {line[:80]!r}")
    if objs is not None and check(isinstance(objs, list) and len(objs) == len(rows), f"one object per roster row ({len(rows)}): got {len(objs) if isinstance(objs, list) else type(objs)}"):
        for i, (o, r) in enumerate(zip(objs, rows), 1):
            check(isinstance(o, dict) and set(o) == {"row", "input", "lookups"}, f"row {i}: keys row,input,lookups: {list(o) if isinstance(o, dict) else o}")
            check(o.get("row") == i, f"object {i}: row is {o.get('row')}, the 1-based record number {i}")
            check(o.get("input") == dict(zip(header, r + [""] * (len(header) - len(r)))), f"row {i}: input is the row's cells by column: {o.get('input')}")
            lk = row_lookups(r)
            want = [x for x in lk if x[1]]
            got = o.get("lookups", [])
            if not check(len(got) == len(want), f"row {i}: {len(want)} lookup(s), got {len(got)}"): continue
            for (pfx, _, l), g in zip(want, got):
                where = f"row {i}" + (f" {pfx}" if pfx else "")
                check(set(g) == {"platform", "handle", "status", "creator", "error", "job_id"}, f"{where}: lookup keys: {sorted(g)}")
                st = g.get("status"); exp = expected_status(l)
                if not check(st == exp, f"{where}: status {st!r}, the simulator says {exp!r}"): continue
                if st == "invalid":
                    check(bool(g.get("error")), f"{where}: invalid lookup has an error"); continue
                k = key(l)
                check(g["platform"] == l[0] and g["handle"].lower() == l[1].lower(), f"{where}: platform/handle {g['platform']}/{g['handle']} = {l}")
                if st in ("cached", "scored"):
                    check(g["creator"] == payload(k), f"{where}: creator is the simulator's payload verbatim")
                    check(g["error"] in (None, ""), f"{where}: no error")
                else:
                    check(g["creator"] is None, f"{where}: no creator for status {st}")
                    check(bool(g["error"]), f"{where}: {st} has an error")
                if st == "cached": check(g["job_id"] in (None, ""), f"{where}: cached has no job_id")
                else: check(g["job_id"] == jobs[k][0]["job_id"], f"{where}: job_id is the simulator's job")

exp_exit = 1 if any(l is None for (p, ne, l) in [x for r in rows for x in row_lookups(r)] if ne) or any(j[0]["status"] == "failed" for j in jobs.values()) else 0
print(f"EXIT {exp_exit}")
for ok, what in results:
    if what.endswith(": "): continue
    print(("ok " if ok else "FAIL ") + what)
PY

# verify NAME ROSTER OUT FORMAT RC [PREV_STATS]: the oracle's verdicts become checks.
verify() {
  local name=$1 roster=$2 out=$3 fmt=$4 rc=$5 prev=${6:-}
  # A plain `sim_stats >file` that failed here (a loaded machine, the sanitized simulator) ended
  # the suite under set -e with no word after "nothing on stdout" (issue 17, item 18): now a
  # failed check, with sim_stats' reason above it, and the next roster still runs.
  if ! sim_stats >"$WORK/stats.json"; then fail "$name: could not read the simulator's stats"; return; fi
  python3 "$WORK/verify.py" --name "$name" --roster "$roster" --out "$out" --format "$fmt" \
    --stats "$WORK/stats.json" ${prev:+--prev-stats "$prev"} --url "$SIM_URL" --key "$KEY" >"$WORK/verdicts" 2>&1 \
    || { fail "$name: the oracle crashed: $(tail -3 "$WORK/verdicts")"; return; }
  local want; want=$(sed -n 's/^EXIT //p' "$WORK/verdicts")
  if [ "$rc" = "$want" ]; then pass "$name: exit $rc per contract"; else fail "$name: exit $rc, expected $want"; fi
  local nok nfail
  nok=$(grep -c '^ok ' "$WORK/verdicts" || true)
  { grep '^FAIL ' "$WORK/verdicts" || true; } | sed 's/^FAIL //' | while IFS= read -r line; do echo "FAIL - $line" >&3; done
  nfail=$(grep -c '^FAIL ' "$WORK/verdicts" || true)
  FAILURES=$((FAILURES + nfail))
  pass "$name: $nok oracle checks passed"
}

# run_one NAME ROSTER OUT [extra args]: fresh simulator, one run, verify.
run_one() {
  local name=$1 roster=$2 out=$3; shift 3
  start_sim --seed 11 --min-job 10m --max-job 12m
  local fmt=csv rc=0
  case "$out" in *.json) fmt=json ;; *.jsonl) fmt=jsonl ;; esac
  "$ROSTER_ENRICH" run "$roster" -o "$out" --state "$WORK/$name.db" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || rc=$?
  check "$name: nothing on stdout when -o is a file" test ! -s "$WORK/$name.stdout"
  verify "$name" "$roster" "$out" "$fmt" "$rc"
}

for spec in "long:$SAMPLES/roster.csv" "url:$SAMPLES/roster-url.csv" "wide:$SAMPLES/roster-wide.csv" \
            "semicolon_bom_crlf:$SAMPLES/roster-semicolon.csv" "mixed:$FIX/mixed.csv" \
            "pipe_url_crlf:$FIX/pipe_url.csv" "all_platforms:$FIX/all_platforms.csv"; do
  name=${spec%%:*}; roster=${spec#*:}
  run_one "$name.csv" "$roster" "$WORK/$name.out.csv"
done

# JSON to a file (format from the extension), on a fresh simulator: scored and failed lookups.
for spec in "wide:$SAMPLES/roster-wide.csv" "semicolon:$SAMPLES/roster-semicolon.csv" "mixed:$FIX/mixed.csv"; do
  name=${spec%%:*}; roster=${spec#*:}
  run_one "$name.json" "$roster" "$WORK/$name.out.json"
  # Then JSONL to stdout with the same state: the run completed, so this one starts afresh and
  # finds the scores cached (free); failed creators are submitted again.
  [ "$name" = mixed ] || continue
  sim_stats >"$WORK/prev.json"
  rc=0
  "$ROSTER_ENRICH" run "$roster" --format jsonl -o - --state "$WORK/$name.json.db" >"$WORK/$name.out.jsonl" 2>"$WORK/$name.jsonl.err" || rc=$?
  verify "$name.jsonl (second run)" "$roster" "$WORK/$name.out.jsonl" jsonl "$rc" "$WORK/prev.json"
done
finish
