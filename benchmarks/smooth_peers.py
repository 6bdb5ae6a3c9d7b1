"""Times the Gaussian filters a GIS user would pick instead of `riskmap smooth` on one array:
OpenCV GaussianBlur and SciPy ndimage.gaussian_filter, same sigma, zero outside the array
(riskmap's edge rule), kernel truncated at 4 sigma. Prints one CSV line per tool: name,
threads, median seconds, Mpx/s.

Usage: /usr/bin/python3 smooth_peers.py RASTER SIGMA_PX THREADS REPEATS
"""
import statistics
import sys
import time

import cv2
import numpy as np
from osgeo import gdal
from scipy import ndimage

path, sigma, threads, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
dataset = gdal.Open(path)  # kept: a band outlives a dataset nobody holds only until a crash
data = np.nan_to_num(dataset.GetRasterBand(1).ReadAsArray().astype(np.float32))
pixels = data.size


def median_seconds(run):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


cv2.setNumThreads(threads)
ksize = 2 * int(np.ceil(4 * sigma)) + 1
peers = {
    "opencv_GaussianBlur": lambda: cv2.GaussianBlur(
        data, (ksize, ksize), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_CONSTANT),
    "scipy_gaussian_filter": lambda: ndimage.gaussian_filter(
        data, sigma, mode="constant", truncate=4.0),
}
for name, run in peers.items():
    if name.startswith("scipy") and threads != 1:
        continue  # SciPy's filter is single-threaded
    seconds = median_seconds(run)
    print(f"{name},{threads},{seconds:.6f},{pixels / seconds / 1e6:.1f}")
