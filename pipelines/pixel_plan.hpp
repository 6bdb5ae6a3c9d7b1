#pragma once
/// \file
/// What the per-pixel stages share: the maps a run writes, the smoothing plan, a tile of the
/// pixel stage, and the per-indicator arithmetic on it (pipelines/indicator_pixels.cpp).
/// Internal to the map stages.

#include "kernels/pixel_uncertainty.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/job_state.hpp"
#include "sched/tiled_smooth.hpp"
#include "sched/tiles.hpp"

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace riskmap::pixels {

constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

/// Map styles need percentiles; they are taken from the pixels on a fixed lattice of at most
/// about a million points, the same whatever the tiles.
int sample_stride(const Grid& g);
inline bool on_lattice(int row, int col, int stride) {
    return row % stride == 0 && col % stride == 0;
}

io::MapInfo float_info(std::string description, std::string units,
                       const std::vector<std::pair<std::string, std::string>>& metadata);

/// A new work raster in the staging folder, added to state.maps; returns its index.
std::size_t add_map(JobState& s, const std::string& name, const io::MapInfo& info,
                    io::PixelType type = io::PixelType::Float32);

/// Where each indicator's maps are in state.maps.
struct IndicatorMaps {
    std::size_t rate = 0, mean = 0, lower = 0, upper = 0, exceed = 0, information = 0;
    std::size_t bandwidth = SIZE_MAX; ///< adaptive runs only
};

IndicatorMaps add_indicator_maps(JobState& s, const IndicatorSpec& spec);

/// Every Gaussian the run needs (one per bandwidth, and one at bandwidth / sqrt 2 for the
/// sums of squared weights), planned once for the grid.
struct Smoothing {
    std::vector<double> bandwidths;
    std::vector<sched::TiledGaussian> levels;  ///< w
    std::vector<sched::TiledGaussian> squares; ///< w^2: a Gaussian of sigma h / sqrt 2
    /// Population density for the priority score, at smoothing.bandwidth_m in every run: a
    /// density of people around the pixel, the same whatever the pixel size.
    std::vector<sched::TiledGaussian> density;
    int halo = 0;
};

Smoothing plan_smoothing(const JobState& s);

/// Per indicator: what the pixel posterior needs besides the tile.
struct IndicatorPlan {
    kernels::PixelUncertainty uncertainty;
    bool predictive = true;    ///< false: uncertainty.method = plugin (sampling only, as spdep)
    std::vector<double> rate2; ///< per village n r^2 = y^2 / n (spread like a count)
    std::vector<double> share; ///< per village 1 (spread: the pixel's share of its village)
};

IndicatorPlan plan_indicator(const JobState& s, std::size_t k);

/// What the tiles share, read-only while they run.
struct PixelPlan {
    Smoothing smoothing;
    std::vector<IndicatorMaps> maps;
    std::vector<IndicatorPlan> indicators;
    std::size_t risk = 0;
    int stride = 1;
    std::unique_ptr<TileCheckpoints> checkpoints;
    /// Per checkpoint band (every map, then the score): whether this process loads it when it
    /// takes a tile from its checkpoint (empty: every band).
    std::vector<bool> bands_loaded;
};

struct PixelTile final : sched::TileWork {
    std::size_t index = 0; ///< in the tile layout
    Rect core, window;
    double read_s = 0, compute_s = 0; ///< for run.trace
    bool resumed = false;             ///< maps and score loaded from a checkpoint
    Layer<float> population;          ///< window
    Layer<std::int32_t> village;      ///< window
    Layer<float> sanitation;          ///< core, deficit 0..1 (empty without sanitation)
    std::vector<Layer<float>> maps;
    std::vector<Layer<float>> excess; ///< per indicator, E[(rate - target)+] (core, unwritten)
    Layer<float> density;             ///< persons per km^2 around each core pixel
    Layer<float> score;
    /// On the lattice: per indicator k its posterior means at k, its effective denominators
    /// at K + k.
    std::vector<std::vector<float>> samples;
    ScoreHistogram histogram; ///< of this tile's scores
};

/// Offsets of the core inside the window.
struct CoreInWindow {
    int dx, dy;
    explicit CoreInWindow(const PixelTile& t)
        : dx(t.core.x0 - t.window.x0), dy(t.core.y0 - t.window.y0) {}
    std::size_t window_index(const PixelTile& t, int r, int c) const {
        return std::size_t(r + dy) * t.window.width + std::size_t(c + dx);
    }
};

/// A pixel inside a village with a known population.
inline bool mapped(const PixelTile& t, const CoreInWindow& o, int r, int c) {
    const std::size_t i = o.window_index(t, r, c);
    return t.village.data()[i] >= 0 && !(t.population.data()[i] != t.population.data()[i]);
}

bool any_mapped(const PixelTile& t);

/// Persons per km^2 under the density kernel at each core pixel (sum w pop / 2 pi h^2).
Layer<float> population_density(const JobState& s, const PixelPlan& plan, const PixelTile& t);

/// Smoothed rate, posterior and information of indicator k on the tile's core.
void indicator_pixels(const JobState& s, const PixelPlan& plan, PixelTile& t, std::size_t k);

// One tile's work (pixel_tile.cpp).

/// Reads a tile's core and halo window (population, sanitation), or marks it resumed when a
/// checkpoint holds it; times the read for run.trace.
std::unique_ptr<PixelTile> read_tile(const JobState& s, const PixelPlan& plan,
                                     const sched::TileLayout& layout, std::size_t index);

/// Every map of the tile, its risk index and priority score (nodata where nothing is mapped).
void compute_maps(const JobState& s, const PixelPlan& plan, PixelTile& t);

/// A resumed tile's maps and score (the bands flagged in `bands`; every one when it is
/// empty) from its checkpoint: decoded on any thread, not in the serial reading (on the
/// national grid the MPI writer spent 80 s there).
void load_checkpoint(const JobState& s, const PixelPlan& plan, PixelTile& t,
                     const std::vector<bool>& bands);

/// The bands the score histogram and the style samples read: each indicator's posterior
/// mean and effective denominator, and the score.
std::vector<bool> summary_bands(const JobState& s, const PixelPlan& plan);

/// The score histogram and the style samples of a tile. They come from the maps, so a
/// resumed tile gives the same.
void summarise_tile(const JobState& s, const PixelPlan& plan, PixelTile& t);

/// A tile of a one-process run: computed, or taken from its checkpoint, and summarised.
void compute_tile(const JobState& s, const PixelPlan& plan, PixelTile& t);

/// The bands of a tile's checkpoint: every map, then the score.
std::vector<const Layer<float>*> tile_layers(const PixelTile& t);

/// QGIS styles and quicklook titles of indicator k's maps, from its posterior means and
/// effective denominators sampled on the lattice.
void style_indicator_maps(JobState& s, const PixelPlan& plan, std::size_t k,
                          const std::vector<float>& mean_samples,
                          const std::vector<float>& information_samples);

} // namespace riskmap::pixels
