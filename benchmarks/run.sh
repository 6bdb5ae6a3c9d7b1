#!/usr/bin/env bash
# riskmap beside the tools a user would pick instead (issue 4), in one run on the same input
# files: the smoothing kernel in memory and as a file-to-file program against OpenCV
# GaussianBlur and SciPy gaussian_filter, the quarterly job end to end against a Python
# GDAL/NumPy/SciPy pipeline (benchmarks/peer_pipeline.py), this machine's memory bandwidth
# (STREAM triad), and one table: median wall time, Mpx/s, peak RSS, ratio to each peer, share
# of the memory-bandwidth bound. Checks that the tools produced the same maps.
#
#   benchmarks/run.sh PRESET [--sigma PX] [--repeats N] [--e2e-repeats N] [--threads LIST]
#                            [--only PARTS]
#   benchmarks/run.sh SIGMA_PX [REPEATS]      the kernel comparison alone, district preset
#
# PRESET: district | province | national (made once by `riskmap synth` into build/bench-PRESET).
# --sigma: Gaussian sigma of the kernel and smooth parts in pixels (20); --repeats: runs per
# kernel/smooth measurement (5); --e2e-repeats: runs per end-to-end measurement (3);
# --only: comma-separated subset of kernel,smooth,e2e; --threads: comma-separated thread
# counts (1,2). The national preset defaults to --repeats 3 --e2e-repeats 1 --threads 2
# --only smooth,e2e: one end-to-end run there takes about ten minutes, the whole-array peers
# do not fit in memory (they are reported as skipped), and the in-memory kernel part would
# hold two 4.4 GB layers to say what the province already says.
# Installs its peers from Debian packages when missing and builds riskmap (Release) if needed.
# The table is also written to build/bench-PRESET/runs/table.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/benchmarks
python=/usr/bin/python3 # the Debian interpreter, which has the Debian modules
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the checkout
riskmap=$root/build/src/cli/riskmap
bench_kernels=$root/build/benchmarks/riskmap_bench_kernels
bench_memory=$root/build/benchmarks/riskmap_bench_memory
threads_list=(1 2)

usage() { # the header comment from the usage lines on
    awk '/^#   benchmarks/ {on = 1} on && !/^#/ {exit} on {sub(/^# ?/, ""); print}' "$0" >&2
    exit 2
}

parse_args() {
    sigma=20 repeats=5 e2e_repeats=3 parts=kernel,smooth,e2e
    [ $# -ge 1 ] || usage
    if [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; then # the former interface: SIGMA [REPEATS]
        preset=district sigma=$1 repeats=${2:-5} parts=kernel
        return
    fi
    preset=$1
    shift
    if [ "$preset" = national ]; then
        repeats=3 e2e_repeats=1 threads_list=(2) parts=smooth,e2e
    fi
    while [ $# -gt 0 ]; do
        [ $# -ge 2 ] || usage
        case $1 in
        --sigma) sigma=$2 ;;
        --repeats) repeats=$2 ;;
        --e2e-repeats) e2e_repeats=$2 ;;
        --threads) IFS=, read -r -a threads_list <<<"$2" ;;
        --only) parts=$2 ;;
        *) usage ;;
        esac
        shift 2
    done
    case $preset in district | province | national) ;; *) usage ;; esac
}

wants() { [[ ,$parts, == *,$1,* ]]; }

install_peers() {
    local missing=() p
    for p in python3-opencv python3-scipy python3-gdal python3-numpy; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "run.sh: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# A Release build of the three programs; a missing or non-Release build/ is (re)made by
# scripts/build.sh, an existing one only brought up to date for these targets.
ensure_built() {
    if [ -x "$riskmap" ] && grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$root/build/CMakeCache.txt"; then
        cmake --build "$root/build" -j2 --target riskmap riskmap_bench_kernels riskmap_bench_memory >/dev/null
    else
        bash "$root/scripts/build.sh" >/dev/null
    fi
}

synthesize() {
    [ -f "$data/.synth-complete" ] && return
    echo "run.sh: riskmap synth --preset $preset --out $data" >&2
    local status=0
    "$riskmap" synth --preset "$preset" --out "$data" 2>"$runs/synth.err" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "run.sh: this riskmap cannot make the '$preset' preset (riskmap synth exit $status):" >&2
        sed 's/^/  /' "$runs/synth.err" >&2
        exit 1
    fi
    touch "$data/.synth-complete"
}

measure() { "$python" "$here/measure.py" --results "$results" "$@"; }

# compare LABEL REFERENCE OTHER TOLERANCE-FLAGS...: the two tools made the same map?
compare() {
    local label=$1 reference=$2 other=$3
    shift 3
    if [ -f "$reference" ] && [ -f "$other" ]; then
        "$python" "$here/compare_maps.py" "$label" "$reference" "$other" --json "$checks" "$@" >&2 || true
    else
        echo "run.sh: $label not compared: a map is missing" >&2
    fi
}

memory_bandwidth() {
    local t
    for t in "${threads_list[@]}"; do
        measure --section memory --tool stream-triad --threads "$t" \
            --inner "gbench:BM_StreamTriad/$t/real_time" -- "$bench_memory" \
            --benchmark_filter="^BM_StreamTriad/$t/" --benchmark_repetitions="$repeats" \
            --benchmark_report_aggregates_only=true --benchmark_format=json
    done
}

# The filter call alone on the population band (nodata as 0), in memory.
kernel_part() {
    local t
    for t in "${threads_list[@]}"; do
        measure --section kernel --tool riskmap --threads "$t" \
            --inner "gbench:BM_GaussianRaster/$t/real_time" \
            --needs-bytes-per-px 16 --raster "$population" -- "$bench_kernels" \
            --raster="$population" --sigma-px="$sigma" --benchmark_filter="^BM_GaussianRaster/$t/" \
            --benchmark_repetitions="$repeats" --benchmark_report_aggregates_only=true \
            --benchmark_format=json
        measure --section kernel --tool opencv --threads "$t" --inner json \
            --needs-bytes-per-px 16 --raster "$population" -- \
            "$python" "$here/smooth_peers.py" kernel opencv "$population" "$sigma" "$t" "$repeats"
    done
    measure --section kernel --tool scipy --threads 1 --inner json \
        --needs-bytes-per-px 16 --raster "$population" -- \
        "$python" "$here/smooth_peers.py" kernel scipy "$population" "$sigma" 1 "$repeats"
}

# Whole programs, GeoTIFF in, GeoTIFF out, nodata by normalised convolution.
smooth_part() {
    local t
    for t in "${threads_list[@]}"; do
        measure --section smooth --tool riskmap --threads "$t" --repeats "$repeats" \
            --clean "$runs/smooth-riskmap-$t.tif" -- "$riskmap" smooth "$population" \
            "$runs/smooth-riskmap-$t.tif" --bandwidth-px "$sigma" --threads "$t"
        measure --section smooth --tool opencv --threads "$t" --repeats "$repeats" \
            --clean "$runs/smooth-opencv-$t.tif" --needs-bytes-per-px 40 --raster "$population" -- \
            "$python" "$here/smooth_peers.py" file opencv "$population" \
            "$runs/smooth-opencv-$t.tif" "$sigma" "$t"
    done
    measure --section smooth --tool scipy --threads 1 --repeats "$repeats" \
        --clean "$runs/smooth-scipy-1.tif" --needs-bytes-per-px 40 --raster "$population" -- \
        "$python" "$here/smooth_peers.py" file scipy "$population" "$runs/smooth-scipy-1.tif" "$sigma" 1
    # riskmap's recursive Gaussian is within 3.5e-4 of the layer maximum of the exact kernel.
    compare "smoothed population, riskmap vs OpenCV" "$runs/smooth-riskmap-${threads_list[-1]}.tif" \
        "$runs/smooth-opencv-${threads_list[-1]}.tif" --max-median 1e-4 --relative --max-mismatch 0
    compare "smoothed population, riskmap vs SciPy" "$runs/smooth-riskmap-${threads_list[-1]}.tif" \
        "$runs/smooth-scipy-1.tif" --max-median 1e-4 --relative --max-mismatch 0
}

# The quarterly job on the preset's config, inputs pointed at the preset's files.
e2e_part() {
    local t
    for t in "${threads_list[@]}"; do
        measure --section e2e --tool riskmap --threads "$t" --repeats "$e2e_repeats" \
            --clean "$runs/e2e-riskmap-$t" -- "$riskmap" run --config "$config" --quiet \
            --inputs.villages "$data/villages.gpkg" --inputs.records "$data/records.csv" \
            --inputs.population "$population" --inputs.sanitation "$data/sanitation.tif" \
            --output.dir "$runs/e2e-riskmap-$t" --threads "$t"
    done
    measure --section e2e --tool python --threads 1 --repeats "$e2e_repeats" \
        --clean "$runs/e2e-python" --needs-bytes-per-px 160 --raster "$population" \
        --log "$runs/e2e-python.log" -- \
        "$python" "$here/peer_pipeline.py" --config "$config" --data "$data" --out "$runs/e2e-python"
    # Same rate up to the recursive kernel's error; pixels at the min_denominator edge may differ.
    compare "stunting_rate.tif, riskmap run vs Python pipeline" \
        "$runs/e2e-riskmap-${threads_list[-1]}/stunting_rate.tif" "$runs/e2e-python/stunting_rate.tif" \
        --max-median 1e-3 --max-mismatch 0.001
}

parse_args "$@"
install_peers
ensure_built
data=$root/build/bench-$preset
runs=$data/runs
population=$data/population.tif
results=$runs/results.jsonl
config=$root/configs/$preset.ini # the district's job unless the preset has its own
[ -f "$config" ] || config=$root/configs/district.ini
checks=$runs/checks.jsonl
mkdir -p "$runs"
rm -f "$results" "$checks"
synthesize

echo "# benchmarks/run.sh $* ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
    "load average at start $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$runs/table.md"
memory_bandwidth
if wants kernel; then kernel_part; fi
if wants smooth; then smooth_part; fi
if wants e2e; then e2e_part; fi
status=0
"$python" "$here/report.py" --results "$results" --checks "$checks" --raster "$population" \
    --sigma "$sigma" --indicators "$(grep -c '^\[indicator\.' "$config")" \
    --run-json "$runs/e2e-riskmap-${threads_list[-1]}/run.json" --peer-log "$runs/e2e-python.log" |
    tee -a "$runs/table.md" || status=$?
echo "(load average at end $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$runs/table.md"
exit "$status"
