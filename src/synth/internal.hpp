#pragma once
/// \file
/// Internals of the synthetic-data generator shared by the synth_*.cpp files: the preset
/// parameters, a portable random source, the analytic landscape (water, forest, settlements,
/// smooth fields) and the villages built on it. Not part of riskmap's public interface.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "io/shapes.hpp"
#include "synth/synth.hpp"

#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace riskmap::synth::detail {

/// Everything that differs between presets; the recipe itself is shared.
struct Preset {
    std::string name;
    int width = 0;  ///< 30 m pixels
    int height = 0; ///< 30 m pixels
    double pixel_m = 30;
    double x0 = 400000;
    double y0 = 9230000;
    int epsg = 32749;          ///< the grid's CRS: UTM 49S, or the zone of given villages
    int sanitation_factor = 3; ///< sanitation pixels are this many analysis pixels wide
    bool river = true;         ///< the main river, crossing the map from west to east
    double river_width_min_m = 60;
    double river_width_max_m = 120;
    int tributaries = 0; ///< rivers from the north or south edge into the main river
    // A river narrower than ~1.5 pixels would leave gaps in its pixel row.
    double tributary_width_min_m = 45;
    double tributary_width_max_m = 80;
    int lakes = 1; ///< the first has the semi-axes below, the others are smaller
    double lake_semi_major_m = 750;
    double lake_semi_minor_m = 450;
    int forests = 1;                    ///< the first fills a corner, the others are inland hills
    double forest_radius_frac = 0.33;   ///< of the shorter side, measured from a corner
    double hill_radius_frac_min = 0.04; ///< inland forests, of the shorter side
    double hill_radius_frac_max = 0.08;
    int towns = 25;
    double town_sigma_min_m = 150;
    double town_sigma_max_m = 900;
    double town_peak_min = 5;  ///< persons per pixel at a town centre
    double town_peak_max = 18; ///< the main town's peak
    int hamlets = 400;
    double rural_density = 0.5; ///< persons per pixel between settlements
    double population_min = 0.9e6;
    double population_max = 1.1e6;
    int risk_bumps = 5; ///< bumps in each true-risk field: more for a larger map
    int villages = 240;
    double village_spacing_m = 350;
    int kecamatan = 15;
    int regencies = 1;
    // Lloyd steps that move kecamatan centres towards their villages and regency seats towards
    // their kecamatan: group sizes even out where villages crowd.
    int relax_iterations = 0;
    int first_regency = 5; ///< regency code of the first regency (01..99)
    int tiny_villages = 3;
    double warp_amplitude_m = 120; ///< wiggle of village borders
    // Village names join one of the first name_prefixes prefixes to one of the first
    // name_suffixes suffixes; thousands of villages need the longer lists to keep names plain.
    int name_prefixes = 24;
    int name_suffixes = 18;
};

/// Throws UsageError for an unknown name.
Preset preset_named(const std::string& name);

/// Samplers written out here rather than taken from <random>'s distributions, whose output
/// differs between standard libraries: the same seed gives the same data everywhere.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}
    double uniform(); ///< [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int index(int n); ///< 0 .. n-1
    double normal();
    std::int64_t poisson(double mean);
    std::int64_t binomial(std::int64_t n, double p);
    std::uint64_t bits() { return engine_(); }

private:
    std::mt19937_64 engine_;
};

/// Village and kecamatan names: a prefix joined to a suffix from the preset's first
/// name_prefixes and name_suffixes entries, told apart by a qualifier, then a number, when the
/// pair was drawn before from this namer.
class Namer {
public:
    explicit Namer(const Preset& p);
    std::string unique(Rng& rng);

private:
    int prefixes_, suffixes_;
    std::set<std::string> used_;
};

/// Standard normal value that depends only on (key, index): per-pixel noise that any thread
/// order reproduces.
double hashed_normal(std::uint64_t key, std::uint64_t index);

struct Extent {
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    double width() const { return xmax - xmin; }
    double height() const { return ymax - ymin; }
};

struct Bump {
    double x = 0, y = 0, sigma = 1, amp = 0;
    double at(double px, double py) const;
};

struct Wave {
    double kx = 0, ky = 0, phase = 0, amp = 0;
    double at(double px, double py) const;
};

/// A smooth random surface: a few large Gaussian bumps plus low-frequency waves, roughly
/// within [-1, 1].
struct SmoothField {
    std::vector<Bump> bumps;
    std::vector<Wave> waves;
    double at(double x, double y) const;
};

/// `scale` is the typical length of the features (bump sigma, wave length / 2 pi).
SmoothField random_field(Rng& rng, const Extent& extent, int bumps, int waves, double scale);

/// Items filed under the square cells of a grid, so that neighbour searches look at a few
/// cells instead of every item. Positions outside the grid go to its border cells: the cell
/// index is monotone in the position, so every search stays complete.
class BucketGrid {
public:
    BucketGrid() = default;
    BucketGrid(const Extent& extent, double cell);
    /// Files `item` in every cell met by the square of half-side `reach` around (x, y).
    void add(int item, double x, double y, double reach = 0);
    /// The items filed in the cell holding (x, y), in the order they were added.
    const std::vector<int>& at(double x, double y) const;
    /// Appends the items of every cell met by the box; an item filed with a reach may repeat.
    void collect(double x0, double y0, double x1, double y1, std::vector<int>& out) const;

private:
    int col(double x) const;
    int row(double y) const;
    Extent extent_;
    double cell_ = 1;
    int cols_ = 1, rows_ = 1;
    std::vector<std::vector<int>> cells_ = std::vector<std::vector<int>>(1);
};

/// A river whose centre line is a function of x or, transposed, of y ("along"); "across" is
/// the other coordinate.
struct River {
    bool transposed = false; ///< runs north-south
    int side = 0; ///< a tributary: exists only north (+1) or south (-1) of the main river
    double base = 0, slope = 0, mid = 0; ///< straight course: across = base + slope (along - mid)
    std::vector<Wave> meander;           ///< functions of along only (ky = 0)
    Wave width;                          ///< metres, about the mean width
    double mean_width_m = 0;
    double reach = 0; ///< no water farther across than this from the straight course

    /// Centre line across at `along`, and its slope.
    double centre(double along, double* slope_out) const;
    /// Across minus the centre line: positive north (or east) of the river.
    double offset(double x, double y) const;
    /// Distance across the river, measured perpendicular to the local course.
    double distance(double x, double y) const;
    bool water(double x, double y) const;
};

struct Lake {
    double x = 0, y = 0, a = 1, b = 1, angle = 0;
    bool contains(double px, double py) const;
};

struct Forest {
    double x = 0, y = 0, radius = 0; ///< centre (a map corner for the first) and mean radius
    SmoothField edge;
    /// Metres inside the edge (negative outside).
    double depth(double px, double py) const;
};

/// The analytic world every raster and polygon is sampled from.
struct Landscape {
    Extent extent;
    std::vector<River> rivers; ///< rivers[0] is the main river, if any
    std::vector<Lake> lakes;
    std::vector<Forest> forests; ///< forests[0] is the corner forest
    std::vector<Bump> towns;     ///< towns[0] is the main (densest) town
    std::vector<Bump> hamlets;
    BucketGrid town_cells; ///< towns by their reach of urban influence
    SmoothField rural, sanitation_noise, stunting, maternal, warp_x, warp_y;

    bool water(double x, double y) const;
    /// Metres inside the nearest forest edge (negative outside every forest).
    double forest_depth(double x, double y) const;
    bool forest(double x, double y) const { return forest_depth(x, y) > 0; }
    /// 0 in open country, 1 in town centres.
    double urban(double x, double y) const;
    /// Share of households without improved sanitation.
    double sanitation(double x, double y) const;
    double sanitation(double x, double y, double urban_share) const;
};

Landscape make_landscape(const Preset& preset, Rng& rng);

/// The 30 m analysis grid of the preset (EPSG:32749), or a coarser one `factor` times wider.
Grid preset_grid(const Preset& preset, int factor = 1);

/// The rasters written by the generator, on the analysis grid unless said otherwise.
struct Surfaces {
    Layer<float> population; ///< NaN on water, 0 in forest
    Layer<float> stunting;   ///< true p(x)
    Layer<float> maternal;   ///< true lambda(x)
    Layer<float> sanitation; ///< on the coarse sanitation grid
};

Surfaces make_surfaces(const Preset& preset, const Landscape& land, std::uint64_t seed, Rng& rng);

struct Village {
    double x = 0, y = 0; ///< seed, or the centre of a tiny village
    io::Shape geometry;  ///< a multipolygon in the grid's CRS
    bool tiny = false;
    int parent = -1; ///< tiny villages: the village they were carved out of
    int kecamatan = -1;
    std::string code; ///< 10 digits
    std::string name;
    double population = 0;
    double stunting = 0;
    double maternal = 0;
};

struct VillageSet {
    std::vector<Village> villages; ///< in code order once numbered
    std::vector<std::string> kecamatan_names;
    std::vector<std::string> kecamatan_codes; ///< 6 digits: province, regency, kecamatan
};

/// Seeds, nearest-seed labels, polygons and tiny villages (geometry only).
VillageSet make_village_shapes(const Preset& preset, const Landscape& land,
                               const Layer<float>& population, Rng& rng);

/// Regencies, kecamatan, codes and names; sorts the villages into code order.
void assign_codes(const Preset& preset, const Landscape& land, VillageSet& set, Rng& rng);

/// Village index of every analysis pixel, -1 outside every village (pixel-centre rule).
Layer<std::int32_t> village_owner(const Grid& g, const VillageSet& set);

/// Population and true rates per village from the rasters (pixel-centre rasterization).
void measure_villages(const Preset& preset, const Surfaces& surfaces, VillageSet& set, Rng& rng);

/// Calibration scenarios (SynthOptions::truth_cv, maternal_events, stunting_mean): both true
/// surfaces stretched on their link scale (logit, log) so that the villages' true rates have
/// the asked coefficient of variation, and shifted to the asked mean; village truths are again
/// the population-weighted means of the new surfaces (a village without a pixel centre keeps
/// the value of its point's pixel, transformed alike).
void retarget_truth(const Preset& preset, const SynthOptions& options, Surfaces& surfaces,
                    VillageSet& set);

/// villages.gpkg with kode_desa, nama_desa, kecamatan in the CRS of the EPSG code.
void write_villages(const std::string& path, const VillageSet& set, int epsg = 32749);

/// Draws the quarters from the truth and writes every file of a generated district (rasters,
/// villages, records, truth) into options.out_dir at once.
void write_district(const Preset& preset, const Surfaces& surfaces, const VillageSet& villages,
                    const SynthOptions& options);

/// `riskmap synth --villages FILE`: population, sanitation, truth and records over given
/// polygons (real boundaries) on a 100 m UTM grid around them.
void generate_over_villages(const SynthOptions& options);

/// The same random stream for a seed and step in every generator.
Rng stream(std::uint64_t seed, std::uint64_t step);

/// records.csv: `options.quarters` quarters drawn from the villages' populations and true
/// rates, codes half dotted; and truth_villages.csv with the true rates.
void write_records_and_truth(const std::string& records_path, const std::string& truth_path,
                             const VillageSet& set, const SynthOptions& options);

} // namespace riskmap::synth::detail
