#!/usr/bin/env bash
# Configures and builds into build/ (optimised, with debug info, warnings as errors).
#   scripts/build.sh [TARGET...]    default: everything, tests included
# ROSTER_ENRICH_BUILD_DIR (default build) and ROSTER_ENRICH_SANITIZE (e.g. "address;undefined")
# select a second, sanitized build beside the main one; scripts/test.sh uses both.
set -euo pipefail
cd "$(dirname "$0")/.."
# -g1 (line tables only) keeps backtraces and sanitizer reports readable at a quarter less compile
# time than -g, which keeps the demo, build included, under two minutes on two cores.
build_dir=${ROSTER_ENRICH_BUILD_DIR:-build}
sanitize=${ROSTER_ENRICH_SANITIZE:-}
if [ -n "$sanitize" ]; then
  # A sanitized tree finds faults rather than ships: -O1 (what the sanitizers' authors advise),
  # assertions on, and one compilation unit per source folder, which halves its compile time
  # (cmake/Unity.cmake) so that CI can afford it.
  flags="-O1 -g1"
  unity=${ROSTER_ENRICH_UNITY_FOLDERS:-ON}
else
  flags="-O2 -g1 -DNDEBUG"
  unity=${ROSTER_ENRICH_UNITY_FOLDERS:-OFF}
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" \
  -DROSTER_ENRICH_WERROR=ON -DROSTER_ENRICH_SANITIZE="$sanitize" -DROSTER_ENRICH_UNITY_FOLDERS="$unity" >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
