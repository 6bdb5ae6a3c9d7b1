#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a tested build: installs what is missing,
# checks formatting, builds with warnings as errors, runs clang-tidy (scripts/tidy.sh) and runs the whole test suite, again under
# an Indonesian locale (decimal commas: numbers must never depend on it), and once more built
# with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install.sh
bash scripts/check_format.sh
bash scripts/build.sh
bash scripts/tidy.sh

cd "$root/build"
ctest --output-on-failure -j2
echo "test.sh: again under LC_ALL=id_ID.UTF-8"
LC_ALL=id_ID.UTF-8 ctest --output-on-failure -j2

echo "test.sh: the README's Slurm batch script and srun on a one-node Slurm"
bash "$root/scripts/slurm_local.sh"
bash "$root/scripts/slurm_check.sh"

echo "test.sh: again under AddressSanitizer + UndefinedBehaviorSanitizer"
cd "$root"
cmake --preset asan >/dev/null
cmake --build build-asan -j"$(nproc)"
cd "$root/build-asan"
ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
    LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j2 --timeout 1200

echo "test.sh: fuzzing the CSV, config, code, period, child-register, crosswalk and spreadsheet readers and WKB polygons"
bash "$root/scripts/fuzz.sh" "${RISKMAP_FUZZ_SECONDS:-60}"

echo "test.sh: the threaded tests under ThreadSanitizer"
cd "$root"
cmake --preset tsan >/dev/null
cmake --build build-tsan -j"$(nproc)" --target riskmap riskmap_tests
cd "$root/build-tsan"
# The scheduler runs on std::threads in this build (see src/sched/parallel_rows.cpp); riskmap
# has no other thread pool (no OpenMP runtime since `riskmap synth` moved onto the scheduler).
TSAN_OPTIONS="halt_on_error=1 suppressions=$root/tests/tsan.supp" \
    ctest --output-on-failure -j2 --timeout 1200 \
    -R '^(GaussianKernel|GaussianFast|TiledGaussian|AdaptiveBandwidth|PixelPosterior|Stages|Quarters\.(Second|Earlier)|SmoothCommand\.Streams|District\.SameInputs|NationalSynth\.SameBytes|Cube\.TheSchedulers)'
