// The national rasters, strip by strip. A strip is one row of 256 x 256 tiles; strips are
// computed in parallel (oneTBB pipeline) and handed to io's StripWriter in order, whose GDAL
// compresses the tiles (DEFLATE, on its own worker threads) and writes them in the order
// given, so the file has the same bytes for any thread count. Memory is a few strips, whatever the
// grid size.
//
// Schedule, measured on the 2-core development machine at scale 1: see the report of
// generate_national (wall time and peak RSS are printed there).

#include "synth/national.hpp"

#include "core/error.hpp"
#include "io/strip_writer.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/tiles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

namespace riskmap::synth::national {

namespace {
constexpr int kTile = 256;
constexpr int kChunk = 128; // pixels along a row that share one search for seeds and cities
constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();

/// The national rasters' writer: their metadata names the preset and seed.
io::StripWriter strip_writer(const std::string& path, const Grid& grid,
                             const std::string& description, const std::string& units,
                             const SynthOptions& o) {
    const int threads =
        o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
    return io::StripWriter(path, grid, description, units,
                           {{"SYNTH_PRESET", o.preset}, {"SYNTH_SEED", std::to_string(o.seed)}},
                           threads);
}

/// People, weighted rates and the seed they belong to, for a run of pixels of one village.
struct Run {
    int seed;
    double people, stunting, maternal;
};

struct Strip {
    int row0 = 0, rows = 0;
    std::vector<float> values;
    std::vector<Run> runs; ///< in pixel order
    double people = 0;
    std::int64_t land = 0;
};

struct PopulationRows {
    const Grid& grid;
    const LandIndex& land;
    const Geography& geo;
    const VillageLocator& locator;
    double factor; ///< people per (persons per km2 x km2)

    void fill(int row, float* out, Strip& strip) const {
        thread_local std::vector<Crossing> crossings;
        thread_local std::vector<Span> spans;
        thread_local std::vector<int> seeds, cities;
        std::fill(out, out + grid.width, kNoData);
        row_spans(land, grid, row, crossings, spans);
        const double y = grid.y_of(row);
        const double km2 = grid.pixel_width_m(row) * grid.pixel_height_m(row) / 1e6;
        const std::uint64_t base =
            static_cast<std::uint64_t>(row) * static_cast<std::uint64_t>(grid.width);
        for (const Span& s : spans)
            for (int c0 = s.first; c0 < s.last; c0 += kChunk) {
                const int c1 = std::min(s.last, c0 + kChunk);
                locator.candidates(s.island, grid.x_of(c0), y, grid.x_of(c1 - 1), y, seeds);
                geo.cities_near(grid.x_of(c0), y, grid.x_of(c1 - 1), y, cities);
                const int fixed = locator.attached()[static_cast<std::size_t>(s.island)];
                for (int c = c0; c < c1; ++c) {
                    const double x = grid.x_of(c);
                    const Lattice::Weights w = geo.fields.weights(x, y);
                    const double density =
                        geo.fields.value(w, Lattice::kRural) + geo.city_density(x, y, cities);
                    const double people =
                        density * km2 * factor *
                        pixel_noise(geo.noise_key, base + static_cast<std::uint64_t>(c));
                    // To 1/1024 person: nothing a map shows, and it halves the file and the
                    // time spent compressing it (the low mantissa bits are pure noise).
                    const auto v = static_cast<float>(std::round(people * 1024) / 1024);
                    out[c] = v;
                    const int seed = fixed >= 0 ? fixed : locator.nearest(x, y, seeds);
                    if (strip.runs.empty() || strip.runs.back().seed != seed)
                        strip.runs.push_back({seed, 0, 0, 0});
                    Run& r = strip.runs.back();
                    r.people += v;
                    r.stunting += v * geo.fields.value(w, Lattice::kStunting);
                    r.maternal += v * geo.fields.value(w, Lattice::kMaternal);
                    strip.people += v;
                }
                strip.land += c1 - c0;
            }
    }
};

// Sanitation pixels near land: those whose 3 x 3 population pixels or neighbours hold land,
// so the engine's bilinear warp onto the population grid finds a value at every land pixel.
struct SanitationRows {
    const Grid& fine;
    const Grid& grid;
    int factor;
    const LandIndex& land;
    const Geography& geo;
    std::uint64_t key;

    void fill(int row, float* out, Strip&) const {
        thread_local std::vector<Crossing> crossings;
        thread_local std::vector<Span> spans;
        thread_local std::vector<char> near;
        thread_local std::vector<int> cities;
        near.assign(static_cast<std::size_t>(grid.width), 0);
        for (int r = (row - 1) * factor; r < (row + 2) * factor; ++r) {
            if (r < 0 || r >= fine.height)
                continue;
            row_spans(land, fine, r, crossings, spans);
            for (const Span& s : spans)
                for (int c = std::max(0, s.first / factor - 1);
                     c <= std::min(grid.width - 1, (s.last - 1) / factor + 1); ++c)
                    near[static_cast<std::size_t>(c)] = 1;
        }
        const double y = grid.y_of(row);
        const std::uint64_t base =
            static_cast<std::uint64_t>(row) * static_cast<std::uint64_t>(grid.width);
        for (int c = 0; c < grid.width; ++c) {
            out[c] = kNoData;
            if (!near[static_cast<std::size_t>(c)])
                continue;
            const double x = grid.x_of(c);
            geo.cities_near(x, y, x, y, cities);
            const double urban = std::min(1.0, geo.city_density(x, y, cities) / 5000);
            const double logit =
                geo.fields.at(x, y, Lattice::kSanitation) - 2.5 * urban +
                0.3 * std::log(pixel_noise(key, base + static_cast<std::uint64_t>(c)));
            const double share = std::clamp(1 / (1 + std::exp(-logit)), 0.01, 0.99);
            out[c] = static_cast<float>(std::round(share * 4096) / 4096); // as population
        }
    }
};

/// Strips computed by the pool, consumed in order.
template <typename Rows, typename Consume>
void stream_strips(const Grid& grid, const Rows& rows, Consume consume) {
    const int strips = (grid.height + kTile - 1) / kTile;
    struct StripWork final : sched::TileWork {
        Strip strip;
    };
    sched::run_ordered_pipeline(
        static_cast<std::size_t>(strips), sched::worker_threads() + 1,
        [&](std::size_t s) {
            auto work = std::make_unique<StripWork>();
            work->strip.row0 = static_cast<int>(s) * kTile;
            return work;
        },
        [&](sched::TileWork& w) {
            Strip& strip = static_cast<StripWork&>(w).strip;
            strip.rows = std::min(kTile, grid.height - strip.row0);
            strip.values.resize(static_cast<std::size_t>(strip.rows) * grid.width);
            for (int r = 0; r < strip.rows; ++r)
                rows.fill(strip.row0 + r,
                          strip.values.data() + static_cast<std::size_t>(r) * grid.width, strip);
        },
        [&](sched::TileWork& w) { consume(static_cast<StripWork&>(w).strip); });
}

// The national total is set from every 8th row at full scale (all rows in small tests):
// the estimate's error is a few parts in a thousand; the report gives the exact sum.
double people_factor(const NationalPreset& p, const Grid& grid, const PopulationRows& unit) {
    const int step = std::max(1, p.pixels_per_degree / 150);
    std::vector<double> totals(static_cast<std::size_t>((grid.height + step - 1) / step));
    sched::for_row_blocks(static_cast<int>(totals.size()), [&](int begin, int end) {
        std::vector<float> row(static_cast<std::size_t>(grid.width));
        for (int k = begin; k < end; ++k) {
            Strip scratch;
            unit.fill(k * step, row.data(), scratch);
            totals[static_cast<std::size_t>(k)] = scratch.people;
        }
    });
    double total = 0;
    for (double t : totals)
        total += t * step;
    return total > 0 ? p.population / total : 1.0;
}
} // namespace

RasterReport write_national_rasters(io::StagedOutput& staged, const NationalPreset& p,
                                    const LandIndex& land, const Geography& geo,
                                    const VillageLocator& locator, const SynthOptions& options,
                                    VillageSums& sums) {
    const Grid grid = national_grid(p);
    PopulationRows rows{grid, land, geo, locator, 1.0};
    rows.factor = people_factor(p, grid, rows);
    RasterReport report;
    {
        io::StripWriter out = strip_writer(staged.path("population.tif"), grid,
                                           "population (synthetic)", "persons per pixel", options);
        stream_strips(grid, rows, [&](Strip& strip) {
            out.write(strip.row0, strip.rows, strip.values);
            for (const Run& r : strip.runs) {
                const auto k = static_cast<std::size_t>(r.seed);
                sums.population[k] += r.people;
                sums.stunting[k] += r.stunting;
                sums.maternal[k] += r.maternal;
            }
            report.population += strip.people;
            report.land_pixels += strip.land;
        });
        out.close();
    }
    const Grid coarse = national_grid(p, p.sanitation_factor);
    io::StripWriter out =
        strip_writer(staged.path("sanitation.tif"), coarse,
                     "households without improved sanitation", "proportion", options);
    const SanitationRows sanitation{grid, coarse, p.sanitation_factor,
                                    land, geo,    geo.noise_key ^ 0x5A17A7101ULL};
    stream_strips(coarse, sanitation,
                  [&](Strip& strip) { out.write(strip.row0, strip.rows, strip.values); });
    out.close();
    return report;
}

} // namespace riskmap::synth::national
