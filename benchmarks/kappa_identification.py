#!/usr/bin/python3
"""What the maternal counts can tell about the between-village variation (issue 12).

For each true between-village coefficient of variation kappa and each expected number of
maternal deaths in the district per quarter, REPS independent districts are generated
(`riskmap synth --truth-cv --maternal-events`), run once (fixed kernel, one quarter), and the
posterior of kappa the run integrates over is read from run.json (uncertainty.maternal.villages:
the grid of (m, kappa, weight) points). If the posterior of kappa barely moves when the true
kappa goes from 0 to 1, the data cannot tell those worlds apart: any method's intervals are then
about the same in both, and cannot cover 95 % in both, since the true rates spread 0 in one and
100 % (CV) in the other.

    benchmarks/kappa_identification.py [REPS]        (default 10; about 3 s per district)

Environment: KAPPAS, DEATHS (space-separated lists), WORK (scratch folder).
Standard library only.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "src", "cli", "riskmap")
CONFIG = os.path.join(ROOT, "configs", "district.ini")


def run_district(work, kappa, deaths, seed):
    data, out = os.path.join(work, "data"), os.path.join(work, "out")
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run([BIN, "synth", "--preset", "district", "--seed", str(seed), "--quarters",
                    "1", "--out", data, "--truth-cv", str(kappa), "--maternal-events",
                    str(deaths), "--stunting-mean", "0.16"], **quiet)
    subprocess.run([BIN, "run", "--config", CONFIG, "--quiet", "--inputs.pool_periods", "1",
                    "--inputs.villages", data + "/villages.gpkg", "--inputs.records",
                    data + "/records.csv", "--inputs.population", data + "/population.tif",
                    "--inputs.sanitation", data + "/sanitation.tif", "--output.dir", out,
                    "--output.cube", ""], **quiet)
    with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
        return json.load(f)["uncertainty"]["maternal"]["villages"]


def kappa_posterior(villages):
    """Posterior mean of kappa and the posterior mass at kappa <= 0.25 and >= 0.6."""
    grid = villages["grid"]
    total = sum(p[2] for p in grid)
    mean = sum(p[1] * p[2] for p in grid) / total
    low = sum(p[2] for p in grid if p[1] <= 0.25) / total
    high = sum(p[2] for p in grid if p[1] >= 0.6) / total
    return mean, low, high, villages["events"], villages["self_check"]["coverage_95"]


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    kappas = os.environ.get("KAPPAS", "0 0.2 0.5 1").split()
    deaths = os.environ.get("DEATHS", "3 12 48 400").split()
    work = os.environ.get("WORK", os.path.join(ROOT, "build", "kappa_identification"))
    os.makedirs(work, exist_ok=True)
    # A copy, so that a rebuild while this runs cannot swap the binary under it.
    global BIN
    BIN = shutil.copy2(BIN, os.path.join(work, "riskmap"))
    print("| deaths expected | true κ | events seen (median) | posterior mean of κ: median "
          "over districts | 10–90 % over districts | P(κ ≤ 0.25) | P(κ ≥ 0.6) | "
          "self-check 95 % |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    seed = 1
    for d in deaths:
        for k in kappas:
            rows = []
            for _ in range(reps):
                rows.append(kappa_posterior(run_district(work, k, d, seed)))
                seed += 1
            means = sorted(r[0] for r in rows)
            q = statistics.quantiles(means, n=10) if len(means) > 1 else [means[0]] * 9
            print("| %s | %s | %.0f | %.2f | %.2f–%.2f | %.2f | %.2f | %.1f %% |" % (
                d, k, statistics.median(r[3] for r in rows), statistics.median(means), q[0],
                q[-1], statistics.mean(r[1] for r in rows), statistics.mean(r[2] for r in rows),
                100 * statistics.mean(r[4] for r in rows)), flush=True)


if __name__ == "__main__":
    main()
