#!/usr/bin/env bash
# Side-by-side benchmark of the smoothing kernel (issue 4, first part): riskmap's Gaussian
# (Google Benchmark, in-memory, 1000 x 1000 float32) against OpenCV GaussianBlur and SciPy
# gaussian_filter on an array of the same size, same sigma, 1 and 2 threads; medians.
#   benchmarks/run.sh [SIGMA_PX] [REPEATS]        default 20 px, 5 repeats
# Installs its peers from Debian (python3-opencv, python3-scipy) when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sigma=${1:-20}
repeats=${2:-5}
for p in python3-opencv python3-scipy python3-gdal; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"
done
[ -x "$root/build/benchmarks/riskmap_bench_kernels" ] || bash "$root/scripts/build.sh" >/dev/null
work=$root/build/bench-smooth
mkdir -p "$work"
[ -f "$work/district/population.tif" ] ||
    "$root/build/src/cli/riskmap" synth --preset district --out "$work/district" >/dev/null

riskmap_row() { # threads cpus kernel
    taskset -c "$2" "$root/build/benchmarks/riskmap_bench_kernels" \
        --benchmark_filter="^BM_Gaussian${3^}/$sigma\$" \
        --benchmark_repetitions="$repeats" --benchmark_report_aggregates_only=true \
        --benchmark_out="$work/gb.json" --benchmark_out_format=json >/dev/null
    /usr/bin/python3 - "$work/gb.json" "$1" "$3" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
median = [b for b in runs if b.get("aggregate_name") == "median"][0]
seconds = median["real_time"] / 1e3 if median["time_unit"] == "ms" else median["real_time"] / 1e9
print(f"riskmap_{sys.argv[3]},{sys.argv[2]},{seconds:.6f},{1e6 / seconds / 1e6:.1f}")
PY
}

echo "tool,threads,median_s,Mpx_per_s   (1000 x 1000 float32, sigma $sigma px, $repeats runs)"
{
    riskmap_row 1 0 fast
    riskmap_row 1 0 exact
    taskset -c 0 /usr/bin/python3 "$root/benchmarks/smooth_peers.py" \
        "$work/district/population.tif" "$sigma" 1 "$repeats"
    riskmap_row 2 0,1 fast
    riskmap_row 2 0,1 exact
    /usr/bin/python3 "$root/benchmarks/smooth_peers.py" \
        "$work/district/population.tif" "$sigma" 2 "$repeats"
} | tee "$work/results.csv"
