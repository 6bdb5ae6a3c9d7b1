"""Checks that two tools produced the same map: compares band 1 of REFERENCE and OTHER (same
grid) where both have data and prints the absolute differences, plus the pixels that have data
in one map only. Exits 1 when the maps disagree beyond the tolerances, so a benchmark that
compares unlike outputs fails instead of printing a flattering ratio.

  compare_maps.py LABEL REFERENCE OTHER --max-median M [--relative] --max-mismatch FRACTION
                  [--json FILE]
"""
import argparse
import json
import sys

import numpy as np

import bench_gdal


def compare(reference_path, other_path):
    _, reference = bench_gdal.read_float(reference_path)
    _, other = bench_gdal.read_float(other_path)
    if reference.shape != other.shape:
        sys.exit(f"compare_maps.py: {reference_path} is {reference.shape}, "
                 f"{other_path} is {other.shape}")
    in_reference, in_other = np.isfinite(reference), np.isfinite(other)
    both = in_reference & in_other
    difference = np.abs(reference[both].astype(np.float64) - other[both])
    scale = float(np.max(np.abs(reference[both]))) if both.any() else 0.0
    return {
        "pixels_compared": int(both.sum()),
        "data_in_one_only": int((in_reference ^ in_other).sum()),
        "max_abs_diff": float(difference.max()) if difference.size else 0.0,
        "median_abs_diff": float(np.median(difference)) if difference.size else 0.0,
        "reference_max": scale,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label")
    parser.add_argument("reference")
    parser.add_argument("other")
    parser.add_argument("--max-median", type=float, required=True,
                        help="largest acceptable median absolute difference")
    parser.add_argument("--relative", action="store_true",
                        help="--max-median is a fraction of the reference map's maximum")
    parser.add_argument("--max-mismatch", type=float, required=True,
                        help="largest acceptable share of pixels with data in one map only")
    parser.add_argument("--json", help="append the result as one JSON line to this file")
    args = parser.parse_args()
    result = {"label": args.label, **compare(args.reference, args.other)}
    compared = max(result["pixels_compared"], 1)
    max_median = args.max_median * (result["reference_max"] if args.relative else 1.0)
    result["ok"] = bool(result["pixels_compared"] > 0
                        and result["median_abs_diff"] <= max_median
                        and result["data_in_one_only"] / compared <= args.max_mismatch)
    print(f"{args.label}: {result['pixels_compared']} pixels, max |diff| "
          f"{result['max_abs_diff']:.3g}, median |diff| {result['median_abs_diff']:.3g} "
          f"(map maximum {result['reference_max']:.3g}), data in one map only: "
          f"{result['data_in_one_only']} -> {'OK' if result['ok'] else 'MISMATCH'}")
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            out.write(json.dumps(result) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
