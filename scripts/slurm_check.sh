#!/usr/bin/env bash
# The README's Slurm batch script ("On a cluster: MPI ranks"), run as written on a Slurm whose
# node is this machine: the script is taken from the README, only its config (the sample
# district instead of national.ini), its output folder and its resources (given on sbatch's
# command line: 2 tasks of 1 CPU on 1 node) change. Then `srun --mpi=pmix --cpu-bind=none`,
# which the README names for a PMIx-enabled Slurm. Each must give the bytes of a one-process
# run. Needs slurmctld and slurmd running (scripts/slurm_local.sh starts a one-node Slurm;
# scripts/test.sh runs both).
#   scripts/slurm_check.sh [WORK]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/slurm-check}
[ -x "$root/build/src/cli/riskmap" ] || bash "$root/scripts/build.sh" >/dev/null
rm -rf "$work" && mkdir -p "$work/bin" "$work/configs"
# A copy on the PATH the job inherits (sbatch exports this environment).
cp "$root/build/src/cli/riskmap" "$work/bin/riskmap"
export PATH=$work/bin:$PATH
[ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
riskmap synth --preset district --quarters 2 --out "$work/data/district" >/dev/null
# The sample config under the name the script uses (its paths are relative to it), with tiles
# of 512 so that both ranks compute some (run.tile_size: the script's command stays as written).
{ cat "$root/configs/district.ini"; printf '\n[run]\ntile_size = 512\n'; } >"$work/configs/national.ini"
cd "$work/configs"

# The batch script: from its "#!/bin/bash" line to the end of its code block.
awk '/^A Slurm batch script/ { armed = 1 } armed && /^#!\/bin\/bash/ { on = 1 }
     on && /^```/ { exit } on { print }' "$root/README.md" |
    sed "s|/shared/\$USER/riskmap/2025Q3|$work/sbatch|" >"$work/job.sh"
grep -q '^mpirun' "$work/job.sh" || { echo "slurm_check: no batch script in the README" >&2; exit 1; }

riskmap run --config national.ini --quiet --output.dir "$work/plain"
# A job that cannot start (a drained node) must not hang the test command.
timeout 600 sbatch --wait --quiet --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
    --output="$work/sbatch.log" "$work/job.sh" || { cat "$work/sbatch.log" >&2; exit 1; }
timeout 600 srun --mpi=pmix --cpu-bind=none --nodes=1 --ntasks=2 --cpus-per-task=1 \
    riskmap run --config national.ini --threads 1 --quiet --output.dir "$work/srun"

# Every file the same but run.json, which differs only in timings, resources and its folder.
same() { # reference other
    diff -rq -x run.json -x '.riskmap-*' "$1" "$2"
    /usr/bin/python3 - "$1/run.json" "$2/run.json" "$1" "$2" <<'EOF'
import json, sys
def load(path, folder):
    text = open(path).read().replace(folder, "OUT")
    report = json.loads(text)
    for key in ("timings_s", "resources"):
        report.pop(key, None)
    report["config"].pop("run.threads", None)
    return report
a, b = load(sys.argv[1], sys.argv[3]), load(sys.argv[2], sys.argv[4])
if a != b:
    sys.exit("run.json differs: " + ", ".join(k for k in a if a.get(k) != b.get(k)))
EOF
}
same "$work/plain" "$work/sbatch"
same "$work/plain" "$work/srun"
for run in sbatch srun; do
    ranks=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["resources"]["ranks"])' "$work/$run/run.json")
    [ "$ranks" = 2 ] || { echo "slurm_check: $run ran $ranks rank(s), not 2" >&2; exit 1; }
done
echo "slurm_check: the README's batch script (sbatch, mpirun inside, 2 ranks) and srun --mpi=pmix give the bytes of one process"
