#include "pipelines/map_stages.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/pixel_plan.hpp"
#include "pipelines/tile_trace.hpp"
#include "pipelines/write_stage.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/ranks.hpp"

#include <bit>
#include <cmath>

namespace riskmap {

using namespace pixels;

namespace {
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

/// Risk index and priority score per pixel: the overall list's weighted excess cases per
/// km^2, from the population density around the pixel (at the fixed bandwidth), so that
/// neither the pixel size nor one pixel's count of people decides a class (DESIGN.md section
/// 3). Pixels where nobody lives, or with no indicator data, are nodata in both.
void risk_and_score(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    const JobConfig& cfg = s.config;
    const CoreInWindow o(t);
    sched::for_row_blocks(t.core.height, [&](int begin, int end) {
        std::vector<double> ex(cfg.indicators.size());
        for (int r = begin; r < end; ++r) {
            for (int c = 0; c < t.core.width; ++c) {
                const double pop = t.population.data()[o.window_index(t, r, c)];
                if (!mapped(t, o, r, c) || !(pop > 0))
                    continue;
                double cases = 0;
                bool any = false;
                for (std::size_t k = 0; k < ex.size(); ++k) {
                    ex[k] = t.maps[plan.maps[k].exceed](r, c);
                    const float excess = t.excess[k](r, c);
                    if (std::isnan(excess))
                        continue;
                    const IndicatorSpec& spec = cfg.indicators[k];
                    cases += spec.priority_weight * excess * spec.population_share;
                    any = true;
                }
                if (!any)
                    continue;
                const double san = t.sanitation.size() ? t.sanitation(r, c) : NAN;
                t.maps[plan.risk](r, c) = static_cast<float>(risk_index(ex, san, cfg));
                t.score(r, c) = static_cast<float>(std::max(0.0, cases * t.density(r, c)));
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

/// A resumed tile's maps and score from its checkpoint: decoded here, on any thread, not in
/// the serial reading (on the national grid the MPI writer spent 80 s there).
void load_checkpoint(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    t.maps = plan.checkpoints->load(t.core, s.maps.size() + 1);
    t.score = std::move(t.maps.back());
    t.maps.pop_back();
}

/// The histogram and style samples come from the maps, so a resumed tile gives the same.
void compute_tile(const JobState& s, const PixelPlan& plan, PixelTile& t) {
    if (t.resumed)
        load_checkpoint(s, plan, t);
    else
        compute_maps(s, plan, t);
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

std::unique_ptr<PixelTile> read_tile_data(const JobState& s, const PixelPlan& plan,
                                          const Rect& core) {
    auto t = std::make_unique<PixelTile>();
    t->core = core;
    t->window = sched::grow_clipped(core, plan.smoothing.halo, s.grid.width, s.grid.height);
    t->population = s.population->read(t->window);
    if (plan.checkpoints->has(core)) {
        t->resumed = true; // loaded by compute_tile; the ranks' share only counts it
        return t;
    }
    if (s.sanitation) {
        t->sanitation = s.sanitation->read(core);
        for (float& v : t->sanitation.values())
            v = static_cast<float>(v / s.config.sanitation_scale);
    }
    return t;
}

std::unique_ptr<PixelTile> read_tile(const JobState& s, const PixelPlan& plan,
                                     const sched::TileLayout& layout, std::size_t index) {
    const auto start = std::chrono::steady_clock::now();
    auto t = read_tile_data(s, plan, layout.tile(index));
    t->index = index;
    t->read_s = seconds_since(start);
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

/// The bands of a tile's checkpoint: every map, then the score.
std::vector<const Layer<float>*> tile_layers(const PixelTile& t) {
    std::vector<const Layer<float>*> layers;
    for (const auto& map : t.maps)
        layers.push_back(&map);
    layers.push_back(&t.score);
    return layers;
}

/// Into the work files, and a checkpoint of a newly computed tile. Under MPI the writer needs
/// every map (the classes and change maps read them), another rank only those it finishes.
void keep_tile(JobState& s, const PixelPlan& plan, const PixelTile& t) {
    for (std::size_t m = 0; m < t.maps.size(); ++m)
        if (sched::is_writer() || map_finisher(s, m) == sched::rank())
            s.maps[m].file->write(t.core, t.maps[m].data());
    if (sched::ranks() > 1)
        return; // every tile came from the ranks' checkpoints, counted there
    if (t.resumed)
        ++s.tiles_resumed;
    else if (!s.work_in_memory)
        plan.checkpoints->save(t.core, tile_layers(t));
}

/// Under MPI: this rank's share of the tiles (contiguous, of about equal land), computed and
/// kept as checkpoints in the shared output folder; then every rank learns whether all
/// succeeded. The writer (and every rank that finishes maps) then takes every tile from its
/// checkpoint, exactly as a resumed run does, so the outputs are the bytes of a one-process
/// run whatever the rank count.
void compute_rank_share(JobState& s, const PixelPlan& plan, const sched::TileLayout& layout) {
    TileTrace& trace = *s.trace;
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::pair<std::size_t, std::size_t> range =
        sched::weighted_range(s.tile_land, sched::rank(), sched::ranks());
    const std::size_t begin = range.first, end = range.second;
    int code = 0;
    std::string message;
    std::int64_t resumed = 0;
    try {
        sched::run_ordered_pipeline(
            end - begin, 2 * sched::worker_threads(),
            [&](std::size_t i) { return read_tile(s, plan, layout, begin + i); },
            [&](sched::TileWork& w) {
                auto& t = static_cast<PixelTile&>(w);
                const auto start = std::chrono::steady_clock::now();
                if (!t.resumed)
                    compute_maps(s, plan, t);
                t.compute_s = seconds_since(start);
            },
            [&](sched::TileWork& w) {
                const auto& t = static_cast<const PixelTile&>(w);
                const auto start = std::chrono::steady_clock::now();
                if (t.resumed)
                    ++resumed;
                else
                    plan.checkpoints->save(t.core, tile_layers(t));
                trace.add(t.index, "compute", t.resumed, t.read_s, t.compute_s,
                          seconds_since(start));
            });
    } catch (const Error& e) {
        code = e.exit_code(), message = std::string("maps.pixels: ") + e.what();
    } catch (const std::exception& e) {
        code = kExitRuntime, message = std::string("maps.pixels: ") + e.what();
    }
    const std::string staging = sched::is_writer() ? staged_output(s).staging_dir().string() : "";
    const sched::Outcome outcome = sched::agree(code, message, resumed, staging);
    if (outcome.code)
        sched::throw_outcome(outcome);
    s.tiles_resumed = std::size_t(outcome.sum);
    s.writer_staging = outcome.from_writer;
}

/// Every tile, computed here or taken from a checkpoint, into the work files, the score
/// histogram and the style samples; then the maps' styles.
void assemble_tiles(JobState& s, const PixelPlan& plan, const sched::TileLayout& layout) {
    TileTrace& trace = *s.trace;
    const JobConfig& cfg = s.config;
    std::vector<std::vector<float>> samples(2 * cfg.indicators.size());
    const char* phase = sched::ranks() > 1 ? "assemble" : "compute";
    sched::run_tile_pipeline(
        layout, 2 * sched::worker_threads(),
        [&](std::size_t i) { return read_tile(s, plan, layout, i); },
        [&](sched::TileWork& w) {
            auto& t = static_cast<PixelTile&>(w);
            const auto start = std::chrono::steady_clock::now();
            compute_tile(s, plan, t);
            t.compute_s = seconds_since(start);
        },
        [&](sched::TileWork& w) {
            auto& t = static_cast<PixelTile&>(w);
            const auto start = std::chrono::steady_clock::now();
            keep_tile(s, plan, t);
            if (sched::is_writer())
                s.score_file->write(t.core, t.score.data());
            for (int b = 0; b < ScoreHistogram::kBins; ++b) {
                s.score_histogram.weight[b] += t.weight[b];
                s.score_histogram.count[b] += t.count[b];
            }
            for (std::size_t k = 0; k < samples.size(); ++k)
                samples[k].insert(samples[k].end(), t.samples[k].begin(), t.samples[k].end());
            trace.add(t.index, phase, t.resumed, t.read_s, t.compute_s, seconds_since(start));
        });
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k)
        style_indicator_maps(s, plan, k, samples[k], samples[cfg.indicators.size() + k]);
    const std::string when = cfg.period.empty() ? "" : " " + cfg.period;
    s.maps[plan.risk].style =
        index_style("risk index" + when, "weighted exceedance and sanitation");
}

bool rank_finishes_maps(const JobState& s) {
    for (std::size_t m = 0; m < s.pixel_maps; ++m)
        if (map_finisher(s, m) == sched::rank())
            return true;
    return false;
}

/// The maps, their work files and what every tile needs.
PixelPlan plan_pixels(JobState& s) {
    const JobConfig& cfg = s.config;
    PixelPlan plan;
    plan.smoothing = plan_smoothing(s);
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        plan.maps.push_back(add_indicator_maps(s, cfg.indicators[k]));
        plan.indicators.push_back(plan_indicator(s, k));
    }
    plan.risk = add_map(s, "risk_index",
                        float_info("composite risk index (weighted exceedance and sanitation "
                                   "deficit; context, not used for ranking); nodata where "
                                   "nobody lives",
                                   "index 0-1", {{"period", cfg.period}}));
    s.pixel_maps = s.maps.size();
    keep_small_work_rasters_in_memory(s);
    s.unplaced_events = unplaced_events(s);
    plan.stride = sample_stride(s.grid);
    plan.checkpoints = std::make_unique<TileCheckpoints>(s, cfg.resume);
    s.score_file = std::make_unique<io::TiledMapFile>(
        staged_output(s).scratch_path("work-score.tif"), s.grid, GDT_Float32, io::MapInfo{});
    return plan;
}

} // namespace

void PixelMaps::run(JobState& state) {
    PixelPlan plan = plan_pixels(state);
    const sched::TileLayout layout(state.grid.width, state.grid.height, state.config.tile_size);
    state.trace = std::make_shared<TileTrace>(state);
    if (sched::ranks() > 1) {
        const auto start = std::chrono::steady_clock::now();
        compute_rank_share(state, plan, layout);
        // The ranks' part alone: the rest of maps.pixels is assembling the tiles.
        state.timings.emplace_back("maps.pixels.ranks", seconds_since(start));
        plan.checkpoints->reuse_all(); // every tile is on disk now, this run's
    }
    // The writer for the classes and its maps, another rank for the maps it finishes.
    if (sched::is_writer() || rank_finishes_maps(state))
        assemble_tiles(state, plan, layout);
}

} // namespace riskmap
