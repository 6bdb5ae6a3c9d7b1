#!/usr/bin/env bash
# MPI scaling (issue 17): one run of a preset as 1 rank x 2 threads and 2 ranks x 1 thread
# (and 1 x 1), each rank's wall, CPU and file-system bytes (GNU time), the per-tile trace
# (run.trace), and benchmarks/scaling_model.py's prediction checked against them and carried
# to 256 ranks.
#
#   benchmarks/mpi_scaling.sh [PRESET [SCALE]]
#
# PRESET: province (default), district or national (made once by `riskmap synth` into
# build/bench-PRESET, as benchmarks/run.sh does). SCALE: the pixel factor of the predicted
# table (9 for the national grid at 1 arc second instead of 3; default 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:-province}
scale=${2:-1}
riskmap=$root/build/src/cli/riskmap
data=$root/build/bench-$preset
runs=$data/runs/mpi
[ -x "$riskmap" ] || bash "$root/scripts/build.sh"
if [ ! -f "$data/.synth-complete" ]; then
    "$riskmap" synth --preset "$preset" --out "$data" >/dev/null
    touch "$data/.synth-complete"
fi
if [ "$preset" = national ]; then
    args=(run --config "$data/national.ini")
else
    args=(run --config "$root/configs/district.ini" --inputs.villages "$data/villages.gpkg"
        --inputs.records "$data/records.csv" --inputs.population "$data/population.tif"
        --inputs.sanitation "$data/sanitation.tif")
fi
[ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
rm -rf "$runs"
mkdir -p "$runs"

# run LABEL RANKS THREADS: prints the wall seconds; GNU time writes each rank's line.
run() {
    local label=$1 ranks=$2 threads=$3 start end
    start=$(date +%s.%N)
    mpirun --oversubscribe --bind-to none -np "$ranks" /usr/bin/time -a -o "$runs/$label.ranks" \
        -f "%e %U %S %I %O" "$riskmap" "${args[@]}" --threads "$threads" --quiet \
        --output.dir "$runs/$label" --run.trace "$runs/$label-trace.csv" >&2
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.2f}')"
}

declare -A wall
for config in 1x1 1x2 2x1; do
    wall[$config]=$(run "$config" "${config%x*}" "${config#*x}")
done

echo "| ranks x threads | wall | maps.pixels | its ranks' part | write.maps (rank 0) | per rank: wall, CPU (user + sys), read, written |"
echo "|---|---:|---:|---:|---:|---|"
for config in 1x1 1x2 2x1; do
    python3 - "$runs/$config/run.json" "$runs/$config.ranks" "$config" "${wall[$config]}" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))["timings_s"]
ranks = []
for line in open(sys.argv[2]):
    e, u, s, i, o = line.split()
    # GNU time counts file-system blocks of 512 bytes
    ranks.append(f"{float(e):.1f} s, {float(u) + float(s):.1f} s, {int(i) * 512 / 2**20:.0f} MiB, "
                 f"{int(o) * 512 / 2**20:.0f} MiB")
print(f"| {sys.argv[3]} | {float(sys.argv[4]):.1f} s | {t['maps.pixels']:.1f} s | "
      f"{t.get('maps.pixels.ranks', float('nan')):.1f} s | {t['write.maps']:.1f} s | "
      f"{'; '.join(ranks)} |")
EOF
done
echo
echo "Model at 1 thread per rank (trace of 1x1; 2x1 predicted):"
python3 "$root/benchmarks/scaling_model.py" --trace "$runs/1x1-trace.csv" \
    --run-json "$runs/1x1/run.json" --wall "${wall[1x1]}" \
    --measured "2x1:2:$runs/2x1/run.json:${wall[2x1]}" --scale "$scale"
