#!/usr/bin/env python3
"""How `mpirun -np P riskmap run` should scale, from measured runs (issue 17).

    benchmarks/scaling_model.py --trace TRACE.csv --run-json RUN.json --wall SECONDS
        [--measured LABEL:P:RUN_JSON:WALL ...] [--scale S] [--ranks 1,2,4,...]
        [--alpha 5e-6] [--beta 1e-10]

TRACE.csv is the run.trace of a one-process run with c threads (per tile: land pixels and the
seconds to read, compute and keep it; per map: the seconds to finish it), RUN.json its run.json,
SECONDS its wall time. Each
--measured run (P ranks of the same c threads: its run.json and wall time) is predicted and
compared; the first with P > 1 also gives the writer's cost of assembling the checkpoints
(maps.pixels less maps.pixels.ranks in its run.json), which a one-process run does not have.
Then the table for P = 1..256 ranks of c threads, at --scale times the pixels (9: 1 arc second
instead of 3, for the pixel stages and the cube; score.areas and the tables keep the village
count).

The model of one run on P ranks (README "On a cluster"):
  T(P) = before + max over ranks r of pixels_r + collectives + assemble + after
  pixels_r    = max(sum of read + keep, sum of work / c) over r's tiles, the tiles cut into
                contiguous ranges of equal land as sched::weighted_range does; a tile's work
                is its share (by measured compute seconds) of c x the measured maps.pixels,
                which keeps c cores busy
  collectives = 4 agreements a quarter (sched::agree), each two MPI_Allreduce of 8 bytes and
                two MPI_Bcast (the writer's staging folder), (alpha + n beta) log2 P each;
                two of them also add up integer sums (village sums and tile land, 8 bytes x
                (4 villages + tiles); the score histogram, 1 MiB) and gather the style
                samples (4 bytes each), charged as (alpha + n beta) log2 P for n bytes
  before      = the stages before maps.pixels, which every rank runs, but zonal.villages
                split by tile over the ranks
  assemble    = the ranks taking their bands of every tile from the checkpoints (0 for one
                process), on the rank with the most bands: the writer the score and what the
                classes and change maps read (--writer-bands) besides the maps it finishes,
                the others the maps they finish. Per band, the measured P-rank writer's cost
                (maps.pixels less maps.pixels.ranks) over its bands there. The shared file
                system serves every checkpoint band to some rank once, which the model does
                not charge (optimistic where that file system is the limit)
  after       = max(classes + finish_0 + tables, max over r > 0 of finish_r) + cube
  finish_r    = the maps rank r finishes, each with its cube chunks encoded (maps.pixels'
                maps round the ranks from rank 1, as map_finisher does; the classes and change
                maps on rank 0): max(longest map, sum / c), in units where finish_0 =
                write.maps for P = 1
  cube        = what follows run.json on rank 0: copying the encoded chunks into the quarter
                file, the master, the exit
Efficiency E(P) = T(1) / (P T(P)).
A grid small enough to keep its work rasters in memory writes no checkpoints in one process,
while every rank of an MPI run does: there the trace's keep times, and so the ranks' I/O,
are too low (the province's 2x1 run: 185 MiB of checkpoints from rank 1).
"""

import argparse
import csv
import json
import math
import sys

BEFORE = ["checksum.inputs", "read.villages", "join.records", "neighbours.queen",
          "read.rasters", "score.areas", "compare.previous"]  # zonal.villages: split by tile
HISTOGRAM_BYTES = 2 * 65536 * 8
PIXEL_STAGES = {"read.rasters", "zonal.villages", "maps.classes", "write.maps"}


def read_trace(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    tiles = sorted((r for r in rows if r["phase"] == "compute"), key=lambda r: int(r["tile"]))
    maps = sorted((r for r in rows if r["phase"].startswith("finish")),
                  key=lambda r: int(r["tile"]))
    return ([{"land": int(r["land_pixels"]), "read": float(r["read_s"]),
              "compute": float(r["compute_s"]), "keep": float(r["keep_s"])} for r in tiles],
            [{"shared": r["phase"] == "finish", "seconds": float(r["keep_s"])} for r in maps])


def map_finisher(index, shared, ranks):
    """finish_maps.cpp's map_finisher."""
    return (index + 1) % ranks if shared else 0


def weighted_ranges(weights, ranks):
    """sched::weighted_range: tile i to the rank its weight's midpoint falls in."""
    total = sum(weights)
    owner, before = [], 0
    for w in weights:
        owner.append(min(ranks - 1, ranks * (2 * before + w) // (2 * total)) if total else 0)
        before += w
    return [[i for i, o in enumerate(owner) if o == r] for r in range(ranks)]


def stage_times(run_json):
    with open(run_json) as f:
        report = json.load(f)
    t, villages = report["timings_s"], report["areas"]["count"]
    before = sum(v for k, v in t.items() if k in BEFORE)
    pixels = t.get("maps.pixels", 0.0)
    ranks_part = t.get("maps.pixels.ranks", 0.0)
    return {"before": before, "pixels": pixels, "ranks_part": ranks_part, "villages": villages,
            "assemble": pixels - ranks_part if ranks_part else 0.0,
            "stages": sum(v for k, v in t.items() if k not in ("maps.pixels.ranks",
                                                                "neighbours.queen.work")),
            "timings": t}


class Model:
    def __init__(self, trace, threads, times, wall, measured, args, scale):
        tiles, maps = trace
        alpha, beta = args.alpha, args.beta
        total_compute = sum(t["compute"] for t in tiles) or 1.0
        busy = threads * times["pixels"]
        self.tiles = [dict(t, work=busy * t["compute"] / total_compute) for t in tiles]
        self.c, self.alpha, self.beta, self.scale = threads, alpha, beta, scale
        timings = times["timings"]
        pixel_scaled = lambda k, v: v * (scale if k in PIXEL_STAGES else 1.0)
        self.before = sum(pixel_scaled(k, v) for k, v in timings.items() if k in BEFORE)
        self.zonal = pixel_scaled("zonal.villages", timings.get("zonal.villages", 0.0))
        self.villages = times["villages"]
        self.cube = max(0.0, wall - times["stages"]) * scale  # the cube and the exit
        self.rank0_other = sum(pixel_scaled(k, timings.get(k, 0.0))
                               for k in ("maps.classes", "write.tables"))
        self.maps = maps
        write_maps = pixel_scaled("write.maps", timings.get("write.maps", 0.0))
        self.finish_unit = write_maps / (self.finish_raw(list(range(len(maps)))) or 1.0)
        self.writer_bands = [int(i) for i in args.writer_bands.split(",")]
        self.per_band = 0.0
        if measured:  # the writer's assembling over the bands it loaded there
            bands = len(self.bands(0, measured["ranks"]))
            self.per_band = measured["times"]["assemble"] * scale / bands

    def bands(self, rank, ranks):
        """The checkpoint bands `rank` loads (pixel_maps.cpp's assembled_bands); -1: score."""
        own = {i for i, m in enumerate(self.maps)
               if m["shared"] and map_finisher(i, True, ranks) == rank}
        return own | set(self.writer_bands) | {-1} if rank == 0 else own

    def assemble(self, ranks):
        if ranks == 1:
            return 0.0
        return self.per_band * max(len(self.bands(r, ranks)) for r in range(ranks))

    def collectives(self, ranks):
        """4 agreements of 4 small messages; village sums and the histogram added up."""
        hops = math.log2(ranks)
        small = 16 * hops * (self.alpha + 64 * self.beta)
        sums = 8 * (4 * self.villages + len(self.tiles)) + HISTOGRAM_BYTES
        return small + 2 * hops * self.alpha + hops * sums * self.beta

    def finish_raw(self, own):
        seconds = [self.maps[i]["seconds"] for i in own]
        return max(max(seconds, default=0.0), sum(seconds) / self.c)

    def finish(self, rank, ranks):
        own = [i for i, m in enumerate(self.maps)
               if map_finisher(i, m["shared"], ranks) == rank]
        return self.finish_raw(own) * self.finish_unit

    def maps_part(self, ranks):
        """The finishing of maps beyond rank 0's classes and tables, on the slowest rank."""
        others = max((self.finish(r, ranks) for r in range(1, min(ranks, len(self.maps) + 1))),
                     default=0.0)
        return max(self.finish(0, ranks), others - self.rank0_other)

    def pixels(self, ranks):
        worst = 0.0
        for share in weighted_ranges([t["land"] for t in self.tiles], ranks):
            io = sum(self.tiles[i]["read"] + self.tiles[i]["keep"] for i in share)
            work = sum(self.tiles[i]["work"] for i in share) / self.c
            worst = max(worst, max(io, work) * self.scale)
        return worst

    def parts(self, ranks):
        return {"before (every rank)": self.before,
                "village sums (split)": self.zonal / ranks,
                "maps.pixels share": self.pixels(ranks),
                "collectives": self.collectives(ranks),
                "assemble (the rank with most bands)": self.assemble(ranks),
                "classes, tables (rank 0)": self.rank0_other,
                "maps (slowest rank)": self.maps_part(ranks),
                "cube (rank 0)": self.cube}

    def total(self, ranks):
        return sum(self.parts(ranks).values())


def parse_measured(text):
    label, ranks, run_json, wall = text.split(":")
    return {"label": label, "ranks": int(ranks), "times": stage_times(run_json),
            "wall": float(wall)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trace", required=True)
    p.add_argument("--run-json", required=True)
    p.add_argument("--wall", type=float, required=True)
    p.add_argument("--measured", action="append", default=[])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--ranks", default="1,2,4,8,16,32,64,128,256")
    p.add_argument("--alpha", type=float, default=5e-6, help="seconds per message")
    p.add_argument("--beta", type=float, default=1e-10, help="seconds per byte")
    p.add_argument("--writer-bands", default="0,1,5,6,7,11",
                   help="the maps the classes and change maps read (each indicator's rate, "
                        "mean and n_eff: national.ini's)")
    a = p.parse_args()

    trace = read_trace(a.trace)
    tiles = trace[0]
    with open(a.run_json) as f:
        threads = json.load(f)["resources"]["threads"]
    one = stage_times(a.run_json)
    measured = [parse_measured(m) for m in a.measured]
    shared = next((m for m in measured if m["ranks"] > 1), None)
    assemble = shared["times"]["assemble"] if shared else 0.0

    def model(scale):
        return Model(trace, threads, one, a.wall, shared, a, scale)

    print(f"trace: {len(tiles)} tiles, {sum(t['land'] for t in tiles)} land pixels, "
          f"{len(trace[1])} maps, {threads} threads per rank; the writer assembling the "
          f"checkpoints: {assemble:.2f} s")
    m1 = model(1.0)
    print("\n| run | ranks | measured wall | predicted | error | maps.pixels share, predicted |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| one process | 1 | {a.wall:.1f} s | {m1.total(1):.1f} s | "
          f"{100 * (m1.total(1) / a.wall - 1):+.0f} % | {m1.pixels(1):.1f} s |")
    for m in measured:
        predicted = m1.total(m["ranks"])
        print(f"| {m['label']} | {m['ranks']} | {m['wall']:.1f} s | {predicted:.1f} s | "
              f"{100 * (predicted / m['wall'] - 1):+.0f} % | {m1.pixels(m['ranks']):.1f} s "
              f"(measured {m['times']['ranks_part']:.1f} s) |")
    ms = model(a.scale)
    t1 = ms.total(1)
    print(f"\nPredicted at {a.scale:g} x the pixels, ranks of {threads} threads:\n")
    print("| ranks | wall | speed-up | efficiency | largest part |")
    print("|---:|---:|---:|---:|---|")
    for ranks in (int(r) for r in a.ranks.split(",")):
        total = ms.total(ranks)
        parts = ms.parts(ranks)
        largest = max(parts, key=parts.get)
        print(f"| {ranks} | {total:.0f} s | {t1 / total:.2f} | {100 * t1 / (ranks * total):.1f} % "
              f"| {largest} ({100 * parts[largest] / total:.0f} %) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
