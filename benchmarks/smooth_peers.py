"""The Gaussian filters a GIS user would pick instead of `riskmap smooth`: OpenCV GaussianBlur
and SciPy ndimage.gaussian_filter, with riskmap's conventions (sigma in pixels on both axes,
kernel truncated at 4 sigma, zero outside the array).

  smooth_peers.py kernel TOOL RASTER SIGMA_PX THREADS REPEATS
      Times only the filter call on band 1 of RASTER (nodata as 0), REPEATS times after one
      untimed warm-up call (as Google Benchmark warms up riskmap's kernel); prints
      {"seconds": median, "runs": [...]} as JSON.
  smooth_peers.py file TOOL IN OUT SIGMA_PX THREADS
      The whole job of `riskmap smooth IN OUT --bandwidth-px S`: read IN, normalised
      convolution (smoothed values / smoothed validity mask, NaN where IN is nodata), write
      OUT as a COG as riskmap does.

TOOL is opencv or scipy. OpenCV uses THREADS threads (cv2.setNumThreads); SciPy's filter is
single-threaded whatever THREADS says.
"""
import json
import statistics
import sys
import time

import cv2
import numpy as np
from scipy import ndimage

import bench_gdal

TRUNCATE = 4.0


def filter_for(tool, sigma, threads):
    """A function array -> Gaussian-filtered array of the same shape and dtype."""
    if tool == "opencv":
        cv2.setNumThreads(threads)
        ksize = 2 * int(np.ceil(TRUNCATE * sigma)) + 1
        return lambda a: cv2.GaussianBlur(a, (ksize, ksize), sigmaX=sigma, sigmaY=sigma,
                                          borderType=cv2.BORDER_CONSTANT)
    if tool == "scipy":
        return lambda a: ndimage.gaussian_filter(a, sigma, mode="constant", cval=0.0,
                                                 truncate=TRUNCATE)
    sys.exit(f"smooth_peers.py: unknown tool '{tool}' (opencv or scipy)")


def time_kernel(tool, raster, sigma, threads, repeats):
    _, values = bench_gdal.read_float(raster)
    values = np.nan_to_num(values, nan=0.0)
    smooth = filter_for(tool, sigma, threads)
    smooth(values)  # warm-up, untimed: thread pool start and first-touch of the output
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        smooth(values)
        runs.append(time.perf_counter() - start)
    print(json.dumps({"seconds": statistics.median(runs), "runs": runs}))


def smooth_file(tool, path_in, path_out, sigma, threads):
    dataset, band = bench_gdal.read_float(path_in)
    valid = ~np.isnan(band)
    smooth = filter_for(tool, sigma, threads)
    numerator = smooth(np.where(valid, band, np.float32(0)))
    denominator = smooth(valid.astype(np.float32))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(valid, numerator / denominator, np.float32(np.nan)).astype(np.float32)
    bench_gdal.write_map(path_out, out, dataset, f"Gaussian smoothing ({tool}, {sigma} px)")


def main(argv):
    if len(argv) == 7 and argv[1] == "kernel":
        time_kernel(argv[2], argv[3], float(argv[4]), int(argv[5]), int(argv[6]))
    elif len(argv) == 7 and argv[1] == "file":
        smooth_file(argv[2], argv[3], argv[4], float(argv[5]), int(argv[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
