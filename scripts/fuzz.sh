#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time on a
# copy of its seed corpus; fails on any crash, leak, timeout or out-of-memory.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      default 60
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
    -DRISKMAP_FUZZ=ON -DRISKMAP_SANITIZE=address,undefined,fuzzer-no-link >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_csv fuzz_config fuzz_village_code fuzz_period \
    fuzz_register fuzz_crosswalk fuzz_sheet_cells fuzz_wkb_polygons
for target in csv config village_code period register crosswalk sheet_cells wkb_polygons; do
    corpus=$root/tests/fuzz/corpus/${target/village_code/code}
    work=$root/build-fuzz/corpus/$target
    mkdir -p "$work"
    echo "fuzz.sh: fuzz_$target for ${seconds} s"
    LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
        "$root/build-fuzz/tests/fuzz/fuzz_$target" "$work" "$corpus" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2>"$work.log" || { tail -50 "$work.log"; echo "fuzz.sh: fuzz_$target FAILED"; exit 1; }
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" | tr '\n' ' '
    echo
done
echo "fuzz.sh: 8 targets, ${seconds} s each, no crash"
