"""riskmap's quarterly job (`riskmap run --config X.ini`) as a competent analyst would write it
with GDAL/OGR, NumPy and SciPy: the end-to-end peer of benchmarks/run.sh.

  peer_pipeline.py --config X.ini [--data DIR] --out DIR

Reads the same INI as riskmap (inputs, indicators, smoothing.bandwidth_m, risk weights); with
--data, the inputs are DIR/villages.gpkg, records.csv, population.tif, sanitation.tif (as
`riskmap synth` writes them) instead of the INI's paths. Steps:

 1. villages (OGR) and the records CSV of inputs.period, joined on the village code (digits
    only; rows with an unknown code or bad counts are skipped);
 2. village ids rasterised onto the population grid (gdal.RasterizeLayer, pixel centres);
 3. counts spread over each village's pixels in proportion to population (per-village
    population sums with numpy.bincount; uniformly when a village has no population; a village
    without a pixel goes to the pixel of its point on surface);
 4. numerator and denominator smoothed with scipy.ndimage.gaussian_filter, sigma = bandwidth in
    metres / pixel size, truncated at 4 sigma, zero outside the grid; the sums are rescaled to
    peak-normalised kernel weights (effective counts, DESIGN.md "Pixel uncertainty"). On a
    geographic grid the pixel size in metres is taken at the grid's mean latitude (one sigma
    for the whole grid; riskmap follows the latitude row by row);
 5. global empirical Bayes prior from the villages (Marshall 1991 for Poisson, Martuzzi &
    Elliott 1996 for binomial, method of moments), and per pixel the conjugate posterior of the
    effective counts with scipy.stats: mean, 2.5 % and 97.5 % quantiles, P(rate > target);
    pixels whose smoothed denominator is below min_denominator are nodata;
 6. risk index (weighted mean of exceedance probabilities and the sanitation deficit warped
    bilinearly onto the grid) and population-weighted priority quintiles of risk x burden;
 7. maps written as COGs like riskmap's (bench_gdal.write_map), a village table as CSV.

It does not do what riskmap also does in its run: local EB and queen contiguity, kecamatan
table, villages.gpkg, quicklook PNGs and QGIS styles, the NetCDF quarterly cube, checksums and
run.json. Stage timings go to stderr.
"""
import argparse
import configparser
import csv
import math
import os
import sys
import time
from dataclasses import dataclass

import numpy as np
from osgeo import gdal, ogr
from scipy import ndimage, stats

import bench_gdal

ogr.UseExceptions()
TRUNCATE = 4.0
WGS84_A, WGS84_E2 = 6378137.0, 6.69437999014e-3


@dataclass
class Indicator:
    name: str
    numerator: str
    denominator: str
    binomial: bool
    target: float
    population_share: float
    min_denominator: float
    weight: float


@dataclass
class Prior:
    binomial: bool
    mean: float = 0.0
    variance: float = 0.0
    alpha: float = 0.0
    beta: float = 0.0

    @property
    def point_mass(self):
        return self.variance <= 0 or self.mean <= 0


class Stopwatch:
    def __init__(self):
        self.last = time.perf_counter()

    def lap(self, stage):
        now = time.perf_counter()
        print(f"peer_pipeline: {stage:<12} {now - self.last:7.2f} s", file=sys.stderr)
        self.last = now


# --- configuration and inputs ----------------------------------------------------------------

def read_config(path, data_dir):
    ini = configparser.ConfigParser(interpolation=None)
    with open(path, encoding="utf-8") as f:
        ini.read_file(f)
    base = os.path.dirname(os.path.abspath(path))
    inputs = ini["inputs"]

    def input_path(key, synth_name):
        if data_dir:
            return os.path.join(data_dir, synth_name)
        value = inputs.get(key, "")
        return os.path.join(base, value) if value else ""

    if ini.getboolean("smoothing", "adaptive", fallback=False):
        sys.exit("peer_pipeline.py: adaptive bandwidths are not implemented in the peer")
    indicators = [
        Indicator(name=section.split(".", 1)[1], numerator=ini[section]["numerator"],
                  denominator=ini[section]["denominator"],
                  binomial=ini[section].get("model", "poisson") == "binomial",
                  # the planning target: the first of a list ("0.14, 0.20, 0.30")
                  target=float(ini.get(section, "target").split(",")[0]),
                  population_share=ini.getfloat(section, "population_share", fallback=0.0),
                  min_denominator=ini.getfloat(section, "min_denominator", fallback=0.0),
                  weight=ini.getfloat(section, "weight", fallback=1.0))
        for section in ini.sections() if section.startswith("indicator.")]
    return {
        "villages": input_path("villages", "villages.gpkg"),
        "villages_layer": inputs.get("villages_layer", ""),
        "village_code": inputs.get("village_code", "code"),
        "village_name": inputs.get("village_name", ""),
        "records": input_path("records", "records.csv"),
        "record_code": inputs.get("record_code", "code"),
        "record_period": inputs.get("record_period", ""),
        "period": inputs.get("period", ""),
        "population": input_path("population", "population.tif"),
        "sanitation": input_path("sanitation", "sanitation.tif"),
        "sanitation_scale": inputs.getfloat("sanitation_scale", fallback=1.0),
        "bandwidth_m": ini.getfloat("smoothing", "bandwidth_m"),
        "sanitation_weight": ini.getfloat("risk", "sanitation_weight", fallback=1.0),
        "indicators": indicators,
    }


def digits(code):
    return "".join(ch for ch in (code or "") if ch.isdigit())


def read_villages(cfg):
    """(dataset, layer, fids, codes, names); the dataset must stay referenced."""
    dataset = ogr.Open(cfg["villages"])
    layer = (dataset.GetLayerByName(cfg["villages_layer"]) if cfg["villages_layer"]
             else dataset.GetLayer(0))
    layer.SetIgnoredFields(["OGR_GEOMETRY"])  # attributes only: much faster
    fids, codes, names = [], [], []
    for feature in layer:
        fids.append(feature.GetFID())
        codes.append(digits(feature.GetField(cfg["village_code"])))
        names.append(feature.GetField(cfg["village_name"]) if cfg["village_name"] else "")
    layer.SetIgnoredFields([])
    return dataset, layer, np.array(fids, dtype=np.int64), codes, names


def read_counts(cfg, codes):
    """Per indicator: numerator, denominator and reported flag per village."""
    index_of = {code: i for i, code in enumerate(codes)}
    n = len(codes)
    counts = [(np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)) for _ in cfg["indicators"]]
    skipped = 0
    with open(cfg["records"], newline="", encoding="utf-8-sig") as f:
        header = f.readline()
        f.seek(0)
        delimiter = ";" if header.count(";") > header.count(",") else ","
        for row in csv.DictReader(f, delimiter=delimiter):
            if cfg["record_period"] and cfg["period"] and \
                    row[cfg["record_period"]].strip() != cfg["period"]:
                continue
            village = index_of.get(digits(row[cfg["record_code"]]))
            parsed = [parse_counts(row, ind) for ind in cfg["indicators"]]
            if village is None or any(p is False for p in parsed):
                skipped += 1
                continue
            for (numerator, denominator, reported), pair in zip(counts, parsed):
                if pair is not None:
                    numerator[village], denominator[village] = pair
                    reported[village] = True
    if skipped:
        print(f"peer_pipeline: skipped {skipped} record row(s)", file=sys.stderr)
    return counts


def parse_counts(row, ind):
    """(numerator, denominator), None when both are empty, False when invalid."""
    num, den = row[ind.numerator].strip(), row[ind.denominator].strip()
    if not num and not den:
        return None
    if not (num.isdigit() and den.isdigit()) or (ind.binomial and int(num) > int(den)):
        return False
    return float(num), float(den)


def sanitation_on_grid(cfg, grid):
    if not cfg["sanitation"]:
        return None
    width, height = grid.RasterXSize, grid.RasterYSize
    x0, dx, _, y0, _, dy = grid.GetGeoTransform()
    warped = gdal.Warp("", cfg["sanitation"], format="MEM", dstSRS=grid.GetProjection(),
                       outputBounds=(x0, y0 + dy * height, x0 + dx * width, y0),
                       width=width, height=height, resampleAlg="bilinear",
                       dstNodata=float("nan"), outputType=gdal.GDT_Float32)
    return warped.GetRasterBand(1).ReadAsArray() / np.float32(cfg["sanitation_scale"])


# --- rasterise and disaggregate ----------------------------------------------------------------

def rasterize_villages(villages, layer, fids, grid):
    """Village index per pixel (-1 outside every village), pixel-centre rule."""
    target = gdal.GetDriverByName("MEM").Create("", grid.RasterXSize, grid.RasterYSize, 1,
                                                gdal.GDT_Int32)
    target.SetGeoTransform(grid.GetGeoTransform())
    target.SetProjection(grid.GetProjection())
    fid_column = layer.GetFIDColumn() or "fid"
    with_ids = villages.ExecuteSQL(
        f'SELECT "{fid_column}" + 0 AS village_fid, "{layer.GetGeometryColumn()}" '
        f'FROM "{layer.GetName()}"')
    try:
        gdal.RasterizeLayer(target, [1], with_ids, options=["ATTRIBUTE=village_fid"])
    finally:
        villages.ReleaseResultSet(with_ids)
    burnt = target.GetRasterBand(1).ReadAsArray()
    index_of_fid = np.full(int(fids.max()) + 1, -1, dtype=np.int32)
    index_of_fid[fids] = np.arange(len(fids), dtype=np.int32)
    return index_of_fid[burnt]  # GeoPackage FIDs start at 1, so 0 (no village) maps to -1


def point_pixels(layer, fids, missing, grid):
    """Flat pixel index of the point on surface of each village in `missing`, or -1."""
    x0, dx, _, y0, _, dy = grid.GetGeoTransform()
    out = np.full(len(fids), -1, dtype=np.int64)
    for v in missing:
        feature = layer.GetFeature(int(fids[v]))  # kept: its geometry dies with it
        point = feature.GetGeometryRef().PointOnSurface()
        col, row = int((point.GetX() - x0) // dx), int((point.GetY() - y0) // dy)
        if 0 <= col < grid.RasterXSize and 0 <= row < grid.RasterYSize:
            out[v] = row * grid.RasterXSize + col
    return out


class Disaggregator:
    """Spreads village counts over pixels in proportion to usable population."""

    def __init__(self, ids, population, village_count):
        flat_ids = ids.ravel()
        self.pixels = np.flatnonzero(flat_ids >= 0)
        self.village = flat_ids[self.pixels]
        self.usable = np.nan_to_num(population.ravel()[self.pixels].astype(np.float64), nan=0.0)
        self.usable[self.usable < 0] = 0
        self.village_population = np.bincount(self.village, weights=self.usable,
                                              minlength=village_count)
        pixel_count = np.bincount(self.village, minlength=village_count)
        totals = self.village_population[self.village]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.share = np.where(totals > 0, self.usable / totals,
                                  1.0 / pixel_count[self.village])
        self.without_pixels = np.flatnonzero(pixel_count == 0)
        self.point_of = np.full(village_count, -1, dtype=np.int64)  # see place_small_villages
        self.size, self.shape = ids.size, ids.shape

    def place_small_villages(self, point_of):
        """Flat pixel per village for those without a pixel of their own (-1: off the grid)."""
        self.point_of = point_of

    def zonal_mean(self, layer):
        """Population-weighted mean of a layer per village (NaN pixels and villages skipped)."""
        values = layer.ravel()[self.pixels].astype(np.float64)
        has = ~np.isnan(values)
        weight = np.bincount(self.village[has], weights=self.usable[has],
                             minlength=len(self.point_of))
        total = np.bincount(self.village[has], weights=(self.usable * values)[has],
                            minlength=len(self.point_of))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(weight > 0, total / weight, np.nan)

    def spread(self, counts):
        out = np.zeros(self.size, dtype=np.float64)
        out[self.pixels] = counts[self.village] * self.share
        placed = self.point_of[self.without_pixels] >= 0
        np.add.at(out, self.point_of[self.without_pixels][placed],
                  counts[self.without_pixels][placed])
        return out.astype(np.float32).reshape(self.shape)


# --- smoothing and statistics ----------------------------------------------------------------

def sigma_pixels(grid, bandwidth_m):
    """(sigma_rows, sigma_cols) in pixels; geographic grids at the mean latitude."""
    _, dx, _, y0, _, dy = grid.GetGeoTransform()
    srs = grid.GetSpatialRef()
    if srs is None or not srs.IsGeographic():
        return bandwidth_m / abs(dy), bandwidth_m / abs(dx)
    latitude = math.radians(y0 + dy * grid.RasterYSize / 2)
    sin2 = math.sin(latitude) ** 2
    meridian = WGS84_A * (1 - WGS84_E2) / (1 - WGS84_E2 * sin2) ** 1.5
    prime_vertical = WGS84_A / math.sqrt(1 - WGS84_E2 * sin2)
    metres_y = meridian * math.radians(abs(dy))
    metres_x = prime_vertical * math.cos(latitude) * math.radians(abs(dx))
    return bandwidth_m / metres_y, bandwidth_m / metres_x


def peak_normalised_smooth(layer, sigmas):
    """Gaussian sum with K(0) = 1 weights: scipy's unit-sum filter times the kernel's sum."""
    kernel_sum = 1.0
    for sigma in sigmas:
        radius = int(TRUNCATE * sigma + 0.5)  # scipy's own radius
        k = np.arange(-radius, radius + 1)
        kernel_sum *= np.exp(-0.5 * (k / sigma) ** 2).sum()
    smoothed = ndimage.gaussian_filter(layer, sigmas, mode="constant", cval=0.0,
                                       truncate=TRUNCATE)
    smoothed *= np.float32(kernel_sum)
    np.maximum(smoothed, 0, out=smoothed)  # float rounding may leave -1e-9 where all is 0
    return smoothed


def fit_prior(binomial, events, denominators):
    """Global EB prior by the method of moments over areas with a positive denominator."""
    keep = denominators > 0
    y, n = events[keep], denominators[keep]
    prior = Prior(binomial)
    if n.sum() <= 0:
        return prior
    m = y.sum() / n.sum()
    s2 = max(0.0, float(np.sum(n * (y / n - m) ** 2) / n.sum()))
    n_bar = n.sum() / n.size
    prior.mean = m
    if not binomial:
        prior.variance = max(0.0, s2 - m / n_bar)
    elif n_bar > 1 and m < 1:
        prior.variance = max(0.0, (s2 - m * (1 - m) / n_bar) / (1 - 1 / n_bar))
    if prior.point_mass:
        return prior
    if binomial:
        precision = max(m * (1 - m) / prior.variance - 1, 1e-9)
        prior.alpha, prior.beta = m * precision, (1 - m) * precision
    else:
        prior.alpha, prior.beta = m * m / prior.variance, m / prior.variance
    return prior


def posterior(prior, y, n, target):
    """Arrays (mean, 2.5 %, 97.5 %, P(rate > target)) of the conjugate posterior."""
    if prior.point_mass:
        mean = np.full(y.shape, prior.mean)
        return mean, mean, mean, np.full(y.shape, float(prior.mean > target))
    if prior.binomial:
        dist = stats.beta(prior.alpha + y, prior.beta + np.maximum(n - y, 0))
    else:
        dist = stats.gamma(prior.alpha + y, scale=1.0 / (prior.beta + n))
    return dist.mean(), dist.ppf(0.025), dist.ppf(0.975), dist.sf(target)


def risk_index(exceedances, sanitation, cfg):
    """Weighted mean of the exceedance probabilities and the sanitation deficit (NaN skipped)."""
    total = np.zeros(exceedances[0].shape)
    weights = np.zeros(exceedances[0].shape)
    terms = [(ind.weight, ex) for ind, ex in zip(cfg["indicators"], exceedances)]
    if sanitation is not None:
        terms.append((cfg["sanitation_weight"], sanitation))
    for weight, values in terms:
        present = ~np.isnan(values)
        total[present] += weight * values[present]
        weights[present] += weight
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, total / weights, np.nan)


def priority_classes(score, population):
    """1 (highest) .. 5 by where each item's population midpoint falls in the ranking; 0 for
    NaN scores; ties keep index order."""
    classes = np.zeros(score.shape, dtype=np.uint8)
    ranked = np.flatnonzero(~np.isnan(score))
    ranked = ranked[np.argsort(-score[ranked], kind="stable")]
    weight = np.nan_to_num(population[ranked].astype(np.float64), nan=0.0).clip(min=0)
    if weight.sum() <= 0:
        weight = np.ones(ranked.size)
    middle = (np.cumsum(weight) - 0.5 * weight) / weight.sum()
    classes[ranked] = 1 + np.minimum(4, (5 * middle).astype(np.int64))
    return classes


# --- the job --------------------------------------------------------------------------------

def village_table(path, codes, names, counts, priors, cfg, population, sanitation):
    columns, values = ["code", "name"], []
    exceedances, burden = [], np.zeros(len(codes))
    for ind, (num, den, reported), prior in zip(cfg["indicators"], counts, priors):
        mean, low, high, exceed = posterior(prior, num, den, ind.target)
        with np.errstate(divide="ignore", invalid="ignore"):
            crude = np.where(den > 0, num / den, np.nan)
        table = [num, den, crude, mean, low, high, exceed]
        table = [np.where(reported, col, np.nan) for col in table]
        columns += [f"{ind.name}_{c}" for c in ("num", "den", "crude", "eb", "lo", "hi",
                                                  "exceed")]
        values += table
        exceedances.append(table[6])
        burden += np.nan_to_num(table[3]) * population * ind.population_share
    risk = risk_index(exceedances, sanitation, cfg)
    score = risk * burden
    classes = priority_classes(score, population)
    order = np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")
    columns += ["population", "sanitation", "risk_index", "priority_class"]
    values += [population, sanitation, risk, classes]
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for i in order:
            out.writerow([codes[i], names[i]] + [f"{col[i]:.10g}" for col in values])


def run(cfg, out_dir):
    clock = Stopwatch()
    os.makedirs(out_dir, exist_ok=True)
    villages, layer, fids, codes, names = read_villages(cfg)
    counts = read_counts(cfg, codes)
    grid, population = bench_gdal.read_float(cfg["population"])
    sanitation = sanitation_on_grid(cfg, grid)
    clock.lap("read")

    ids = rasterize_villages(villages, layer, fids, grid)
    clock.lap("rasterize")
    spread = Disaggregator(ids, population, len(codes))
    spread.place_small_villages(point_pixels(layer, fids, spread.without_pixels, grid))
    mapped = (ids >= 0) & ~np.isnan(population)
    sigmas = sigma_pixels(grid, cfg["bandwidth_m"])
    priors = [fit_prior(ind.binomial, num[rep], den[rep])
              for ind, (num, den, rep) in zip(cfg["indicators"], counts)]
    village_sanitation = None if sanitation is None else spread.zonal_mean(sanitation)
    clock.lap("disaggregate")

    exceedances, affected = [], np.zeros(population.shape)
    for ind, (num, den, _), prior in zip(cfg["indicators"], counts, priors):
        y = peak_normalised_smooth(spread.spread(num), sigmas)
        n = peak_normalised_smooth(spread.spread(den), sigmas)
        clock.lap(f"smooth {ind.name[:5]}")
        scored = mapped & (n > 0) & (n >= ind.min_denominator)
        maps = {key: np.full(population.shape, np.nan, dtype=np.float32)
                for key in ("rate", "mean", "lo", "hi", "exceed")}
        maps["rate"][scored] = y[scored] / n[scored]
        results = posterior(prior, y[scored].astype(np.float64), n[scored].astype(np.float64),
                            ind.target)
        for key, values in zip(("mean", "lo", "hi", "exceed"), results):
            maps[key][scored] = values
        clock.lap(f"score {ind.name[:5]}")
        for key, values in maps.items():
            bench_gdal.write_map(os.path.join(out_dir, f"{ind.name}_{key}.tif"), values, grid,
                                 f"{ind.name} {key}")
        clock.lap(f"write {ind.name[:5]}")
        exceedances.append(np.where(mapped, maps["exceed"], np.nan))
        affected += np.nan_to_num(maps["mean"]) * np.nan_to_num(population) * \
            ind.population_share

    risk = np.where(mapped, risk_index(exceedances, sanitation, cfg), np.nan)
    classes = priority_classes((risk * affected).ravel(), population.ravel())
    bench_gdal.write_map(os.path.join(out_dir, "risk_index.tif"), risk.astype(np.float32), grid,
                         "composite risk index")
    bench_gdal.write_map(os.path.join(out_dir, "priority_class.tif"),
                         classes.reshape(population.shape), grid, "priority class",
                         resampling="MODE")
    clock.lap("risk, write")
    village_table(os.path.join(out_dir, "villages.csv"), codes, names, counts, priors, cfg,
                  spread.village_population, village_sanitation)
    clock.lap("villages")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="riskmap job INI")
    parser.add_argument("--data", help="folder with riskmap synth's inputs (overrides the INI)")
    parser.add_argument("--out", required=True, help="output folder")
    args = parser.parse_args()
    run(read_config(args.config, args.data), args.out)


if __name__ == "__main__":
    main()
