#include "pipelines/pixel_maps.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/setup.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/finish_maps.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/pixel_plan.hpp"
#include "pipelines/tile_trace.hpp"
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
    const auto layers = std::int64_t(s.pixel_maps().maps.size() + s.config.indicators.size() + 3);
    const std::int64_t bytes = layers * std::int64_t(s.grid().grid.pixel_count()) * 4 * 4 / 3;
    s.pixel_maps().work_in_memory = bytes <= (s.config.work_memory_mib << 20);
    if (s.pixel_maps().work_in_memory)
        io::allow_block_cache(bytes + kStreaming);
}

/// Counts of villages smaller than a pixel whose point lies outside the grid.
double unplaced_events(const JobState& s) {
    double unplaced = 0;
    const auto& points = s.zones().burner->point_pixel();
    for (std::size_t v = 0; v < points.size(); ++v)
        if (s.zones().footprint.pixels[v] == 0 && points[v] < 0)
            for (const auto& c : s.records().counts)
                unplaced += c.numerator[v] + c.denominator[v];
    return unplaced;
}

/// The score histogram and the style samples of the tiles, added up in tile order.
struct TileSummaries {
    ScoreHistogram histogram;
    std::vector<std::vector<float>> samples;

    explicit TileSummaries(std::size_t indicators) : samples(2 * indicators) {}
    void add(const PixelTile& t) {
        histogram.add(t.histogram);
        for (std::size_t k = 0; k < samples.size(); ++k)
            samples[k].insert(samples[k].end(), t.samples[k].begin(), t.samples[k].end());
    }
    /// What a rank adds to the ranks' agreement: the histogram as integers to add up, the
    /// samples to gather in rank order.
    sched::Shares shares(std::int64_t resumed, std::string from_writer) && {
        sched::Shares out{
            resumed, std::move(from_writer), std::move(histogram.weight), std::move(samples), {}};
        out.sums.insert(out.sums.end(), histogram.count.begin(), histogram.count.end());
        return out;
    }
    /// The summaries of every rank's tiles, from the agreement.
    static TileSummaries of_ranks(sched::Outcome&& o) {
        TileSummaries all(0);
        const auto bins = std::ptrdiff_t(ScoreHistogram::kBins);
        all.histogram.weight.assign(o.sums.begin(), o.sums.begin() + bins);
        all.histogram.count.assign(o.sums.begin() + bins, o.sums.end());
        all.samples = std::move(o.lists);
        return all;
    }
};

/// Into the work files (the maps this process loaded), and a checkpoint of a newly computed
/// tile.
void keep_tile(JobState& s, const PixelPlan& plan, const PixelTile& t) {
    for (std::size_t m = 0; m < t.maps.size(); ++m)
        if (plan.bands_loaded.empty() || plan.bands_loaded[m])
            s.pixel_maps().maps[m].file->write(t.core, t.maps[m].data());
    if (sched::ranks() > 1)
        return; // every tile came from the ranks' checkpoints, counted there
    if (t.resumed)
        ++s.pixel_maps().tiles_resumed;
    else if (!s.pixel_maps().work_in_memory)
        plan.checkpoints->save(t.core, tile_layers(t));
}

/// Under MPI, the bands a rank takes from the checkpoints: those of the maps it finishes, and
/// for the writer the score and what the classes and change maps read (each indicator's
/// posterior mean, kernel rate and effective denominator).
std::vector<bool> assembled_bands(const JobState& s, const PixelPlan& plan) {
    std::vector<bool> bands(s.pixel_maps().maps.size() + 1, false);
    for (std::size_t m = 0; m < s.pixel_maps().maps.size(); ++m)
        bands[m] = map_finisher(s, m) == sched::rank();
    if (sched::is_writer()) {
        for (const IndicatorMaps& m : plan.maps)
            bands[m.mean] = bands[m.rate] = bands[m.information] = true;
        bands.back() = true;
    }
    return bands;
}

/// Under MPI: this rank's share of the tiles (contiguous, of about equal land), computed and
/// kept as checkpoints in the shared output folder, and summarised; then every rank learns
/// whether all succeeded, and gets the summaries of all tiles: score histograms added up as
/// integers, style samples gathered in tile order, so the same as one process's. The ranks
/// that finish maps (the writer too) then take the bands they need from the checkpoints,
/// exactly as a resumed run does, so the outputs are the bytes of a one-process run whatever
/// the rank count.
TileSummaries compute_rank_share(JobState& s, const PixelPlan& plan,
                                 const sched::TileLayout& layout) {
    TileTrace& trace = *s.pixel_maps().trace;
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::pair<std::size_t, std::size_t> range =
        sched::weighted_range(s.zones().tile_land, sched::rank(), sched::ranks());
    const std::size_t begin = range.first, end = range.second;
    const std::vector<bool> summarised = summary_bands(s, plan);
    TileSummaries own(s.config.indicators.size());
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
                if (t.resumed)
                    load_checkpoint(s, plan, t, summarised);
                else
                    compute_maps(s, plan, t);
                summarise_tile(s, plan, t);
                t.compute_s = seconds_since(start);
            },
            [&](sched::TileWork& w) {
                const auto& t = static_cast<const PixelTile&>(w);
                const auto start = std::chrono::steady_clock::now();
                if (t.resumed)
                    ++resumed;
                else
                    plan.checkpoints->save(t.core, tile_layers(t));
                own.add(t);
                trace.add(t.index, "compute", t.resumed, t.read_s, t.compute_s,
                          seconds_since(start));
            });
    } catch (const Error& e) {
        code = e.exit_code(), message = std::string("maps.pixels: ") + e.what();
    } catch (const std::exception& e) {
        code = kExitRuntime, message = std::string("maps.pixels: ") + e.what();
    }
    const std::string staging = sched::is_writer() ? staged_output(s).staging_dir().string() : "";
    sched::Outcome outcome = sched::agree(code, message, std::move(own).shares(resumed, staging));
    if (outcome.code)
        sched::throw_outcome(outcome);
    s.pixel_maps().tiles_resumed = std::size_t(outcome.sum);
    s.pixel_maps().writer_staging = outcome.from_writer;
    return TileSummaries::of_ranks(std::move(outcome));
}

/// Every tile, computed here or taken from a checkpoint, into the work files; in a
/// one-process run also into the score histogram and the style samples (returned).
TileSummaries assemble_tiles(JobState& s, const PixelPlan& plan, const sched::TileLayout& layout) {
    TileTrace& trace = *s.pixel_maps().trace;
    const bool one_process = sched::ranks() == 1;
    TileSummaries summaries(s.config.indicators.size());
    const char* phase = one_process ? "compute" : "assemble";
    sched::run_tile_pipeline(
        layout, 2 * sched::worker_threads(),
        [&](std::size_t i) { return read_tile(s, plan, layout, i); },
        [&](sched::TileWork& w) {
            auto& t = static_cast<PixelTile&>(w);
            const auto start = std::chrono::steady_clock::now();
            if (one_process)
                compute_tile(s, plan, t);
            else
                load_checkpoint(s, plan, t, plan.bands_loaded);
            t.compute_s = seconds_since(start);
        },
        [&](sched::TileWork& w) {
            auto& t = static_cast<PixelTile&>(w);
            const auto start = std::chrono::steady_clock::now();
            keep_tile(s, plan, t);
            if (sched::is_writer())
                s.pixel_maps().score_file->write(t.core, t.score.data());
            if (one_process)
                summaries.add(t);
            trace.add(t.index, phase, t.resumed, t.read_s, t.compute_s, seconds_since(start));
        });
    return summaries;
}

/// The maps' styles, from the samples of every tile; the score histogram for the classes.
void use_summaries(JobState& s, const PixelPlan& plan, TileSummaries&& all) {
    const JobConfig& cfg = s.config;
    s.pixel_maps().score_histogram = std::move(all.histogram);
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k)
        style_indicator_maps(s, plan, k, all.samples[k], all.samples[cfg.indicators.size() + k]);
    const std::string when = cfg.period.empty() ? "" : " " + cfg.period;
    s.pixel_maps().maps[plan.risk].style =
        index_style("risk index" + when, "weighted exceedance and sanitation");
}

bool rank_finishes_maps(const JobState& s) {
    for (std::size_t m = 0; m < s.pixel_maps().pixel_maps; ++m)
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
    s.pixel_maps().pixel_maps = s.pixel_maps().maps.size();
    keep_small_work_rasters_in_memory(s);
    s.pixel_maps().unplaced_events = unplaced_events(s);
    plan.stride = sample_stride(s.grid().grid);
    plan.checkpoints = std::make_unique<TileCheckpoints>(s, cfg.resume);
    s.pixel_maps().score_file =
        std::make_unique<io::TiledMapFile>(staged_output(s).scratch_path("work-score.tif"),
                                           s.grid().grid, io::PixelType::Float32, io::MapInfo{});
    return plan;
}

} // namespace

void PixelMaps::run(JobState& state) {
    PixelPlan plan = plan_pixels(state);
    const sched::TileLayout layout(state.grid().grid.width, state.grid().grid.height,
                                   state.config.tile_size);
    state.pixel_maps().trace = std::make_shared<TileTrace>(state);
    if (sched::ranks() == 1) {
        use_summaries(state, plan, assemble_tiles(state, plan, layout));
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    TileSummaries all = compute_rank_share(state, plan, layout);
    // The ranks' part alone: the rest of maps.pixels is assembling the tiles.
    state.timings.emplace_back("maps.pixels.ranks", seconds_since(start));
    plan.checkpoints->reuse_all(); // every tile is on disk now, this run's
    plan.bands_loaded = assembled_bands(state, plan);
    // The writer for the classes and its maps, another rank for the maps it finishes.
    if (sched::is_writer() || rank_finishes_maps(state))
        assemble_tiles(state, plan, layout);
    use_summaries(state, plan, std::move(all));
}

namespace {
const Option kPixelOptions[] = {
    {"smoothing.adaptive", "false",
     "per pixel the smallest ladder bandwidth whose smoothed denominator reaches the "
     "indicator's min_denominator",
     [](const Settings& s, JobConfig& c) {
         if (s.flag("smoothing.adaptive"))
             c.bandwidth_ladder_m = s.ladder("smoothing.ladder_m");
     }},
    {"smoothing.ladder_m", "500,1000,2000,4000,8000", "adaptive bandwidths in metres, ascending",
     nullptr},
    {"run.work_memory", "1024",
     "MiB in which a small grid's work rasters are kept unwritten (--work-memory; about 12 Mpx "
     "of grid per 1024); larger grids, or 0, stream through work files and checkpoint their "
     "tiles for --resume. The outputs are the same bytes",
     [](const Settings& s, JobConfig& c) {
         c.work_memory_mib =
             s.count("run.work_memory", 0, std::int64_t{1} << 30, "of MiB", "--work-memory");
     }},
    {"run.trace", "",
     "CSV file for maps.pixels' per-tile costs (land pixels, seconds to read, compute and keep "
     "each tile; one file per MPI rank, '.rank<k>' before the extension), the input of "
     "benchmarks/scaling_model.py; empty: none",
     [](const Settings& s, JobConfig& c) {
         c.trace_path = s.text("run.trace").empty() ? "" : s.path("run.trace");
     }},
};
} // namespace

Options PixelMaps::options() const {
    return kPixelOptions;
}

} // namespace riskmap
