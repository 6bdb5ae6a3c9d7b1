#!/usr/bin/env bash
# Accuracy against the truth: scores crude rates, global EB, local EB, the fixed-bandwidth and
# the adaptive-bandwidth kernel on `riskmap synth` data whose true risk surfaces are known,
# averaged over several seeds (RMSE, Spearman rank correlation, 95 % interval coverage, and the
# share of the true top fifth of villages by excess cases that each estimator's top fifth finds).
#   benchmarks/accuracy.sh [PRESET] [SEEDS]      e.g. benchmarks/accuracy.sh district 10
set -euo pipefail
preset=${1:-district}
seeds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/src/cli/riskmap
[ -x "$bin" ] || bash "$root/scripts/build.sh" >/dev/null
work=${WORK:-$root/build/accuracy/$preset}
rm -rf "$work" && mkdir -p "$work"
all=$work/accuracy.csv

run_job() { # data_dir out_dir extra...
    local data=$1 out=$2
    shift 2
    "$bin" run --config "$root/configs/district.ini" --quiet \
        --inputs.villages "$data/villages.gpkg" --inputs.records "$data/records.csv" \
        --inputs.population "$data/population.tif" --inputs.sanitation "$data/sanitation.tif" \
        --output.dir "$out" "$@"
}

for seed in $(seq 1 "$seeds"); do
    data=$work/data-$seed
    "$bin" synth --preset "$preset" --seed "$seed" --out "$data"
    run_job "$data" "$work/$seed/fixed"
    # Adaptive: at least 1,000 live births and 300 children under the kernel (DESIGN.md).
    run_job "$data" "$work/$seed/adaptive" --smoothing.adaptive true \
        --indicator.maternal.min_denominator 1000 --indicator.stunting.min_denominator 300
    "$bin" accuracy --truth "$data" --format csv "$work/$seed/fixed" "$work/$seed/adaptive" |
        { if [ "$seed" = 1 ]; then cat; else tail -n +2; fi; } >>"$all"
    rm -rf "$data" "${work:?}/$seed"
done

echo "accuracy, preset $preset, mean over $seeds seed(s): $0 $*"
echo
echo "| indicator | estimator | RMSE | rank corr. | 95 % coverage | true top fifth found |"
echo "|---|---|---:|---:|---|---:|"
LC_ALL=C awk -F, 'NR > 1 {
    key = $1 "|" $2; if (!(key in n)) order[++k] = key
    n[key]++; rmse[key] += $4; rho[key] += $5
    if ($6 != "") { cov[key] += $6; what[key] = $7 }
    if ($8 != "") { top[key] += $8; tops[key]++ }
} END {
    for (i = 1; i <= k; i++) {
        key = order[i]; split(key, p, "|")
        c = (key in cov) ? sprintf("%.1f %% of %s", 100 * cov[key] / n[key], what[key]) : "-"
        t = (key in tops) ? sprintf("%.1f %%", 100 * top[key] / tops[key]) : "-"
        printf "| %s | %s | %.4g | %.3f | %s | %s |\n", p[1], p[2], rmse[key] / n[key], rho[key] / n[key], c, t
    }
}' "$all"
