"""GeoTIFF reading and writing shared by the benchmark's Python peers, done the way riskmap
does it so the outputs are alike: band 1 as float32 with nodata as NaN; maps written as
cloud-optimised GeoTIFF (GDAL's COG driver: 512 x 512 tiles, ZSTD level 1 with predictor,
overviews, all of riskmap's options), NaN (Byte: 0) nodata.

Keep a dataset referenced while its band is in use: in GDAL's Python bindings a band whose
dataset has been collected crashes the interpreter.
"""
import numpy as np
from osgeo import gdal, gdal_array

gdal.UseExceptions()

COG_OPTIONS = ["COMPRESS=ZSTD", "LEVEL=1", "PREDICTOR=YES", "BLOCKSIZE=512", "OVERVIEWS=AUTO"]


def read_float(path):
    """(dataset, band 1 as float32 with nodata replaced by NaN)."""
    dataset = gdal.Open(path)
    band = dataset.GetRasterBand(1)
    values = band.ReadAsArray().astype(np.float32, copy=False)
    nodata = band.GetNoDataValue()
    if nodata is not None and not np.isnan(nodata):
        values[values == nodata] = np.nan
    return dataset, values


def write_map(path, values, like, description="", resampling="AVERAGE"):
    """Writes a 2-D float32 or uint8 array as a COG on the grid of dataset `like`."""
    memory = gdal_array.OpenArray(np.ascontiguousarray(values))
    memory.SetGeoTransform(like.GetGeoTransform())
    memory.SetProjection(like.GetProjection())
    band = memory.GetRasterBand(1)
    band.SetNoDataValue(0 if values.dtype == np.uint8 else float("nan"))
    band.SetDescription(description)
    options = COG_OPTIONS + [f"RESAMPLING={resampling}"]
    gdal.GetDriverByName("COG").CreateCopy(path, memory, options=options)
