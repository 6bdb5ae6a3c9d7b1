#include "pipelines/map_stages.hpp"

#include "core/numbers.hpp"
#include "io/cube.hpp"
#include "io/gdal_env.hpp"
#include "kernels/adaptive.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/map_styles.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/smooth.hpp"
#include "sched/tiled_smooth.hpp"
#include "sched/tiles.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

namespace riskmap {

namespace {
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

/// Map styles need percentiles; they are taken from the pixels on a fixed lattice of at most
/// about a million points, the same whatever the tiles.
int sample_stride(const Grid& g) {
    return std::max(1, static_cast<int>(std::ceil(std::sqrt(double(g.pixel_count()) / 1e6))));
}

bool on_lattice(int row, int col, int stride) {
    return row % stride == 0 && col % stride == 0;
}

io::MapInfo float_info(std::string description, std::string units,
                       const std::vector<std::pair<std::string, std::string>>& metadata) {
    io::MapInfo info;
    info.description = std::move(description);
    info.units = std::move(units);
    for (const auto& [k, v] : metadata)
        info.metadata[k] = v;
    return info;
}

std::size_t add_map(JobState& s, const std::string& name, const io::MapInfo& info,
                    GDALDataType type = GDT_Float32) {
    auto file =
        std::make_unique<io::TiledMapFile>(staged_output(s).scratch_path("work-" + name + ".tif"),
                                           s.grid, type, info, io::Overviews::FromTiles);
    s.maps.push_back(NamedMap{name, std::move(file), {}, true});
    return s.maps.size() - 1;
}

std::vector<std::pair<std::string, std::string>> indicator_metadata(const JobConfig& cfg,
                                                                    const IndicatorSpec& spec) {
    return {{"indicator", spec.name},
            {"target", format_double(spec.target)},
            {"display_scale", format_double(spec.display_scale)},
            {"bandwidth_m", format_double(cfg.bandwidth_m)},
            {"period", cfg.period}};
}

/// Where each indicator's maps are in state.maps.
struct IndicatorMaps {
    std::size_t rate = 0, mean = 0, lower = 0, upper = 0, exceed = 0;
    std::size_t bandwidth = SIZE_MAX; ///< adaptive runs only
};

std::string kernel_label(const JobConfig& cfg) {
    return cfg.bandwidth_ladder_m.empty() ? "h = " + format_double(cfg.bandwidth_m) + " m"
                                          : "adaptive h";
}

IndicatorMaps add_indicator_maps(JobState& s, const IndicatorSpec& spec) {
    const JobConfig& cfg = s.config;
    const auto meta = indicator_metadata(cfg, spec);
    IndicatorMaps m;
    if (!cfg.bandwidth_ladder_m.empty())
        m.bandwidth = add_map(s, spec.name + "_bandwidth_m",
                              float_info(spec.name + " adaptive bandwidth used", "metre", meta));
    m.rate = add_map(
        s, spec.name + "_rate",
        float_info(spec.name + " rate, Gaussian kernel smoothed (" + kernel_label(cfg) + ")",
                   "proportion", meta));
    m.mean =
        add_map(s, spec.name + "_mean",
                float_info(spec.name + " rate, posterior mean from the pixel's effective counts",
                           "proportion", meta));
    m.lower =
        add_map(s, spec.name + "_lo",
                float_info(spec.name + " rate, 2.5 % posterior quantile", "proportion", meta));
    m.upper =
        add_map(s, spec.name + "_hi",
                float_info(spec.name + " rate, 97.5 % posterior quantile", "proportion", meta));
    m.exceed =
        add_map(s, spec.name + "_exceed",
                float_info("P(" + spec.name + " rate > target " + format_double(spec.target) + ")",
                           "probability", meta));
    return m;
}

/// Work rasters that fit in run.work_memory_mib (1 GiB by default: a grid up to about 12 Mpx,
/// a province at 100 m) stay in GDAL's block cache, allowed to grow that far (plus the 256 MiB
/// streaming reads use): they are never compressed, written or read back, the cube copies
/// from them, and their tiles are not checkpointed (such a run takes seconds; checkpoints
/// cost more than a rerun would). Larger grids stream through the work files in the fixed
/// 256 MiB cache, so memory stays bounded by the tiles in flight whatever the grid.
void keep_small_work_rasters_in_memory(JobState& s) {
    constexpr std::int64_t kStreaming = 256 << 20;
    // Every map, the score, the classes and the cube's change maps, with their overviews
    // (a third more).
    const auto layers = std::int64_t(s.maps.size() + s.config.indicators.size() + 3);
    const std::int64_t bytes = layers * std::int64_t(s.grid.pixel_count()) * 4 * 4 / 3;
    s.work_in_memory = bytes <= (s.config.work_memory_mib << 20);
    if (s.work_in_memory)
        io::allow_block_cache(bytes + kStreaming);
}

/// Every Gaussian the run needs (one, or one per adaptive rung), planned once for the grid.
struct Smoothing {
    std::vector<double> bandwidths;
    std::vector<sched::TiledGaussian> levels;
    int halo = 0;
};

Smoothing plan_smoothing(const JobState& s) {
    Smoothing out;
    out.bandwidths = s.config.bandwidth_ladder_m.empty() ? std::vector<double>{s.config.bandwidth_m}
                                                         : s.config.bandwidth_ladder_m;
    for (double h : out.bandwidths) {
        out.levels.emplace_back(sched::gaussian_rows_for(s.grid, h), s.grid.width);
        out.halo = std::max(out.halo, out.levels.back().halo());
    }
    return out;
}

/// What the tiles share, read-only while they run.
struct PixelPlan {
    Smoothing smoothing;
    std::vector<IndicatorMaps> maps;
    std::size_t risk = 0;
    int stride = 1;
    std::unique_ptr<TileCheckpoints> checkpoints;
};

struct PixelTile final : sched::TileWork {
    Rect core, window;
    bool resumed = false;        ///< maps and score loaded from a checkpoint
    Layer<float> population;     ///< window
    Layer<std::int32_t> village; ///< window
    Layer<float> sanitation;     ///< core, deficit 0..1 (empty without sanitation)
    std::vector<Layer<float>> maps;
    Layer<float> score;
    std::vector<std::vector<float>> samples; ///< per indicator, rates on the lattice
    std::vector<std::int64_t> weight, count; ///< score histogram of this tile
};

/// Counts of one indicator spread over the window's pixels by population.
Layer<float> spread(const JobState& s, const PixelTile& t, const std::vector<double>& counts) {
    Layer<double> px(t.window.width, t.window.height, 0.0);
    kernels::disaggregate(t.village.view(), t.population.view(), s.footprint, counts,
                          s.burner->point_pixel(), px.view(),
                          {t.window.x0, t.window.y0, s.grid.width});
    Layer<float> out(px.width(), px.height());
    for (std::size_t i = 0; i < px.size(); ++i)
        out[i] = static_cast<float>(px[i]);
    return out;
}

struct Smoothed {
    Layer<float> y, n, used;
};

Smoothed smooth(const Smoothing& sm, const PixelTile& t, const Layer<float>& num,
                const Layer<float>& den, float min_denominator) {
    if (sm.levels.size() == 1)
        return {sm.levels[0].sum(num.view(), t.window, t.core, true),
                sm.levels[0].sum(den.view(), t.window, t.core, true),
                {}};
    const int w = t.core.width, h = t.core.height;
    Smoothed out{Layer<float>(w, h, 0.0f), Layer<float>(w, h, 0.0f), Layer<float>(w, h, 0.0f)};
    for (std::size_t i = 0; i < sm.levels.size(); ++i) {
        const auto y = sm.levels[i].sum(num.view(), t.window, t.core, true);
        const auto n = sm.levels[i].sum(den.view(), t.window, t.core, true);
        kernels::adaptive_step(y.view(), n.view(), static_cast<float>(sm.bandwidths[i]),
                               min_denominator, out.y.view(), out.n.view(), out.used.view());
    }
    return out;
}

/// Offsets of the core inside the window.
struct CoreInWindow {
    int dx, dy;
    std::size_t window_index(const PixelTile& t, int r, int c) const {
        return std::size_t(r + dy) * t.window.width + std::size_t(c + dx);
    }
};

bool mapped(const PixelTile& t, const CoreInWindow& o, int r, int c) {
    const std::size_t i = o.window_index(t, r, c);
    return t.village.data()[i] >= 0 && !std::isnan(t.population.data()[i]);
}

bool any_mapped(const PixelTile& t) {
    const CoreInWindow o{t.core.x0 - t.window.x0, t.core.y0 - t.window.y0};
    for (int r = 0; r < t.core.height; ++r)
        for (int c = 0; c < t.core.width; ++c)
            if (mapped(t, o, r, c))
                return true;
    return false;
}

/// Smoothed rate and posterior (DESIGN.md "Pixel uncertainty") of one indicator on the core.
void indicator_pixels(const JobState& s, const PixelPlan& plan, PixelTile& t, std::size_t k) {
    const IndicatorSpec& spec = s.config.indicators[k];
    const IndicatorMaps& m = plan.maps[k];
    const auto num = spread(s, t, s.counts[k].numerator);
    const auto den = spread(s, t, s.counts[k].denominator);
    const Smoothed sm = smooth(plan.smoothing, t, num, den, float(spec.min_denominator));
    const kernels::Prior& prior = s.village_scores.scores[k].prior;
    const CoreInWindow o{t.core.x0 - t.window.x0, t.core.y0 - t.window.y0};
    sched::for_row_blocks(t.core.height, [&](int begin, int end) {
        // A row's mapped pixels go to the posterior together (pixel_posteriors runs
        // neighbours side by side); each gets the value it would alone.
        std::vector<double> ys, ns;
        std::vector<int> columns;
        std::vector<kernels::Posterior> posts;
        for (int r = begin; r < end; ++r) {
            ys.clear(), ns.clear(), columns.clear();
            for (int c = 0; c < t.core.width; ++c) {
                const float y = sm.y(r, c), n = sm.n(r, c);
                if (!mapped(t, o, r, c) || !(n > 0) || n < spec.min_denominator)
                    continue;
                ys.push_back(y), ns.push_back(n), columns.push_back(c);
            }
            posts.resize(ys.size());
            kernels::pixel_posteriors(prior, ys, ns, spec.target, posts);
            for (std::size_t i = 0; i < columns.size(); ++i) {
                const int c = columns[i];
                const kernels::Posterior& post = posts[i];
                t.maps[m.rate](r, c) = sm.y(r, c) / sm.n(r, c);
                t.maps[m.mean](r, c) = static_cast<float>(post.mean);
                t.maps[m.lower](r, c) = static_cast<float>(post.lower);
                t.maps[m.upper](r, c) = static_cast<float>(post.upper);
                t.maps[m.exceed](r, c) = static_cast<float>(post.exceed);
                if (m.bandwidth != SIZE_MAX)
                    t.maps[m.bandwidth](r, c) = sm.used(r, c);
            }
        }
    });
}

/// Risk index and priority score per pixel, and the tile's score histogram.
void risk_and_score(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    const JobConfig& cfg = s.config;
    const CoreInWindow o{t.core.x0 - t.window.x0, t.core.y0 - t.window.y0};
    sched::for_row_blocks(t.core.height, [&](int begin, int end) {
        std::vector<double> ex(cfg.indicators.size());
        for (int r = begin; r < end; ++r) {
            for (int c = 0; c < t.core.width; ++c) {
                if (!mapped(t, o, r, c))
                    continue;
                const double pop = t.population.data()[o.window_index(t, r, c)];
                double affected = 0;
                for (std::size_t k = 0; k < ex.size(); ++k) {
                    ex[k] = t.maps[plan.maps[k].exceed](r, c);
                    const float mean = t.maps[plan.maps[k].mean](r, c);
                    if (!std::isnan(mean))
                        affected += mean * pop * cfg.indicators[k].population_share;
                }
                const double san = t.sanitation.size() ? t.sanitation(r, c) : NAN;
                const double risk = risk_index(ex, san, cfg);
                t.maps[plan.risk](r, c) = static_cast<float>(risk);
                t.score(r, c) = static_cast<float>(std::max(0.0, risk * affected));
            }
        }
    });
}

void histogram_tile(PixelTile& t, const CoreInWindow& o) {
    t.weight.assign(ScoreHistogram::kBins, 0);
    t.count.assign(ScoreHistogram::kBins, 0);
    for (int r = 0; r < t.core.height; ++r) {
        for (int c = 0; c < t.core.width; ++c) {
            const float score = t.score(r, c);
            if (std::isnan(score))
                continue;
            const auto bin = std::bit_cast<std::uint32_t>(score) >> 16;
            const float pop = t.population.data()[o.window_index(t, r, c)];
            t.weight[bin] += fixed_point(pop > 0 ? pop : 0.0);
            t.count[bin] += 1;
        }
    }
}

void compute_maps(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    t.village = s.burner->burn(t.window); // thread-safe, so not in the serial read
    t.maps.assign(s.maps.size(), Layer<float>(t.core.width, t.core.height, kNaNf));
    t.score = Layer<float>(t.core.width, t.core.height, kNaNf);
    // Every map is NaN off the mapped pixels, so a tile without one (open sea: most of a
    // national grid) has nothing to compute; skipping it changes no value.
    if (!any_mapped(t))
        return;
    for (std::size_t k = 0; k < s.config.indicators.size(); ++k)
        indicator_pixels(s, plan, t, k);
    risk_and_score(s, plan, t);
}

/// The histogram and style samples come from the maps, so a resumed tile gives the same.
void compute_tile(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    if (!t.resumed)
        compute_maps(s, plan, t);
    const CoreInWindow o{t.core.x0 - t.window.x0, t.core.y0 - t.window.y0};
    histogram_tile(t, o);
    t.samples.resize(s.config.indicators.size());
    for (int r = 0; r < t.core.height; ++r)
        for (int c = 0; c < t.core.width; ++c)
            if (on_lattice(t.core.y0 + r, t.core.x0 + c, plan.stride))
                for (std::size_t k = 0; k < t.samples.size(); ++k)
                    if (const float v = t.maps[plan.maps[k].rate](r, c); !std::isnan(v))
                        t.samples[k].push_back(v);
}

std::unique_ptr<sched::TileWork> read_tile(const JobState& s, const PixelPlan& plan,
                                           const Rect& core) {
    auto t = std::make_unique<PixelTile>();
    t->core = core;
    t->window = sched::grow_clipped(core, plan.smoothing.halo, s.grid.width, s.grid.height);
    t->population = s.population->read(t->window);
    if (plan.checkpoints->has(core)) {
        t->maps = plan.checkpoints->load(core, s.maps.size() + 1);
        t->score = std::move(t->maps.back());
        t->maps.pop_back();
        t->resumed = true;
        return t;
    }
    if (s.sanitation) {
        t->sanitation = s.sanitation->read(core);
        for (float& v : t->sanitation.values())
            v = static_cast<float>(v / s.config.sanitation_scale);
    }
    return t;
}

/// Counts of villages smaller than a pixel whose point lies outside the grid.
double unplaced_events(const JobState& s) {
    double unplaced = 0;
    const auto& points = s.burner->point_pixel();
    for (std::size_t v = 0; v < points.size(); ++v)
        if (s.footprint.pixels[v] == 0 && points[v] < 0)
            for (const auto& c : s.counts)
                unplaced += c.numerator[v] + c.denominator[v];
    return unplaced;
}

/// Into the work files, and a checkpoint of a newly computed tile.
void keep_tile(JobState& s, const PixelPlan& plan, const PixelTile& t) {
    std::vector<const Layer<float>*> layers;
    for (std::size_t m = 0; m < t.maps.size(); ++m) {
        s.maps[m].file->write(t.core, t.maps[m].data());
        layers.push_back(&t.maps[m]);
    }
    layers.push_back(&t.score);
    if (t.resumed)
        ++s.tiles_resumed;
    else if (!s.work_in_memory)
        plan.checkpoints->save(t.core, layers);
}

io::MapStyle titled(io::MapStyle style, std::string title) {
    style.title = std::move(title);
    return style;
}

void style_indicator_maps(JobState& s, const PixelPlan& plan, std::size_t k,
                          const std::vector<float>& samples) {
    const JobConfig& cfg = s.config;
    const IndicatorSpec& spec = cfg.indicators[k];
    const IndicatorMaps& m = plan.maps[k];
    const std::string when = cfg.period.empty() ? "" : " " + cfg.period;
    Layer<float> sample_layer(static_cast<int>(samples.size()), 1);
    std::copy(samples.begin(), samples.end(), sample_layer.data());
    // One set of breaks per indicator, so rate, mean and bounds read against each other.
    const io::MapStyle rates = rate_style(sample_layer, spec, "");
    if (m.bandwidth != SIZE_MAX)
        s.maps[m.bandwidth].style =
            bandwidth_style(cfg.bandwidth_ladder_m, spec.name + " bandwidth used" + when);
    s.maps[m.rate].style =
        titled(rates, spec.name + " rate" + when + " (" + kernel_label(cfg) + ")");
    s.maps[m.mean].style = titled(rates, spec.name + " posterior mean" + when);
    s.maps[m.lower].style = titled(rates, spec.name + " lower 95 % bound" + when);
    s.maps[m.upper].style = titled(rates, spec.name + " upper 95 % bound" + when);
    s.maps[m.exceed].style = probability_style(
        spec.name + " above target" + when, "P(rate > " + display_label(spec.target, spec) + ")");
}
} // namespace

void PixelMaps::run(JobState& state) {
    const JobConfig& cfg = state.config;
    PixelPlan plan;
    plan.smoothing = plan_smoothing(state);
    for (const auto& spec : cfg.indicators)
        plan.maps.push_back(add_indicator_maps(state, spec));
    plan.risk = add_map(state, "risk_index",
                        float_info("composite risk index (weighted exceedance and sanitation "
                                   "deficit)",
                                   "index 0-1", {{"period", cfg.period}}));
    keep_small_work_rasters_in_memory(state);
    state.unplaced_events = unplaced_events(state);
    plan.stride = sample_stride(state.grid);
    plan.checkpoints = std::make_unique<TileCheckpoints>(state, cfg.resume);
    state.score_file =
        std::make_unique<io::TiledMapFile>(staged_output(state).scratch_path("work-score.tif"),
                                           state.grid, GDT_Float32, io::MapInfo{});
    std::vector<std::vector<float>> samples(cfg.indicators.size());
    const sched::TileLayout layout(state.grid.width, state.grid.height, cfg.tile_size);
    sched::run_tile_pipeline(
        layout, 2 * sched::worker_threads(),
        [&](std::size_t i) { return read_tile(state, plan, layout.tile(i)); },
        [&](sched::TileWork& w) { compute_tile(state, plan, static_cast<PixelTile&>(w)); },
        [&](sched::TileWork& w) {
            auto& t = static_cast<PixelTile&>(w);
            keep_tile(state, plan, t);
            state.score_file->write(t.core, t.score.data());
            for (int b = 0; b < ScoreHistogram::kBins; ++b) {
                state.score_histogram.weight[b] += t.weight[b];
                state.score_histogram.count[b] += t.count[b];
            }
            for (std::size_t k = 0; k < samples.size(); ++k)
                samples[k].insert(samples[k].end(), t.samples[k].begin(), t.samples[k].end());
        });
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k)
        style_indicator_maps(state, plan, k, samples[k]);
    const std::string when = cfg.period.empty() ? "" : " " + cfg.period;
    state.maps[plan.risk].style =
        probability_style("risk index" + when, "weighted exceedance and sanitation");
}

namespace {
io::MapInfo priority_info(const JobConfig& cfg) {
    io::MapInfo info;
    info.description = "priority class (1 = highest fifth of population by risk x burden)";
    info.units = "class";
    info.metadata["period"] = cfg.period;
    info.category_names = {"no data", "1 highest", "2 high", "3 medium", "4 low", "5 lowest"};
    info.palette = {{0, 0, 0, 0},        {189, 0, 38, 255},   {240, 59, 32, 255},
                    {253, 141, 60, 255}, {254, 204, 92, 255}, {255, 255, 178, 255}};
    return info;
}

/// A pixel's class is where the middle of its population falls in the population ranked by
/// score (DESIGN.md section 3): 1 + floor(5 (above + w / 2) / total), `above` being the
/// population of strictly higher scores. Pixels with equal scores share `above`. The
/// histogram of the scores' float bits by their top 16 bits gives `above` for every bin; only
/// bins a class boundary falls in need the exact position inside the bin, from a second
/// histogram of their low 16 bits.
struct ClassPlan {
    bool unweighted = false;
    double total = 0;
    std::vector<std::int64_t> above; ///< per bin, weight of all higher bins
    /// Ambiguous bins: per low 16 bits, weight of the bin's strictly higher scores.
    std::map<std::uint32_t, std::vector<std::int64_t>> inside;
};

int class_at(double middle, double total) {
    return 1 + std::min(4, static_cast<int>(5 * middle / total));
}

std::int64_t pixel_weight(const ClassPlan& plan, float pop) {
    return plan.unweighted ? 1 : fixed_point(pop > 0 ? pop : 0.0);
}

ClassPlan coarse_plan(const ScoreHistogram& h) {
    ClassPlan plan;
    std::int64_t total = 0;
    for (auto w : h.weight)
        total += w;
    plan.unweighted = total <= 0;
    const auto& bins = plan.unweighted ? h.count : h.weight;
    plan.above.assign(ScoreHistogram::kBins, 0);
    std::int64_t running = 0;
    for (int b = ScoreHistogram::kBins - 1; b >= 0; --b) {
        plan.above[b] = running;
        running += bins[b];
    }
    plan.total = static_cast<double>(running);
    for (int b = 0; b < ScoreHistogram::kBins; ++b)
        if (bins[b] > 0 && class_at(double(plan.above[b]), plan.total) !=
                               class_at(double(plan.above[b] + bins[b]), plan.total))
            plan.inside[static_cast<std::uint32_t>(b)].assign(1 << 16, 0);
    return plan;
}

/// Second histogram of the ambiguous bins, then its suffix sums (weight strictly above).
void refine_plan(JobState& s, ClassPlan& plan) {
    if (plan.inside.empty() || plan.total <= 0)
        return;
    const sched::TileLayout layout(s.grid.width, s.grid.height, s.config.tile_size);
    std::mutex merge;
    sched::for_each_tile(layout, [&](std::size_t i) {
        const Rect& t = layout.tile(i);
        const auto score = s.score_file->read(t);
        const auto pop = s.population->read(t);
        std::map<std::uint32_t, std::vector<std::int64_t>> local;
        for (std::size_t p = 0; p < score.size(); ++p) {
            if (std::isnan(score[p]))
                continue;
            const auto key = std::bit_cast<std::uint32_t>(score[p]);
            if (!plan.inside.count(key >> 16))
                continue;
            auto& bins = local[key >> 16];
            bins.resize(1 << 16, 0);
            bins[key & 0xffff] += pixel_weight(plan, pop[p]);
        }
        std::lock_guard lock(merge);
        for (auto& [bin, counts] : local)
            for (std::size_t l = 0; l < counts.size(); ++l)
                plan.inside[bin][l] += counts[l];
    });
    for (auto& [bin, counts] : plan.inside) {
        std::int64_t running = 0;
        for (int l = (1 << 16) - 1; l >= 0; --l) {
            const std::int64_t here = counts[l];
            counts[l] = running;
            running += here;
        }
    }
}

std::uint8_t pixel_class(const ClassPlan& plan, float score, float pop) {
    if (std::isnan(score) || plan.total <= 0)
        return 0;
    const auto key = std::bit_cast<std::uint32_t>(score);
    const std::int64_t above = plan.above[key >> 16];
    const auto it = plan.inside.find(key >> 16);
    if (it == plan.inside.end())
        return static_cast<std::uint8_t>(class_at(double(above), plan.total));
    const double middle =
        double(above + it->second[key & 0xffff]) + 0.5 * double(pixel_weight(plan, pop));
    return static_cast<std::uint8_t>(class_at(middle, plan.total));
}

/// Change maps need this quarter's rates and the previous quarter's layers.
struct ChangePlan {
    std::string before;              ///< empty: no previous quarter, no change maps
    std::vector<std::size_t> rate;   ///< per indicator, index of its rate map
    std::vector<std::size_t> change; ///< per indicator, index of its change map
    std::size_t class_change = 0;
};

struct ClassTile final : sched::TileWork {
    Rect core;
    Layer<float> score, population;
    std::vector<Layer<float>> now_rate, previous_rate;
    Layer<float> previous_class;
    Layer<std::uint8_t> classes;
    std::vector<Layer<float>> change; ///< per indicator, then the class change
    std::vector<std::vector<float>> samples;
};

ChangePlan plan_changes(JobState& s) {
    ChangePlan plan;
    plan.before = s.previous_period;
    if (plan.before.empty())
        return plan;
    const JobConfig& cfg = s.config;
    const std::vector<std::pair<std::string, std::string>> meta = {
        {"period", cfg.period}, {"previous_period", plan.before}};
    for (const auto& spec : cfg.indicators) {
        for (std::size_t m = 0; m < s.maps.size(); ++m)
            if (s.maps[m].name == spec.name + "_rate")
                plan.rate.push_back(m);
        auto with_indicator = meta;
        with_indicator.insert(with_indicator.begin(), {"indicator", spec.name});
        plan.change.push_back(add_map(s, spec.name + "_rate_change",
                                      float_info(spec.name + " rate change since " + plan.before,
                                                 "proportion", with_indicator)));
        s.maps.back().in_cube = false;
    }
    plan.class_change = add_map(s, "priority_class_change",
                                float_info("priority class change since " + plan.before +
                                               " (positive: higher priority now)",
                                           "classes", meta));
    s.maps.back().in_cube = false;
    return plan;
}

std::unique_ptr<sched::TileWork> read_class_tile(JobState& s, const ChangePlan& plan,
                                                 const Rect& core) {
    auto t = std::make_unique<ClassTile>();
    t->core = core;
    t->score = s.score_file->read(core);
    t->population = s.population->read(core);
    if (plan.before.empty())
        return t;
    const std::string& cube = s.config.cube_path;
    for (std::size_t k = 0; k < plan.rate.size(); ++k) {
        t->now_rate.push_back(s.maps[plan.rate[k]].file->read(core));
        t->previous_rate.push_back(io::cube_read_window(
            cube, plan.before, s.config.indicators[k].name + "_rate", s.grid, core));
    }
    t->previous_class = io::cube_read_window(cube, plan.before, "priority_class", s.grid, core);
    return t;
}

void compute_class_tile(const ClassPlan& classes, const ChangePlan& plan, int stride,
                        ClassTile& t) {
    t.classes = Layer<std::uint8_t>(t.core.width, t.core.height, 0);
    for (std::size_t i = 0; i < t.score.size(); ++i)
        t.classes[i] = pixel_class(classes, t.score[i], t.population[i]);
    if (plan.before.empty())
        return;
    t.samples.resize(plan.rate.size());
    for (std::size_t k = 0; k < plan.rate.size(); ++k) {
        Layer<float> change(t.core.width, t.core.height);
        for (std::size_t i = 0; i < change.size(); ++i)
            change[i] = t.now_rate[k][i] - t.previous_rate[k][i]; // NaN where either is
        for (int r = 0; r < t.core.height; ++r)
            for (int c = 0; c < t.core.width; ++c)
                if (on_lattice(t.core.y0 + r, t.core.x0 + c, stride) && !std::isnan(change(r, c)))
                    t.samples[k].push_back(change(r, c));
        t.change.push_back(std::move(change));
    }
    Layer<float> class_change(t.core.width, t.core.height);
    for (std::size_t i = 0; i < class_change.size(); ++i)
        class_change[i] = t.classes[i] == 0 || std::isnan(t.previous_class[i])
                              ? kNaNf
                              : t.previous_class[i] - static_cast<float>(t.classes[i]);
    t.change.push_back(std::move(class_change));
}

void style_changes(JobState& s, const ChangePlan& plan,
                   const std::vector<std::vector<float>>& samples) {
    const JobConfig& cfg = s.config;
    for (std::size_t k = 0; k < plan.change.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        Layer<float> sample_layer(static_cast<int>(samples[k].size()), 1);
        std::copy(samples[k].begin(), samples[k].end(), sample_layer.data());
        s.maps[plan.change[k]].style = change_style(
            sample_layer, spec, spec.name + " rate change " + plan.before + " to " + cfg.period);
    }
    s.maps[plan.class_change].style =
        class_change_style("priority class change " + plan.before + " to " + cfg.period);
}
} // namespace

void PriorityMaps::run(JobState& state) {
    const JobConfig& cfg = state.config;
    ClassPlan classes = coarse_plan(state.score_histogram);
    refine_plan(state, classes);
    const ChangePlan changes = plan_changes(state);
    const std::size_t class_map = add_map(state, "priority_class", priority_info(cfg), GDT_Byte);
    state.maps[class_map].style =
        priority_style("priority class" + (cfg.period.empty() ? std::string() : " " + cfg.period));
    const int stride = sample_stride(state.grid);
    std::vector<std::vector<float>> samples(changes.rate.size());
    const sched::TileLayout layout(state.grid.width, state.grid.height, cfg.tile_size);
    sched::run_tile_pipeline(
        layout, 2 * sched::worker_threads(),
        [&](std::size_t i) { return read_class_tile(state, changes, layout.tile(i)); },
        [&](sched::TileWork& w) {
            compute_class_tile(classes, changes, stride, static_cast<ClassTile&>(w));
        },
        [&](sched::TileWork& w) {
            auto& t = static_cast<ClassTile&>(w);
            state.maps[class_map].file->write(t.core, t.classes.data());
            for (std::size_t k = 0; k < changes.change.size(); ++k) {
                state.maps[changes.change[k]].file->write(t.core, t.change[k].data());
                samples[k].insert(samples[k].end(), t.samples[k].begin(), t.samples[k].end());
            }
            if (!changes.before.empty())
                state.maps[changes.class_change].file->write(t.core, t.change.back().data());
        });
    if (!changes.before.empty())
        style_changes(state, changes, samples);
    state.score_file.reset(); // the work file is no longer needed
    state.has_priority_classes = true;
}

} // namespace riskmap
