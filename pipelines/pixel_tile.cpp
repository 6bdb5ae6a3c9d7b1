#include "pipelines/pixel_plan.hpp"

#include "kernels/risk_score.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/tile_trace.hpp"
#include "sched/parallel_rows.hpp"

#include <chrono>
#include <cmath>
#include <span>

namespace riskmap::pixels {

namespace {
void histogram_tile(PixelTile& t, const CoreInWindow& o) {
    for (int r = 0; r < t.core.height; ++r)
        for (int c = 0; c < t.core.width; ++c)
            t.histogram.add(t.score(r, c), t.population.data()[o.window_index(t, r, c)]);
}

std::unique_ptr<PixelTile> read_tile_data(const JobState& s, const PixelPlan& plan,
                                          const Rect& core) {
    auto t = std::make_unique<PixelTile>();
    t->core = core;
    t->window =
        sched::grow_clipped(core, plan.smoothing.halo, s.grid().grid.width, s.grid().grid.height);
    // Assembling under MPI (bands chosen) takes the checkpoint's bands and nothing else; the
    // population weighs the histogram of a computed or resumed tile.
    if (plan.bands_loaded.empty())
        t->population = s.grid().population->read(t->window);
    if (plan.checkpoints->has(core)) {
        t->resumed = true; // loaded on a worker thread, not in this serial reading
        return t;
    }
    if (s.grid().sanitation) {
        t->sanitation = s.grid().sanitation->read(core);
        for (float& v : t->sanitation.values())
            v = static_cast<float>(v / s.config.sanitation_scale);
    }
    return t;
}

/// Risk index and priority score per pixel: the overall list's weighted excess cases per
/// km^2, from the population density around the pixel (at the fixed bandwidth), so that
/// neither the pixel size nor one pixel's count of people decides a class (DESIGN.md section
/// 3). Pixels where nobody lives, or with no indicator data, are nodata in both.
void risk_and_score(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    const kernels::ScoreWeights weights = score_weights(s.config);
    const CoreInWindow o(t);
    const auto width = static_cast<std::size_t>(t.core.width);
    const auto row_of = [&](const Layer<float>& layer, int r) {
        return std::span<const float>(layer.data() + std::size_t(r) * width, width);
    };
    sched::for_row_blocks(t.core.height, [&](int begin, int end) {
        kernels::PixelScoreRow row;
        std::vector<std::uint8_t> people(width);
        for (int r = begin; r < end; ++r) {
            for (int c = 0; c < t.core.width; ++c)
                people[c] = mapped(t, o, r, c) && t.population.data()[o.window_index(t, r, c)] > 0;
            row.mapped = people;
            row.exceed.clear();
            row.excess_rate.clear();
            for (std::size_t k = 0; k < s.config.indicators.size(); ++k) {
                row.exceed.push_back(row_of(t.maps[plan.maps[k].exceed], r));
                row.excess_rate.push_back(row_of(t.excess[k], r));
            }
            row.sanitation =
                t.sanitation.size() ? row_of(t.sanitation, r) : std::span<const float>();
            row.density = row_of(t.density, r);
            const auto at = std::size_t(r) * width;
            kernels::score_pixel_row(row, weights, {t.maps[plan.risk].data() + at, width},
                                     {t.score.data() + at, width});
        }
    });
}
} // namespace

std::vector<const Layer<float>*> tile_layers(const PixelTile& t) {
    std::vector<const Layer<float>*> layers;
    for (const auto& map : t.maps)
        layers.push_back(&map);
    layers.push_back(&t.score);
    return layers;
}

void compute_maps(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    t.village = s.zones().burner->burn(t.window); // thread-safe, so not in the serial read
    t.maps.assign(s.pixel_maps().maps.size(), Layer<float>(t.core.width, t.core.height, kNaNf));
    t.score = Layer<float>(t.core.width, t.core.height, kNaNf);
    t.excess.assign(s.config.indicators.size(), Layer<float>(t.core.width, t.core.height, kNaNf));
    // Every map is NaN off the mapped pixels, so a tile without one (open sea: most of a
    // national grid) has nothing to compute; skipping it changes no value.
    if (!any_mapped(t))
        return;
    for (std::size_t k = 0; k < s.config.indicators.size(); ++k)
        indicator_pixels(s, plan, t, k);
    t.density = population_density(s, plan, t);
    risk_and_score(s, plan, t);
}

void load_checkpoint(const JobState& s, const PixelPlan& plan, PixelTile& t,
                     const std::vector<bool>& bands) {
    t.maps = plan.checkpoints->load(t.core, s.pixel_maps().maps.size() + 1, bands);
    t.score = std::move(t.maps.back());
    t.maps.pop_back();
}

std::vector<bool> summary_bands(const JobState& s, const PixelPlan& plan) {
    std::vector<bool> bands(s.pixel_maps().maps.size() + 1, false);
    for (const IndicatorMaps& m : plan.maps)
        bands[m.mean] = bands[m.information] = true;
    bands.back() = true;
    return bands;
}

void summarise_tile(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    const CoreInWindow o(t);
    histogram_tile(t, o);
    const std::size_t indicators = s.config.indicators.size();
    t.samples.resize(2 * indicators);
    for (int r = 0; r < t.core.height; ++r)
        for (int c = 0; c < t.core.width; ++c)
            if (on_lattice(t.core.y0 + r, t.core.x0 + c, plan.stride))
                for (std::size_t k = 0; k < indicators; ++k) {
                    if (const float v = t.maps[plan.maps[k].mean](r, c); !std::isnan(v))
                        t.samples[k].push_back(v);
                    if (const float v = t.maps[plan.maps[k].information](r, c); !std::isnan(v))
                        t.samples[indicators + k].push_back(v);
                }
}

void compute_tile(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    if (t.resumed)
        load_checkpoint(s, plan, t, plan.bands_loaded);
    else
        compute_maps(s, plan, t);
    summarise_tile(s, plan, t);
}

std::unique_ptr<PixelTile> read_tile(const JobState& s, const PixelPlan& plan,
                                     const sched::TileLayout& layout, std::size_t index) {
    const auto start = std::chrono::steady_clock::now();
    auto t = read_tile_data(s, plan, layout.tile(index));
    t->index = index;
    t->read_s = seconds_since(start);
    return t;
}

} // namespace riskmap::pixels
