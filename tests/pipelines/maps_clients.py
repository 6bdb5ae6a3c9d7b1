"""Opens every map of a riskmap output folder with rasterio (the client Python users pick)
and checks CRS, geotransform, nodata, overviews and band metadata against the input grid.

Usage: /usr/bin/python3 maps_clients.py OUTPUT_DIR POPULATION_TIF ; exit 1 on any mismatch.
"""
import math
import pathlib
import sys

import rasterio

out, population = pathlib.Path(sys.argv[1]), sys.argv[2]
failures = []
with rasterio.open(population) as ref:
    ref_crs, ref_transform, ref_shape = ref.crs, ref.transform, (ref.height, ref.width)

maps = sorted(out.glob("*.tif"))
for path in maps:
    with rasterio.open(path) as ds:
        problems = []
        if ds.crs != ref_crs:
            problems.append(f"CRS {ds.crs} != {ref_crs}")
        if ds.transform != ref_transform or (ds.height, ds.width) != ref_shape:
            problems.append("grid differs from the population raster")
        if ds.nodata is None:
            problems.append("no nodata")
        elif ds.dtypes[0] == "float32" and not math.isnan(ds.nodata):
            problems.append(f"float nodata {ds.nodata} is not NaN")
        if not ds.overviews(1):
            problems.append("no overviews")
        if not ds.descriptions[0]:
            problems.append("no band description")
        if ds.block_shapes[0] != (512, 512):
            problems.append(f"blocks {ds.block_shapes[0]}")
        data = ds.read(1, masked=True)
        if data.count() == 0:
            problems.append("all nodata")
        if problems:
            failures.append(f"{path.name}: " + "; ".join(problems))
        else:
            print(f"OK   {path.name}: {ds.crs}, nodata {ds.nodata}, overviews {ds.overviews(1)}")

for f in failures:
    print("FAIL", f)
print(f"{len(maps)} maps checked")
sys.exit(1 if failures or not maps else 0)
