#!/usr/bin/env bash
# Output safety (PRODUCT.md, "Output"; exit 73): a full disk (/dev/full as --output), a read-only
# output directory and a read-only state directory each end with exit 73 and one clear line, and
# leave a previous output untouched and no temporary file behind. The two read-only directories
# are found before anything is submitted. A full disk shows only at the end: the results are kept,
# and running again with a writable --output resumes from the state file, submits nothing and
# charges nothing again.
#
# Root writes anywhere, so the read-only cases (and /dev/full itself) run the binary as an
# unprivileged user (setpriv, uid/gid 65534). The root case writes to a private /dev/full-like node
# (mknod c 1 7) in the work folder, never to /dev/full: were the output renamed over its target, only
# that node would be lost.
source "$(dirname "$0")/lib.sh"
FIX="$(cd "$(dirname "$0")" && pwd)/fixtures"
R="$ROSTER_ENRICH"
E="$WORK/err"
ROSTER="$FIX/all_platforms.csv"

stat_of() { sim_stats | json_get - "$1"; }
charged() { stat_of 'd["credits_charged_total"]'; }
submits() { stat_of 'd["requests_by_route"].get("POST /api/v1/creators/bulk", 0)'; }
# one_line FILE TEXT: FILE holds exactly one non-empty line, and it contains TEXT.
one_line() { [ "$(grep -c . "$1")" -eq 1 ] && grep -qF -- "$2" "$1"; }
# all_scored CSV: every row of the output has a score (the fixture has no invalid row).
all_scored() {
  python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
sys.exit(0 if rows and all(r["status"] in ("scored", "cached") and r["score"] for r in rows) else 1)' "$1"
}
no_temp_files() { [ "$(ls -A "$1" | grep -c '^\.')" -eq 0 ]; }

# Runs the command as an unprivileged user (as itself when not root).
if [ "$(id -u)" -ne 0 ]; then
  as_user() { "$@"; }
elif setpriv --reuid=65534 --regid=65534 --clear-groups -- true 2>/dev/null; then
  as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
  echo "running as root without a working setpriv: the unprivileged cases cannot run" >&2
  exit 125
fi
# The unprivileged side lives in a folder of its own under /tmp, with copies of the binary and the
# roster: a checkout under a private directory (mktemp -d makes them 0700, as CI's may be) hides
# WORK and the build tree from that user, and the suite must not skip because of where it runs.
P=$(mktemp -d "${TMPDIR:-/tmp}/roster-enrich-output-safety.XXXXXX")
chmod 755 "$P"
trap 'safety_status=$?; chmod -R u+rwx "$P" 2>/dev/null; rm -rf "$P"; cleanup "$safety_status"' EXIT
install -m 755 "$R" "$P/roster-enrich"
install -m 644 "$ROSTER" "$P/roster.csv"
RU="$P/roster-enrich"
ROSTER_U="$P/roster.csv"
U="$P/user"
mkdir -p "$U"
chmod 777 "$U"
if ! as_user test -r "$ROSTER_U" -a -x "$RU"; then
  echo "the unprivileged user cannot read $ROSTER_U or run $RU (is $P mounted noexec?)" >&2
  exit 125
fi

start_sim --seed 11 --min-job 2m --max-job 3m

# --- a full disk: a /dev/full-like node as root ---
# The node must behave as /dev/full (the file system could be mounted nodev: opening it fails then).
full_node_works() { mknod "$WORK/full" c 1 7 2>/dev/null && [[ "$( (printf x >"$WORK/full") 2>&1)" == *"No space left"* ]]; }
if full_node_works; then
  expect_exit 73 "full disk (root, a /dev/full node): exit 73" -- "$R" run "$ROSTER" -o "$WORK/full" --state "$WORK/full.db" -q 2>"$E"
  check "full disk: one line naming the output and the reason" one_line "$E" "cannot write $WORK/full: No space left on device"
  check "full disk: the line says the results are kept and how to get them" grep -qF "run again with a writable --output" "$E"
  check "full disk: the node is still a character device (not renamed over)" test -c "$WORK/full"
  charged_before=$(charged)
  submits_before=$(submits)
  expect_exit 0 "full disk: run again with a writable --output: exit 0" -- "$R" run "$ROSTER" -o "$WORK/after-full.csv" --state "$WORK/full.db" -q 2>"$E"
  check "full disk: the rerun submits nothing (resumed from the state file)" test "$(submits)" = "$submits_before"
  check "full disk: the rerun charges nothing" test "$(charged)" = "$charged_before"
  check "full disk: the rerun's output has every row scored" all_scored "$WORK/after-full.csv"
else
  echo "# cannot make a working device node here (nodev?): the root /dev/full case is covered unprivileged only" >&2
fi

# --- /dev/full itself, unprivileged ---
expect_exit 73 "/dev/full (unprivileged): exit 73" -- as_user "$RU" run "$ROSTER_U" -o /dev/full --state "$U/devfull.db" -q 2>"$E"
check "/dev/full: one line naming it and the reason" one_line "$E" "cannot write /dev/full: No space left on device"
check "/dev/full is still a character device" test -c /dev/full
charged_before=$(charged)
expect_exit 0 "/dev/full: run again with a writable --output: exit 0" -- as_user "$RU" run "$ROSTER_U" -o "$U/after-devfull.csv" --state "$U/devfull.db" -q 2>"$E"
check "/dev/full: the rerun charges nothing" test "$(charged)" = "$charged_before"
check "/dev/full: the rerun's output has every row scored" all_scored "$U/after-devfull.csv"

# --- a read-only output directory, unprivileged: refused after the key check, before any submit ---
mkdir -p "$P/ro-out"
printf 'previous output\n' >"$P/ro-out/out.csv"
chmod 555 "$P/ro-out"
chmod 666 "$P/ro-out/out.csv"  # the file itself is writable: only the directory is not
charged_before=$(charged)
submits_before=$(submits)
expect_exit 73 "read-only output directory: exit 73" -- as_user "$RU" run "$ROSTER_U" -o "$P/ro-out/out.csv" --state "$U/ro-out.db" -q 2>"$E"
check "read-only output directory: one line naming the output, the reason and what to do" one_line "$E" \
  "cannot write $P/ro-out/out.csv: Permission denied; nothing was submitted: give a writable --output and run again"
check "read-only output directory: nothing was submitted" test "$(submits)" = "$submits_before"
check "read-only output directory: nothing was charged" test "$(charged)" = "$charged_before"
check "read-only output directory: the previous output is untouched" test "$(cat "$P/ro-out/out.csv")" = "previous output"
check "read-only output directory: no temporary file left" no_temp_files "$P/ro-out"
expect_exit 0 "read-only output directory: run again with a writable --output: exit 0" -- as_user "$RU" run "$ROSTER_U" -o "$U/after-ro-out.csv" --state "$U/ro-out.db" -q 2>"$E"
check "read-only output directory: the rerun's output has every row scored" all_scored "$U/after-ro-out.csv"

# --- a read-only state directory, unprivileged: refused before any request ---
mkdir -p "$P/ro-state"
chmod 555 "$P/ro-state"
printf 'previous output\n' >"$U/prev.csv"
chmod 666 "$U/prev.csv"
requests_before=$(stat_of 'd["total_requests"]')
expect_exit 73 "read-only state directory: exit 73" -- as_user "$RU" run "$ROSTER_U" -o "$U/prev.csv" --state "$P/ro-state/s.db" -q 2>"$E"
check "read-only state directory: one line naming the state file" one_line "$E" "$P/ro-state"
check "read-only state directory: the line suggests --state" grep -qF -- "--state" "$E"
check "read-only state directory: no request sent" test "$(stat_of 'd["total_requests"]')" = "$requests_before"
check "read-only state directory: the previous output is untouched" test "$(cat "$U/prev.csv")" = "previous output"
check "read-only state directory: nothing left in it" test -z "$(ls -A "$P/ro-state")"

chmod 755 "$P/ro-out" "$P/ro-state"  # so the cleanup can remove them
finish
