#!/usr/bin/python3
"""Tables of benchmarks/calibration.sh from its raw sums (one CSV row per replicate, kernel,
indicator and level): interval coverage (mean over replicates and its 10th percentile), PIT
uniformity (Kolmogorov-Smirnov distance of the pooled PIT histogram), the reliability term of
the Brier score for P(rate > target) and Brier skill against a constant that knows each
replicate's true share above target. Standard library only.

    calibration_table.py calibration.csv
"""
import csv
import sys
from collections import defaultdict


def f(x):
    return float(x) if x not in ("", None) else float("nan")


def percentile(values, q):
    v = sorted(values)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))]


def summary(rows):
    """Pooled measures of a group of rows (same level, indicator, scenario)."""
    cov = {k: [] for k in ("50", "80", "95")}
    bins_n, bins_p, bins_o = [0.0] * 10, [0.0] * 10, [0.0] * 10
    pit = [0.0] * 20
    brier = ref = weight = outside = 0.0
    inc_n = inc_hi = inc_lo = 0.0
    for r in rows:
        w = f(r["weight"])
        if not w > 0:
            continue
        for k in cov:
            cov[k].append(f(r["inside" + k]) / w)
        for b in range(10):
            bins_n[b] += f(r["bin%dn" % b])
            bins_p[b] += f(r["bin%dp" % b])
            bins_o[b] += f(r["bin%do" % b])
        for b in range(20):
            pit[b] += f(r["pit%d" % b])
        share = f(r["observed"]) / w
        brier += f(r["brier"])
        ref += w * share * (1 - share)
        weight += w
        outside += f(r["rate_outside"])
        inc_n += f(r["increase_n"])
        inc_hi += f(r["increase_above95"])
        inc_lo += f(r["increase_below05"])
    total = sum(bins_n)
    rel = sum(bins_n[b] * (bins_p[b] / bins_n[b] - bins_o[b] / bins_n[b]) ** 2
              for b in range(10) if bins_n[b] > 0) / total if total else float("nan")
    pit_total = sum(pit)
    ks, run = float("nan"), 0.0
    if pit_total > 0:
        ks = 0.0
        for b in range(20):
            run += pit[b] / pit_total
            ks = max(ks, abs(run - (b + 1) / 20))
    return {
        "n": len(cov["95"]),
        "c50": sum(cov["50"]) / len(cov["50"]) if cov["50"] else float("nan"),
        "c80": sum(cov["80"]) / len(cov["80"]) if cov["80"] else float("nan"),
        "c95": sum(cov["95"]) / len(cov["95"]) if cov["95"] else float("nan"),
        "p10": percentile(cov["95"], 0.10),
        "ks": ks if pit_total > 0 else float("nan"),
        "rel": rel,
        "skill": 1 - brier / ref if ref > 0 else float("nan"),
        "outside": outside / weight if weight else float("nan"),
        "inc_n": inc_n,
        "inc_hi": inc_hi / inc_n if inc_n else float("nan"),
        "inc_lo": inc_lo / inc_n if inc_n else float("nan"),
    }


def pct(x):
    return "—" if x != x else "%.1f %%" % (100 * x)


def num(x, digits=3):
    return "—" if x != x else ("%." + str(digits) + "f") % x


def table(title, header, lines):
    print("### " + title + "\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")
    print()


def main(path):
    rows = list(csv.DictReader(open(path, newline="")))
    groups = defaultdict(list)
    for r in rows:
        near = "near" if f(r["stunting_mean"]) < 0.2 else "far"
        scen = r["deaths"] if r["indicator"] == "maternal" else near
        # Area levels do not depend on the kernel: take them from the fixed run only.
        if r["level"] != "pixels" and r["kernel"] != "fixed":
            continue
        key = (r["preset"], r["indicator"], r["level"], r["kernel"] if r["level"] == "pixels"
               else "", r["kappa"], scen)
        groups[key].append(r)

    def area_lines(preset, indicator, scenarios):
        out = []
        for kappa in ("0", "0.2", "0.5", "1", "prior"):
            for scen in scenarios:
                v = groups.get((preset, indicator, "villages", "", kappa, scen))
                k = groups.get((preset, indicator, "kecamatan", "", kappa, scen))
                if not v:
                    continue
                s, t = summary(v), summary(k or [])
                out.append([kappa, scen, str(s["n"]), pct(s["c50"]), pct(s["c80"]),
                            pct(s["c95"]), pct(s["p10"]), num(s["ks"]), num(s["rel"]),
                            num(s["skill"], 2), pct(t["c95"]), pct(t["p10"]), num(t["rel"])])
        return out

    head = ["κ", "{}", "reps", "village 50 %", "80 %", "95 %", "95 % p10", "PIT KS",
            "reliability", "Brier skill", "kecamatan 95 %", "p10", "reliability"]
    for preset in ("district", "province"):
        scen_deaths = sorted({k[5] for k in groups if k[0] == preset and k[1] == "maternal"},
                             key=float)
        if scen_deaths:
            table("Maternal deaths, %s: village and kecamatan posteriors" % preset,
                  [h.format("deaths") for h in head],
                  area_lines(preset, "maternal", scen_deaths))
        stunting = area_lines(preset, "stunting", ("near", "far"))
        if stunting:
            table("Stunting, %s: village and kecamatan posteriors" % preset,
                  [h.format("prevalence") for h in head], stunting)

    lines = []
    for preset in ("district", "province"):
        for indicator in ("stunting", "maternal"):
            scenarios = sorted({k[5] for k in groups if k[0] == preset and k[1] == indicator},
                               key=lambda s: (s not in ("near", "far"), float(s) if s[0].isdigit()
                                              else 0, s))
            for kappa in ("0", "0.2", "0.5", "1", "prior"):
                for scen in scenarios:
                    cells = [preset, indicator, kappa, scen]
                    for kernel in ("fixed", "adaptive"):
                        g = groups.get((preset, indicator, "pixels", kernel, kappa, scen))
                        s = summary(g or [])
                        cells += [pct(s["c95"]), pct(s["p10"]), num(s["rel"]), pct(s["outside"])]
                    if cells[4] != "—":
                        lines.append(cells)
    table("Pixels (population-weighted): 95 % coverage, its 10th percentile, exceedance "
          "reliability, and where the kernel rate lies outside the interval",
          ["preset", "indicator", "κ", "deaths / prevalence", "fixed 95 %", "p10",
           "reliability", "rate outside", "adaptive 95 %", "p10", "reliability",
           "rate outside"], lines)

    inc = []
    for indicator in ("stunting", "maternal"):
        rows_i = [r for k, g in groups.items() if k[1] == indicator and k[2] == "villages"
                  for r in g]
        s = summary(rows_i)
        inc.append([indicator, "%d" % s["inc_n"], pct(s["inc_hi"]), pct(s["inc_lo"])])
    table("P(increase) per village when both quarters come from the same truth (expect about "
          "5 % above 0.95 and 5 % below 0.05)",
          ["indicator", "villages", "above 0.95", "below 0.05"], inc)


if __name__ == "__main__":
    main(sys.argv[1])
