#!/usr/bin/env bash
# Configures and builds into build/ (Release with assertions kept, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_ENRICH_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
