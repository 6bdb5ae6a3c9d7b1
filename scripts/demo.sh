#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to maps: installs what is missing, builds,
# generates the sample district (once: five quarters of records, 2024Q3 to 2025Q3, so the
# maternal deaths of both runs pool a whole rolling year) and runs
# the quarterly job for both quarters into out/, so out/ holds the 2025Q3 maps, the change
# since 2025Q2 and the quarterly cube out/riskmap.nc; then the same for the real village
# polygons of Kab. Purbalingga into out/purbalingga. Extra arguments go to every run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/build.sh
if ! grep -q 2024Q3 data/district/records.csv 2>/dev/null; then
    ./build/src/cli/riskmap synth --preset district --quarters 5 --out data/district
fi
./build/src/cli/riskmap run --config configs/district.ini --inputs.period 2025Q2 "$@"
./build/src/cli/riskmap run --config configs/district.ini "$@"
./build/src/cli/riskmap info out/
# A real regency beside it: real village polygons, synthetic counts (samples/boundaries, MIT).
if ! grep -q 2024Q3 data/purbalingga/records.csv 2>/dev/null; then
    ./build/src/cli/riskmap synth --villages samples/boundaries/boundaries_3303.gpkg \
        --villages-layer desa --village-code kode10 --village-name nama --quarters 5 \
        --out data/purbalingga
fi
./build/src/cli/riskmap run --config configs/purbalingga.ini --inputs.period 2025Q2 "$@"
./build/src/cli/riskmap run --config configs/purbalingga.ini "$@"
