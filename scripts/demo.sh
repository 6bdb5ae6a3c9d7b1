#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to maps: installs what is missing, builds,
# generates the sample district (once) and runs the quarterly job into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/build.sh
if [ ! -f data/district/records.csv ]; then
    ./build/riskmap synth --preset district --out data/district
fi
./build/riskmap run --config configs/district.ini "$@"
ls -l out/
