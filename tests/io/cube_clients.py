#!/usr/bin/env python3
"""Reads a riskmap cube with real clients (netCDF4 and xarray) and checks it against what the
test wrote: dimensions (time, y, x), x/y at the grid's pixel centres, time at the first day of
each quarter, period labels, a layer's values, the CRS, and the village codes.

Usage: /usr/bin/python3 cube_clients.py CUBE EXPECTED_JSON   (Debian's python3-netcdf4, -xarray)
EXPECTED_JSON holds width, height, geotransform (GDAL order), crs_wkt, periods, dates
(YYYY-MM-DD), layer, values (one flat row-major list per period, null for NaN) and codes
(one list per period). Exit code 0 when everything matches; messages on stderr otherwise.
"""

import json
import sys

import netCDF4
import numpy as np
import xarray as xr

# Coordinates are written as float64 from the same formula; allow a billionth of a pixel.
COORD_TOLERANCE = 1e-9


def check(condition, message):
    if not condition:
        sys.exit("cube_clients.py: " + message)


def same_crs(wkt, expected):
    try:
        from osgeo import osr
    except ImportError:  # without GDAL's bindings, the exact text must come back
        return wkt == expected
    a, b = osr.SpatialReference(), osr.SpatialReference()
    return a.ImportFromWkt(wkt) == 0 and b.ImportFromWkt(expected) == 0 and a.IsSame(b) == 1


def expected_axes(exp):
    x0, dx, _, y0, _, dy = exp["geotransform"]
    xs = x0 + (np.arange(exp["width"]) + 0.5) * dx
    ys = y0 + (np.arange(exp["height"]) + 0.5) * dy
    return xs, ys, abs(dx), abs(dy)


def expected_values(exp, t):
    flat = [np.nan if v is None else v for v in exp["values"][t]]
    return np.array(flat, dtype=np.float32).reshape(exp["height"], exp["width"])


def check_netcdf4(path, exp):
    xs, ys, dx, dy = expected_axes(exp)
    with netCDF4.Dataset(path) as nc:
        var = nc.variables[exp["layer"]]
        check(var.dimensions == ("time", "y", "x"), f"netCDF4: dimensions {var.dimensions}")
        check(np.allclose(nc["x"][:], xs, rtol=0, atol=COORD_TOLERANCE * dx), "netCDF4: x")
        check(np.allclose(nc["y"][:], ys, rtol=0, atol=COORD_TOLERANCE * dy), "netCDF4: y")
        dates = netCDF4.num2date(nc["time"][:], nc["time"].units, nc["time"].calendar)
        got = [d.strftime("%Y-%m-%d") for d in dates]
        check(got == exp["dates"], f"netCDF4: time {got}")
        check(list(nc["period"][:]) == exp["periods"], "netCDF4: period labels")
        # CF cell bounds: each quarter from its first day to the next quarter's.
        check(nc["time"].bounds == "time_bnds", "netCDF4: time has no bounds")
        bounds = netCDF4.num2date(nc["time_bnds"][:], nc["time"].units, nc["time"].calendar)
        got = [[d.strftime("%Y-%m-%d") for d in row] for row in bounds]
        check(got == [list(p) for p in zip(exp["dates"], exp["ends"])],
              f"netCDF4: time_bnds {got}")
        check(var.grid_mapping == "crs", "netCDF4: grid_mapping")
        check(same_crs(nc["crs"].crs_wkt, exp["crs_wkt"]), "netCDF4: crs_wkt")
        for t in range(len(exp["periods"])):
            got = np.ma.filled(var[t, :, :].astype(np.float32), np.nan)
            check(np.array_equal(got, expected_values(exp, t), equal_nan=True),
                  f"netCDF4: {exp['layer']} of {exp['periods'][t]}")


def check_xarray(path, exp):
    xs, ys, dx, dy = expected_axes(exp)
    with xr.open_dataset(path, engine="netcdf4") as ds:
        layer = ds[exp["layer"]]
        check(layer.dims == ("time", "y", "x"), f"xarray: dimensions {layer.dims}")
        for name in ("time", "y", "x"):
            check(name in ds.coords, f"xarray: no coordinate {name}")
        check(np.allclose(ds.x.values, xs, rtol=0, atol=COORD_TOLERANCE * dx), "xarray: x")
        check(np.allclose(ds.y.values, ys, rtol=0, atol=COORD_TOLERANCE * dy), "xarray: y")
        got = [str(d)[:10] for d in ds.time.values]
        check(got == exp["dates"], f"xarray: time {got}")
        check(list(ds.period.values) == exp["periods"], "xarray: period labels")
        got = [[str(d)[:10] for d in row] for row in ds.time_bnds.values]
        check(got == [list(p) for p in zip(exp["dates"], exp["ends"])],
              f"xarray: time_bnds {got}")
        crs = ds[layer.attrs["grid_mapping"]]
        check(same_crs(crs.attrs["crs_wkt"], exp["crs_wkt"]), "xarray: crs_wkt")
        for t, period in enumerate(exp["periods"]):
            got = layer.isel(time=t).values.astype(np.float32)
            check(np.array_equal(got, expected_values(exp, t), equal_nan=True),
                  f"xarray: {exp['layer']} of {period}")
            # The same quarter found by its label, as an analyst would select it.
            by_label = layer.isel(time=list(ds.period.values).index(period))
            check(np.array_equal(by_label.values, got, equal_nan=True), "xarray: period lookup")
    for period, codes in zip(exp["periods"], exp["codes"]):
        with xr.open_dataset(path, engine="netcdf4", group=f"villages/{period}") as villages:
            check(list(villages.code.values) == codes, f"xarray: village codes of {period}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[2], encoding="utf-8") as f:
        exp = json.load(f)
    check_netcdf4(sys.argv[1], exp)
    check_xarray(sys.argv[1], exp)
    print("cube_clients.py: netCDF4 and xarray read the cube as written")


if __name__ == "__main__":
    main()
