#!/usr/bin/env bash
# Fails unless the SSE2, AVX2 and AVX-512 versions of the recursive Gaussian's sweeps
# (kernels/gaussian_fast.cpp) and of the pixel posteriors' continued fractions
# (kernels/pixel_posterior.cpp), picked by CPU at load time in the real build, give the same
# bytes.
# Each version is built alone (RISKMAP_SIMD_TARGET), with the flags of kernels/CMakeLists.txt,
# and runs on this machine, which must support AVX-512F.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -q avx512f /proc/cpuinfo || { echo "check_simd_bytes.sh: this CPU has no AVX-512F" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for target in default avx2 avx512f; do
    g++ -std=c++20 -O3 -ffp-contract=off -Wno-psabi -I. -Isrc "-DRISKMAP_SIMD_TARGET=\"$target\"" \
        scripts/simd_bytes.cpp kernels/gaussian_fast.cpp kernels/gaussian_plan.cpp \
        kernels/pixel_posterior.cpp kernels/gamma_interval.cpp \
        kernels/empirical_bayes.cpp -o "$tmp/$target"
    "$tmp/$target" >"$tmp/$target.txt"
    echo "$target: $(cat "$tmp/$target.txt")"
done
cmp -s "$tmp/default.txt" "$tmp/avx2.txt" && cmp -s "$tmp/default.txt" "$tmp/avx512f.txt" ||
    { echo "check_simd_bytes.sh: the versions differ" >&2; exit 1; }
echo "check_simd_bytes.sh: same bytes from the SSE2, AVX2 and AVX-512 versions"
