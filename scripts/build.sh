#!/usr/bin/env bash
# Configures and builds riskmap in build/ (Release, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRISKMAP_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
