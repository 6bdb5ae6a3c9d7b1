"""Runs one benchmark command and appends its result to a JSON-lines file for report.py.

  measure.py --results FILE --section S --tool T --threads N --repeats R
             [--clean PATH]... [--needs-bytes-per-px B --raster PATH]
             [--inner plain|json|gbench:NAME] [--log FILE] -- COMMAND...

--inner plain (default): runs COMMAND R times; seconds = median wall time of the whole
  program. json: runs it once; the program times itself and prints {"seconds": ...} last.
  gbench:NAME: runs a Google Benchmark binary once (pass it --benchmark_format=json and
  --benchmark_repetitions); seconds = the median real time of NAME, and bytes_per_second is
  kept when the benchmark reports it.
Peak RSS is the largest ru_maxrss of the runs (getrusage of the child, os.wait4), in KiB.
--clean PATH (file or folder) is removed before every run (the previous run's output), outside
  the timing.
--needs-bytes-per-px: when RASTER's pixels times B exceed 90 % of MemAvailable, the command is
  not run and the row says why (the peers hold whole layers in memory).
A failed command is recorded with its exit status and the tail of its stderr; the exit status
of measure.py itself is 0 either way, report.py makes the run fail.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def mem_available_bytes():
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return None


def raster_pixels(path):
    from osgeo import gdal  # only needed for the memory guard
    dataset = gdal.Open(path)
    return dataset.RasterXSize * dataset.RasterYSize


def remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def run_once(command):
    """(wall seconds, peak RSS KiB, exit status, stdout text, stderr text)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait
        out.seek(0)
        err.seek(0)
        return (wall, usage.ru_maxrss, child.returncode, out.read().decode(),
                err.read().decode(errors="replace"))


def gbench_median(text, name):
    """(seconds, bytes_per_second or None) of the median aggregate of benchmark NAME."""
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    for bench in json.loads(text)["benchmarks"]:
        if bench.get("run_name") == name and bench.get("aggregate_name") == "median":
            return bench["real_time"] * scale[bench["time_unit"]], bench.get("bytes_per_second")
    raise ValueError(f"no median of {name} in the Google Benchmark output")


def measure(args):
    row = {"section": args.section, "tool": args.tool, "threads": args.threads}
    if args.needs_bytes_per_px:
        needed = raster_pixels(args.raster) * args.needs_bytes_per_px
        available = mem_available_bytes()
        if available is not None and needed > 0.9 * available:
            row["status"] = (f"skipped: holds whole layers, needs about {needed / 2**30:.0f} GiB "
                             f"of memory, {available / 2**30:.0f} GiB available")
            return row
    inner = args.inner
    runs, peak_rss = [], 0
    for _ in range(1 if inner != "plain" else args.repeats):
        for path in args.clean:
            remove(path)
        wall, rss, status, stdout, stderr = run_once(args.command)
        if args.log:
            with open(args.log, "w", encoding="utf-8") as log:
                log.write(stderr)
        peak_rss = max(peak_rss, rss)
        if status != 0:
            tail = " / ".join(stderr.strip().splitlines()[-3:])
            row["status"] = f"failed: exit {status}: {tail}"
            return row
        if inner == "json":
            runs.append(json.loads(stdout.strip().splitlines()[-1])["seconds"])
        elif inner.startswith("gbench:"):
            seconds, bytes_per_second = gbench_median(stdout, inner.split(":", 1)[1])
            runs.append(seconds)
            if bytes_per_second:
                row["bytes_per_second"] = bytes_per_second
        else:
            runs.append(wall)
    row.update(status="ok", seconds=statistics.median(runs), runs=runs, rss_kib=peak_rss)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--section", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--clean", action="append", default=[])
    parser.add_argument("--needs-bytes-per-px", type=float, default=0)
    parser.add_argument("--raster")
    parser.add_argument("--inner", default="plain")
    parser.add_argument("--log", help="the last run's stderr goes here")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    row = measure(args)
    with open(args.results, "a", encoding="utf-8") as results:
        results.write(json.dumps(row) + "\n")
    seconds = f"{row['seconds']:.3f} s" if "seconds" in row else row["status"]
    print(f"  {args.section:<7} {args.tool:<26} {args.threads} thread(s): {seconds}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
