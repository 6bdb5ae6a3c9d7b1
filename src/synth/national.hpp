#pragma once
/// \file
/// Internals of the national preset: an Indonesia-sized geographic grid (EPSG:4326, 3 arc
/// seconds) generated in streaming fashion. Islands are vector polygons, villages are Voronoi
/// cells cut to them, and every raster value is a pure function of the seed, the pixel
/// position and the small vector data below, so strips can be computed by any thread in any
/// order and the files keep the same bytes. Nothing here holds a whole raster layer.

#include "core/grid.hpp"
#include "io/staged_output.hpp"
#include "synth/geos.hpp"
#include "synth/internal.hpp"
#include "synth/synth.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace riskmap::synth::national {

using detail::BucketGrid;
using detail::Rng;

/// The grid, the counts and the totals; everything follows from the scale factor.
struct NationalPreset {
    double scale = 1;
    int pixels_per_degree = 1200; ///< 3 arc seconds at scale 1
    int sanitation_factor = 3;    ///< sanitation pixels are 9 arc seconds at scale 1
    double west = 95, east = 141, south = -11, north = 6;
    int villages = 84000;
    int kecamatan = 7200;
    int regencies = 514;
    int provinces = 38;
    double population = 280e6; ///< the whole country, at any scale
    double bandwidth_m = 5000;
};

/// Throws UsageError unless 1200 * scale is a whole multiple of 3 in [3, 1200].
NationalPreset national_preset(double scale);
/// The population grid, or the sanitation grid with `factor` = sanitation_factor.
Grid national_grid(const NationalPreset& p, int factor = 1);

/// Island groups that provinces never cross, with the traits of their people.
struct Region {
    const char* name;
    int first_province_code;
    double rural_density;       ///< persons per km2 between towns, before the national total is set
    double wild_share;          ///< share of the land left to forest and mountains (no people)
    double no_sanitation;       ///< share of households without improved sanitation
    double stunting;            ///< prevalence among children under five
    double maternal;            ///< maternal deaths per live birth
    std::vector<Point> anchors; ///< points along the main island(s)
};
const std::vector<Region>& regions();
/// Index of the region whose anchors lie nearest to p.
int region_of(Point p);

struct Island {
    std::vector<Ring> rings; ///< shell, then holes
    int region = 0;
    double area_km2 = 0;
    Point inside;
};

/// The land: the union of every island shape, cut to the grid's box.
std::vector<Island> make_islands(const NationalPreset& p, Rng& rng);

/// Where a horizontal line crosses a coast, and the island on whose land the line enters
/// or leaves there.
struct Crossing {
    double x = 0;
    int island = -1;
};

/// Coast edges filed by latitude band: which islands a row or a point lies on, with one rule
/// (a point is land when an odd number of crossings lie at or west of it) shared by the
/// rasters, the seeds and the tests.
class LandIndex {
public:
    LandIndex(const std::vector<Island>& islands, const NationalPreset& p);
    /// Crossings of the line at latitude y, west to east.
    void crossings(double y, std::vector<Crossing>& out) const;
    /// The island holding (x, y), or -1 at sea.
    int island_at(double x, double y) const;

private:
    struct Edge {
        double x1, y1, x2, y2;
        int island;
    };
    double north_ = 0, band_ = 1;
    std::vector<std::vector<Edge>> bands_;
};

/// Land pixels [first, last) of one island in one row.
struct Span {
    int first = 0, last = 0, island = -1;
};
/// The land spans of a grid row, by pixel centre.
void row_spans(const LandIndex& land, const Grid& grid, int row, std::vector<Crossing>& scratch,
               std::vector<Span>& out);

/// Smooth fields too costly to evaluate at each of a billion pixels, kept at the nodes of a
/// regular lattice and read back by bilinear interpolation; the channels share one lookup.
struct Lattice {
    enum Channel { kRural, kSanitation, kStunting, kMaternal, kChannels };
    double x0 = 0, y0 = 0, step = 1; ///< node (0, 0) is the south-west corner
    int nx = 0, ny = 0;
    std::vector<float> v; ///< by node, then channel

    struct Weights {
        std::size_t node = 0; ///< south-west node of the cell
        double u = 0, w = 0;  ///< east and north fractions
    };
    Weights weights(double x, double y) const;
    double value(const Weights& at, Channel channel) const;
    double at(double x, double y, Channel channel) const { return value(weights(x, y), channel); }
    double max(Channel channel) const;
};

struct City {
    Point at;
    double sigma = 0.01; ///< degrees
    double peak = 0;     ///< persons per km2 at the centre
};

/// The geography of people, sanitation and risk.
struct Geography {
    /// kRural: persons per km2 between towns; kSanitation: logit of the share without
    /// improved sanitation, before towns; kStunting: true prevalence; kMaternal: true deaths
    /// per live birth.
    Lattice fields;
    std::vector<City> cities;
    BucketGrid city_cells; ///< cities by reach
    std::uint64_t noise_key = 0;
    double people_per_density = 1; ///< sets the national total

    /// Cities whose reach meets the box.
    void cities_near(double x0, double y0, double x1, double y1, std::vector<int>& out) const;
    double city_density(double x, double y, const std::vector<int>& near) const;
    /// Persons per km2 without pixel noise (seed placement).
    double density(double x, double y) const;
};

Geography make_geography(const NationalPreset& p, const LandIndex& land, Rng& rng);

/// Per-pixel log-normal factor with mean about 1: WorldPop-like texture.
double pixel_noise(std::uint64_t key, std::uint64_t index);

struct Seed {
    Point at;
    int island = -1;
    bool urban = false; ///< a kelurahan (codes 1xxx) rather than a desa (2xxx)
};

std::vector<Seed> place_seeds(const NationalPreset& p, const std::vector<Island>& islands,
                              const LandIndex& land, const Geography& geo, Rng& rng);

/// Villages of seeds and the islands without one: which village a point belongs to.
class VillageLocator {
public:
    VillageLocator(const std::vector<Seed>& seeds, const std::vector<Island>& islands);
    /// The village of each seedless island (the one of the nearest seed), -1 for the others.
    const std::vector<int>& attached() const { return attached_; }
    /// Seeds of `island` that can be nearest to some point of the box; empty for an island
    /// without seeds.
    void candidates(int island, double x0, double y0, double x1, double y1,
                    std::vector<int>& out) const;
    /// Nearest among the candidates; ties go to the lower index.
    int nearest(double x, double y, const std::vector<int>& candidates) const;
    /// The village of (x, y) on `island`.
    int village_at(double x, double y, int island) const;

private:
    const std::vector<Seed>& seeds_;
    BucketGrid cells_;
    double cell_ = 0.05;
    std::vector<int> attached_;
};

/// Codes, names and kecamatan of the villages; villages[i] belongs to seed order[i].
struct Registry {
    detail::VillageSet set;
    std::vector<int> seed_of; ///< village index -> seed index
};

Registry assign_national_codes(const NationalPreset& p, const std::vector<Seed>& seeds,
                               const std::vector<Island>& islands, Rng& rng);

/// Cuts every island into the Voronoi cells of its seeds (one shared noding per island, so
/// neighbours share their borders exactly) and adds seedless islands to their village.
/// Fills registry.set.villages[i].geometry.
void make_village_polygons(const std::vector<Island>& islands, const std::vector<Seed>& seeds,
                           const VillageLocator& locator, Registry& registry);

/// Sums per village gathered while the population raster streams out.
struct VillageSums {
    std::vector<double> population, stunting, maternal; ///< the last two weighted by people
};

struct RasterReport {
    double population = 0;
    std::int64_t land_pixels = 0;
};

/// Writes population.tif and sanitation.tif strip by strip; returns the per-seed sums.
RasterReport write_national_rasters(io::StagedOutput& staged, const NationalPreset& p,
                                    const LandIndex& land, const Geography& geo,
                                    const VillageLocator& locator, const SynthOptions& options,
                                    VillageSums& sums);

/// The whole national data set into options.out_dir.
void generate_national(const SynthOptions& options);

} // namespace riskmap::synth::national
