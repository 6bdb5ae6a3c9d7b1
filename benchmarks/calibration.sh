#!/usr/bin/env bash
# Calibration of riskmap's uncertainty against known synthetic truth (issue 12): for every
# scenario — between-village CV kappa of the true rates, expected maternal deaths in the map
# per quarter, stunting near (16 %) or far (30 %) from its 14 % target — REPS independent
# districts are generated (`riskmap synth --truth-cv --maternal-events --stunting-mean`,
# two quarters from the same truth), run with the fixed and the adaptive kernel
# (pool_periods 1: the deaths a run sees are the scenario's), and scored with
# `riskmap accuracy --calibration`; then the province at two scenarios. Prints the tables of
# benchmarks/RESULTS.md ("Calibration").
#   benchmarks/calibration.sh [REPS] [PROVINCE_REPS]     default 10 and 2 (about 35 min)
# A subset for tuning: KAPPAS="0.2 1" DEATHS="12 48" RUN_ARGS="--uncertainty.kappa_scale 1.5";
# KAPPAS="prior" draws each replicate's kappa from the hyperprior (Bayesian calibration).
set -euo pipefail
reps=${1:-10}
province_reps=${2:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/src/cli/riskmap
[ -x "$bin" ] || bash "$root/scripts/build.sh" >/dev/null
work=${WORK:-$root/build/calibration}
rm -rf "$work" && mkdir -p "$work"
# A copy, so that a rebuild during the hour this takes cannot swap the binary under it.
# The config too: a key added to it during the run would be unknown to the copied binary.
cp "$bin" "$work/riskmap" && bin=$work/riskmap
cp "$root/configs/district.ini" "$work/district.ini" && config=$work/district.ini
all=$work/calibration.csv
: >"$all"

# kappa "prior": each replicate draws its true kappa from the default hyperprior (half-normal,
# scale 1), so that the scenarios pooled are what the posterior is calibrated for on average.
truth_kappa() { # kappa seed
    if [ "$1" = prior ]; then
        /usr/bin/python3 -c 'import random, sys
print("%.4f" % abs(random.Random(int(sys.argv[1])).gauss(0, 1)))' "$2"
    else
        echo "$1"
    fi
}

one() { # preset kappa deaths stunting seed
    local preset=$1 kappa=$2 deaths=$3 stunting=$4 seed=$5
    local data=$work/data out=$work/out
    rm -rf "$data" "$out"
    "$bin" synth --preset "$preset" --seed "$seed" --quarters 2 --out "$data" \
        --truth-cv "$(truth_kappa "$kappa" "$seed")" --maternal-events "$deaths" \
        --stunting-mean "$stunting"
    for kernel in fixed adaptive; do
        local extra=()
        [ "$kernel" = adaptive ] && extra=(--smoothing.adaptive true
            --indicator.maternal.min_denominator 1000 --indicator.stunting.min_denominator 300)
        # shellcheck disable=SC2086
        "$bin" run --config "$config" --quiet --inputs.pool_periods 1 ${RUN_ARGS:-} \
            --inputs.villages "$data/villages.gpkg" --inputs.records "$data/records.csv" \
            --inputs.population "$data/population.tif" --inputs.sanitation "$data/sanitation.tif" \
            --output.dir "$out/$kernel" --output.cube "" "${extra[@]}"
        "$bin" accuracy --calibration --truth "$data" "$out/$kernel" |
            awk -v p="$preset,$kappa,$deaths,$stunting,$seed,$kernel" -v h="$([ -s "$all" ] && echo 0 || echo 1)" \
                'NR == 1 { if (h == 1) print "preset,kappa,deaths,stunting_mean,seed,kernel," $0; next }
                 { print p "," $0 }' >>"$all"
    done
}

start=$(date +%s)
seed=1
for kappa in ${KAPPAS:-0 0.2 0.5 1}; do
    for deaths in ${DEATHS:-0.5 3 12 48 400}; do
        for r in $(seq 1 "$reps"); do
            stunting=$([ $((r % 2)) = 0 ] && echo 0.30 || echo 0.16)
            one district "$kappa" "$deaths" "$stunting" "$seed"
            seed=$((seed + 1))
        done
    done
done
for kappa in ${PROVINCE_KAPPAS:-0.2 0.5}; do
    for deaths in ${PROVINCE_DEATHS:-48 400}; do
        for r in $(seq 1 "$province_reps"); do
            one province "$kappa" "$deaths" 0.16 "$seed"
            seed=$((seed + 1))
        done
    done
done
echo "calibration: $0 $*  ($(( ($(date +%s) - start) / 60 )) min; raw sums in $all)"
echo
/usr/bin/python3 "$root/benchmarks/calibration_table.py" "$all"
