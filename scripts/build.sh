#!/usr/bin/env bash
# Configures and builds into build/ (optimised, with debug info, warnings as errors).
#   scripts/build.sh [TARGET...]    default: everything, tests included
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_ENRICH_WERROR=ON >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
