#!/usr/bin/env bash
# Wall time of two riskmap binaries side by side, alternating, on the synthetic presets:
# synth (district, province, national at scale 0.05) and run (district and province data
# with configs/district.ini). Prints each step's median over ROUNDS and after / before.
#   benchmarks/before_after.sh BEFORE/riskmap AFTER/riskmap [ROUNDS=3]
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
config="$(cd "$(dirname "$0")/.." && pwd)/configs/district.ini"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
times="$work/times.csv"
seconds() { # seconds taken by the command, or a failure
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "before_after.sh: failed: $*" >&2; exit 1; }
    end=$(date +%s.%N)
    python3 -c "print($end - $start)"
}
for _ in $(seq "$rounds"); do
    for side in before after; do
        bin=$before; [ "$side" = after ] && bin=$after
        for preset in district province; do
            data="$work/$side-$preset"
            rm -rf "$data" "$data-out"
            echo "synth $preset,$side,$(seconds "$bin" synth --preset "$preset" --quarters 4 --out "$data")" >>"$times"
            echo "run $preset,$side,$(seconds "$bin" run --config "$config" \
                --inputs.villages "$data/villages.gpkg" --inputs.records "$data/records.csv" \
                --inputs.population "$data/population.tif" --inputs.sanitation "$data/sanitation.tif" \
                --output.dir "$data-out")" >>"$times"
        done
        rm -rf "$work/$side-national"
        echo "synth national 0.05,$side,$(seconds "$bin" synth --preset national --scale 0.05 --out "$work/$side-national")" >>"$times"
    done
done
python3 - "$times" <<'PY'
import csv, statistics, sys
rows = list(csv.reader(open(sys.argv[1])))
steps = list(dict.fromkeys(r[0] for r in rows))
print("| step | before (s) | after (s) | after / before |\n|---|---:|---:|---:|")
for s in steps:
    med = {side: statistics.median(float(r[2]) for r in rows if r[0] == s and r[1] == side)
           for side in ("before", "after")}
    print(f"| {s} | {med['before']:.2f} | {med['after']:.2f} | {med['after'] / med['before']:.3f} |")
PY
