#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test; then build the
# same code with AddressSanitizer and UndefinedBehaviorSanitizer and run the unit, client and
# integration tests again on it (the fuzz targets are sanitized builds of their own).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"

ROSTER_ENRICH_BUILD_DIR=build-sanitize ROSTER_ENRICH_SANITIZE="address;undefined" scripts/build.sh
# A sanitizer's report fails the test that ran into it: ASan and LeakSanitizer exit 86, UBSan
# aborts; neither code is one the product uses (PRODUCT.md's exit codes), so no test mistakes one
# for an expected failure.
export ASAN_OPTIONS="exitcode=86:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)" -L 'unit|integration'
