#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test; then build the
# same code with AddressSanitizer and UndefinedBehaviorSanitizer and run the unit, client and
# integration tests again on it (the fuzz targets are sanitized builds of their own).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

# The sanitized tree builds, at low priority, while the plain tree's tests run: those spend most
# of their time waiting on time-scaled simulators, and the overlap keeps CI inside 20 minutes.
mkdir -p build-sanitize
ROSTER_ENRICH_BUILD_DIR=build-sanitize ROSTER_ENRICH_SANITIZE="address;undefined" \
  nice -n 15 scripts/build.sh >build-sanitize/build.log 2>&1 &
sanitized_build=$!
plain_tests=0
ctest --test-dir build --output-on-failure -j "$(nproc)" || plain_tests=$?
if ! wait "$sanitized_build"; then
  tail -n 60 build-sanitize/build.log
  echo "scripts/test.sh: the sanitized build failed (whole log: build-sanitize/build.log)" >&2
  exit 1
fi

# A sanitizer's report fails the test that ran into it: ASan and LeakSanitizer exit 86, UBSan
# aborts; neither code is one the product uses (PRODUCT.md's exit codes), so no test mistakes one
# for an expected failure.
export ASAN_OPTIONS="exitcode=86:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
sanitized_tests=0
ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)" -L 'unit|integration' || sanitized_tests=$?
if [ "$plain_tests" -ne 0 ] || [ "$sanitized_tests" -ne 0 ]; then
  echo "scripts/test.sh: tests failed (plain build: ctest exit $plain_tests; sanitized build: ctest exit $sanitized_tests)" >&2
  exit 1
fi
