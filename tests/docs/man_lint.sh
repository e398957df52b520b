#!/usr/bin/env bash
# docs.man_lint: the man page is clean under `mandoc -Tlint -W warning` (no warnings, no errors)
# and renders with every section the issue asks for.
#   MAN_PAGE=man/roster-enrich.1 bash tests/docs/man_lint.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"  # says what failed, and where
: "${MAN_PAGE:?set by ctest}"
command -v mandoc >/dev/null || { echo "mandoc is not installed (scripts/install-deps.sh)" >&2; exit 1; }

failures=0
if ! lint=$(mandoc -Tlint -W warning "$MAN_PAGE" 2>&1); then
  echo "FAIL - mandoc -Tlint -W warning:" >&2
  echo "$lint" >&2
  failures=$((failures + 1))
else
  echo "ok - mandoc -Tlint -W warning is clean"
fi

sections=$(grep '^\.Sh ' "$MAN_PAGE" | sed 's/^\.Sh //')
for want in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES OUTPUT "EXIT STATUS" COSTS EXAMPLES \
            "SEE ALSO"; do
  if grep -qxF "$want" <<<"$sections"; then
    echo "ok - section $want"
  else
    echo "FAIL - no section $want" >&2
    failures=$((failures + 1))
  fi
done

# Every name the contract fixes and the issue lists appears in the rendered page.
rendered=$(mandoc -Tutf8 "$MAN_PAGE" | sed 's/.\x08//g')
for word in CREATORSCORE_API_KEY CREATORSCORE_BASE_URL ROSTER_ENRICH_TIME_SCALE NO_COLOR XDG_STATE_HOME \
            HTTPS_PROXY NO_PROXY cached scored failed not_found pending skipped invalid \
            status score tier content_risk brand_safety sentiment authenticity audience_quality community_trust \
            roi_prediction knockouts display_name followers last_scored_at public_profile_url job_id \
            budget_exhausted insufficient_credits cs_; do
  if ! grep -qF -- "$word" <<<"$rendered"; then
    echo "FAIL - the rendered page never mentions '$word'" >&2
    failures=$((failures + 1))
  fi
done
# The exit-status list holds every code of the contract, each as its own item.
for code in 0 1 3 64 65 66 69 73 75 77; do
  if ! awk '/^\.Sh EXIT STATUS/{on=1; next} /^\.Sh /{on=0} on' "$MAN_PAGE" | grep -qx "\.It $code"; then
    echo "FAIL - EXIT STATUS has no item for $code" >&2
    failures=$((failures + 1))
  fi
done

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "ok - man page checks passed"
