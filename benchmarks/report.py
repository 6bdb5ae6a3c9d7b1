"""Prints the one table of benchmarks/run.sh (Markdown) from the rows measure.py recorded and
the map checks compare_maps.py recorded. Exits 1 when a row failed or a map check disagreed.

  report.py --results FILE --checks FILE --raster POPULATION --indicators K --sigma PX
            [--run-json RUN_JSON --peer-log LOG]

Per row: wall time (median), Mpx/s of the grid, peak RSS, peer time / this time for each peer
(> 1: this row is faster), and the share of the memory-bandwidth bound reached, where the
bound is the time the bytes below need at the STREAM-triad bandwidth measured for the row's
thread count (STREAM counting: no write-allocate traffic, as for the kernels).
"""
import argparse
import json
import os
import sys

from osgeo import gdal

SECTIONS = {
    "kernel": "kernel in memory",
    "smooth": "smooth file to file",
    "e2e": "end to end",
}
TOOLS = {
    ("kernel", "riskmap"): "riskmap (Google Benchmark)",
    ("kernel", "opencv"): "OpenCV GaussianBlur",
    ("kernel", "scipy"): "SciPy gaussian_filter",
    ("smooth", "riskmap"): "riskmap smooth",
    ("smooth", "opencv"): "OpenCV script",
    ("smooth", "scipy"): "SciPy script",
    ("e2e", "riskmap"): "riskmap run",
    ("e2e", "python"): "Python GDAL/NumPy/SciPy",
}
PEERS = {"kernel": ["opencv", "scipy"], "smooth": ["opencv", "scipy"], "e2e": ["python"]}
PEER_NAMES = {"opencv": "OpenCV", "scipy": "SciPy", "python": "Python"}
SINGLE_THREADED = {"scipy", "python"}  # measured at 1 thread, the peer for every thread count


def bytes_per_pixel(section, indicators):
    """Bytes the minimal algorithm moves through memory per grid pixel (see notes())."""
    if section == "kernel":
        return 16  # 2 separable passes x (read + write one float32)
    if section == "smooth":
        return 32  # normalised convolution: 2 such filters (values, validity mask)
    k = indicators
    # inputs 8, ids 12, 2k count layers written 8k and smoothed 32k, scoring reads 8k + 12
    # and writes 5k + 1 float maps and one byte map
    return 8 + 12 + 8 * k + 32 * k + 8 * k + 12 + 4 * (5 * k + 1) + 1


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def peer_ratio(row, peer, rows):
    if row["tool"] == peer or "seconds" not in row:
        return ""
    threads = 1 if peer in SINGLE_THREADED else row["threads"]
    match = [r for r in rows if r["section"] == row["section"] and r["tool"] == peer
             and r["threads"] == threads and "seconds" in r]
    return f"{match[0]['seconds'] / row['seconds']:.2f}×" if match else ""


def bound_share(row, pixels, bandwidth, indicators):
    if "seconds" not in row or row["threads"] not in bandwidth:
        return ""
    bound = pixels * bytes_per_pixel(row["section"], indicators) / bandwidth[row["threads"]]
    return f"{100 * bound / row['seconds']:.1f} %"


def fmt_seconds(seconds):
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows, pixels, bandwidth, indicators):
    peers = [p for s in SECTIONS for p in PEERS[s] if any(r["section"] == s for r in rows)]
    peers = list(dict.fromkeys(peers))
    head = ["part", "tool", "threads", "wall (median)", "Mpx/s", "peak RSS"]
    head += [f"÷ {PEER_NAMES[p]}" for p in peers] + ["of bandwidth bound"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for section in SECTIONS:
        for row in (r for r in rows if r["section"] == section):
            if "seconds" in row:
                cells = [fmt_seconds(row["seconds"]), f"{pixels / row['seconds'] / 1e6:.3g}",
                         f"{row['rss_kib'] / 1024:.0f} MiB"]
            else:
                cells = [row["status"], "", ""]
            cells += [peer_ratio(row, p, rows) for p in peers]
            cells.append(bound_share(row, pixels, bandwidth, indicators))
            name = TOOLS.get((section, row["tool"]), row["tool"])
            lines.append("| " + " | ".join([SECTIONS[section], name, str(row["threads"])] + cells)
                         + " |")
    return lines


def notes(indicators, sigma):
    return [
        f"Kernel and smooth rows: Gaussian sigma = {sigma} px on both axes, truncated at 4 sigma, "
        "zero outside the grid. Kernel rows time one filter call on the population band "
        "(nodata as 0): riskmap through Google Benchmark (median of repetitions), the peers "
        "with time.perf_counter around the call. Smooth rows time the whole program: read the "
        "GeoTIFF, normalised convolution (nodata contributes nothing), write a COG "
        "(ZSTD level 1 with predictor, 512 px tiles, overviews: the same options in every "
        "tool), process start included.",
        "SciPy's gaussian_filter and the Python pipeline are single-threaded: they run once at "
        "1 thread and are the peer of both thread counts. OpenCV runs with cv2.setNumThreads.",
        "÷ PEER = peer's median time / this row's median time (> 1: this row is faster).",
        "Peak RSS: ru_maxrss of the whole process (for Python rows including the interpreter "
        "and its modules).",
        "Bandwidth bound = grid pixels x bytes per pixel / STREAM-triad bandwidth at the row's "
        "thread count. Bytes per pixel of the minimal algorithm: kernel 16 (a separable "
        "filter: two passes, each reading and writing one float32; a filter fusing both "
        "passes in cache would need 8), smooth 32 (two such filters: values and validity "
        "mask; file decoding and encoding are compute-bound and not counted), "
        f"end to end {bytes_per_pixel('e2e', indicators)} for {indicators} indicators "
        "(population and sanitation read 8, village ids written and read twice 12, "
        "2 count layers per indicator written 8 and smoothed 32, scoring reads 8 per "
        "indicator + 12 and writes 5 float maps per indicator + risk index + a byte map). "
        "End to end is dominated by compute (posterior quantiles, compression), so its share is "
        "low by nature.",
    ]


def where_time_goes(rows, run_json, peer_log):
    """One line each: riskmap's stage timings (run.json) and the Python pipeline's (stderr)."""
    lines = []
    riskmap = [r for r in rows if r["section"] == "e2e" and r["tool"] == "riskmap"
               and "seconds" in r]
    if run_json and os.path.exists(run_json) and riskmap:
        with open(run_json, encoding="utf-8") as f:
            timings = json.load(f)["timings_s"]
        # "*.work" parts ran on their own thread beside the stages listed around them.
        rest = riskmap[-1]["runs"][-1] - sum(v for k, v in timings.items()
                                             if not k.endswith(".work"))
        lines.append(f"Where riskmap run's time goes ({riskmap[-1]['threads']} threads, last run, "
                     "run.json): " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()
                                               if v >= 0.05)
                     + f"; not in run.json (process start, exit): {rest:.2f} s"
                     + (" (*.work ran beside the other stages)." if any(
                         k.endswith(".work") for k in timings) else "."))
    peer = [r for r in rows if r["section"] == "e2e" and r["tool"] == "python" and "seconds" in r]
    if peer_log and os.path.exists(peer_log) and peer:
        with open(peer_log, encoding="utf-8") as f:
            stages = [line.split(":", 1)[1].strip() for line in f
                      if line.startswith("peer_pipeline:") and line.rstrip().endswith(" s")]
        lines.append("Where the Python pipeline's time goes (last run): "
                     + ", ".join(" ".join(stage.split()) for stage in stages) + ".")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--checks", required=True)
    parser.add_argument("--raster", required=True)
    parser.add_argument("--indicators", type=int, default=2)
    parser.add_argument("--sigma", type=float, default=20)
    parser.add_argument("--run-json", help="run.json of the last end-to-end riskmap run")
    parser.add_argument("--peer-log", help="stderr of the last Python pipeline run")
    args = parser.parse_args()
    rows, checks = load(args.results), load(args.checks)
    dataset = gdal.Open(args.raster)
    width, height = dataset.RasterXSize, dataset.RasterYSize
    pixels = width * height
    bandwidth = {r["threads"]: r["bytes_per_second"] for r in rows
                 if r["section"] == "memory" and "bytes_per_second" in r}
    print(f"Grid {width} x {height} = {pixels / 1e6:.2f} Mpx. Memory bandwidth (STREAM triad, "
          "3 x 128 MiB): " + ", ".join(f"{t} thread(s) {b / 1e9:.1f} GB/s"
                                       for t, b in sorted(bandwidth.items())) + ".")
    print()
    print("\n".join(table([r for r in rows if r["section"] != "memory"], pixels, bandwidth,
                          args.indicators)))
    print()
    for check in checks:
        print(f"- Same map? {check['label']}: {check['pixels_compared']} pixels compared, "
              f"max |diff| {check['max_abs_diff']:.3g}, median |diff| "
              f"{check['median_abs_diff']:.3g} (map maximum {check['reference_max']:.3g}), "
              f"{check['data_in_one_only']} pixel(s) with data in one map only: "
              f"{'agree' if check['ok'] else 'DISAGREE'}")
    for line in where_time_goes(rows, args.run_json, args.peer_log):
        print(f"- {line}")
    for note in notes(args.indicators, args.sigma):
        print(f"- {note}")
    failed = [r for r in rows if r.get("status", "ok").startswith("failed")]
    return 1 if failed or not all(c["ok"] for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
