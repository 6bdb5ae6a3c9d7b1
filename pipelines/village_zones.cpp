#include "pipelines/village_zones.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "kernels/priority.hpp"
#include "sched/ranks.hpp"
#include "sched/tiles.hpp"

#include <cmath>
#include <limits>
#include <mutex>

namespace riskmap {

namespace {
// Village sums are integers (fixed_point): the village totals, and every map derived from
// them, are then the same bytes for any tile size and thread count.

struct ZoneSums {
    explicit ZoneSums(std::size_t n) : population(n), pixels(n), sanitation(n), sanitation_w(n) {}
    std::vector<std::int64_t> population, pixels, sanitation, sanitation_w;
    std::int64_t first_negative = -1; ///< row-major pixel, -1 if none
    std::int64_t first_bad_sanitation = -1;
    bool any_population = false, any_village = false, any_sanitation = false;
};

/// Keeps the first (row-major) offending pixel whatever order tiles finish in, so the
/// message is the same on every run.
void keep_first(std::int64_t& first, std::int64_t pixel) {
    if (pixel >= 0 && (first < 0 || pixel < first))
        first = pixel;
}

void add_tile(ZoneSums& into, const ZoneSums& tile, const std::vector<std::int32_t>& touched) {
    for (std::int32_t v : touched) {
        into.population[v] += tile.population[v];
        into.pixels[v] += tile.pixels[v];
        into.sanitation[v] += tile.sanitation[v];
        into.sanitation_w[v] += tile.sanitation_w[v];
    }
    keep_first(into.first_negative, tile.first_negative);
    keep_first(into.first_bad_sanitation, tile.first_bad_sanitation);
    into.any_population |= tile.any_population;
    into.any_village |= tile.any_village;
    into.any_sanitation |= tile.any_sanitation;
}

struct TileInputs {
    Layer<float> population, sanitation;
    Layer<std::int32_t> village;
};

void sum_tile(const JobState& s, const Rect& t, const TileInputs& in, ZoneSums& sums,
              std::vector<std::int32_t>& touched) {
    const double scale = s.config.sanitation_scale;
    const int width = s.grid().grid.width;
    for (int r = 0; r < t.height; ++r) {
        for (int c = 0; c < t.width; ++c) {
            const std::int64_t pixel = std::int64_t(t.y0 + r) * width + t.x0 + c;
            const float pop = in.population(r, c);
            if (pop < 0)
                keep_first(sums.first_negative, pixel);
            sums.any_population |= !std::isnan(pop);
            const float san = in.sanitation.size() ? in.sanitation(r, c) : NAN;
            if (!std::isnan(san)) {
                sums.any_sanitation = true;
                if (san / scale < -1e-6 || san / scale > 1.000001)
                    keep_first(sums.first_bad_sanitation, pixel);
            }
            const std::int32_t v = in.village(r, c);
            if (v < 0)
                continue;
            sums.any_village = true;
            if (sums.pixels[v] == 0)
                touched.push_back(v);
            const double weight = std::isfinite(pop) && pop > 0 ? pop : 0.0;
            sums.population[v] += kernels::fixed_point(weight);
            sums.pixels[v] += 1;
            if (!std::isnan(san)) {
                sums.sanitation[v] +=
                    kernels::fixed_point(weight * std::clamp(san / scale, 0.0, 1.0));
                sums.sanitation_w[v] += kernels::fixed_point(weight);
            }
        }
    }
}

std::string pixel_name(std::int64_t pixel, int width) {
    return "pixel (row " + std::to_string(pixel / width) + ", col " +
           std::to_string(pixel % width) + ")";
}

bool any_village_on_grid(const JobState& s, const ZoneSums& sums) {
    bool any = sums.any_village;
    for (std::int64_t p : s.zones().burner->point_pixel())
        any = any || p >= 0;
    return any;
}

void check_sums(const JobState& s, const ZoneSums& sums) {
    const JobConfig& cfg = s.config;
    if (sums.first_negative >= 0)
        throw InputError("'" + cfg.population + "': negative population at " +
                         pixel_name(sums.first_negative, s.grid().grid.width));
    if (!sums.any_population)
        throw InputError("'" + cfg.population + "': every pixel is nodata; nothing to map");
    if (s.grid().sanitation && !sums.any_sanitation && !any_village_on_grid(s, sums))
        // Neither other input meets the population raster: the population raster is the odd
        // one out, not the first input that happens to be checked against it.
        throw InputError("'" + cfg.population + "': overlaps neither the villages ('" +
                         cfg.villages + "') nor the sanitation raster ('" + cfg.sanitation +
                         "'); check its CRS and extent");
    if (s.grid().sanitation && !sums.any_sanitation)
        throw InputError("'" + cfg.sanitation +
                         "': does not overlap the analysis grid (population raster '" +
                         cfg.population + "'); the two grids cannot be reconciled");
    if (sums.first_bad_sanitation >= 0)
        throw InputError("'" + cfg.sanitation + "': value at " +
                         pixel_name(sums.first_bad_sanitation, s.grid().grid.width) +
                         " (on the analysis grid) is outside 0.." +
                         format_double(cfg.sanitation_scale) +
                         " (set inputs.sanitation_scale = 100 for percent)");
}

void keep_sums(JobState& s, const ZoneSums& sums) {
    const std::size_t n = s.villages().table.size();
    s.zones().footprint.population.assign(n, 0.0);
    s.zones().footprint.pixels = sums.pixels;
    s.zones().village_sanitation.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t v = 0; v < n; ++v) {
        s.zones().footprint.population[v] =
            static_cast<double>(sums.population[v]) / kernels::kFixedPoint;
        if (sums.sanitation_w[v] > 0)
            s.zones().village_sanitation[v] =
                static_cast<double>(sums.sanitation[v]) / static_cast<double>(sums.sanitation_w[v]);
    }
}

void warn_outside(JobState& s) {
    std::size_t outside = 0;
    for (std::size_t v = 0; v < s.villages().table.size(); ++v)
        outside += s.zones().footprint.pixels[v] == 0 && s.zones().burner->point_pixel()[v] < 0;
    if (outside > 0)
        s.warn(std::to_string(outside) +
                   " village(s) lie outside the population grid; they are in the tables but not "
                   "on the maps",
               std::to_string(outside) +
                   " desa berada di luar grid penduduk; desa itu ada di tabel tetapi tidak di "
                   "peta");
}
} // namespace

namespace {
std::int64_t land_pixels(const Layer<std::int32_t>& village) {
    std::int64_t n = 0;
    for (const std::int32_t v : village.values())
        n += v >= 0;
    return n;
}

/// The village sums of tiles [begin, end), and those tiles' land pixels into s.zones().tile_land.
ZoneSums sum_zones(JobState& s, const sched::TileLayout& layout, std::size_t begin,
                   std::size_t end) {
    ZoneSums total(s.villages().table.size());
    std::mutex total_mutex;
    sched::for_each_tile(layout, [&](std::size_t i) {
        if (i < begin || i >= end)
            return;
        const Rect& t = layout.tile(i);
        TileInputs in{s.grid().population->read(t),
                      s.grid().sanitation ? s.grid().sanitation->read(t) : Layer<float>(),
                      s.zones().burner->burn(t)};
        ZoneSums sums(total.pixels.size());
        std::vector<std::int32_t> touched;
        sum_tile(s, t, in, sums, touched);
        s.zones().tile_land[i] = land_pixels(in.village);
        std::lock_guard lock(total_mutex);
        add_tile(total, sums, touched);
    });
    return total;
}

constexpr std::int64_t kNoPixel = std::numeric_limits<std::int64_t>::max();

/// A rank's sums for the ranks' agreement: the per-village sums, the tiles' land and the
/// flags added up; the first offending pixels reduced to the least.
sched::Shares zone_shares(const ZoneSums& z, const std::vector<std::int64_t>& tile_land) {
    sched::Shares out;
    for (const auto* sums : {&z.population, &z.pixels, &z.sanitation, &z.sanitation_w, &tile_land})
        out.sums.insert(out.sums.end(), sums->begin(), sums->end());
    out.sums.insert(out.sums.end(), {z.any_population, z.any_village, z.any_sanitation});
    for (const std::int64_t first : {z.first_negative, z.first_bad_sanitation})
        out.mins.push_back(first < 0 ? kNoPixel : first);
    return out;
}

/// The inverse of zone_shares, on the agreed totals.
ZoneSums zones_of_ranks(const sched::Outcome& o, std::vector<std::int64_t>& tile_land) {
    const std::size_t n = (o.sums.size() - tile_land.size() - 3) / 4;
    ZoneSums z(n);
    auto next = o.sums.begin();
    for (auto* sums : {&z.population, &z.pixels, &z.sanitation, &z.sanitation_w, &tile_land}) {
        std::copy_n(next, sums->size(), sums->begin());
        next += std::ptrdiff_t(sums->size());
    }
    z.any_population = next[0] > 0, z.any_village = next[1] > 0, z.any_sanitation = next[2] > 0;
    z.first_negative = o.mins[0] == kNoPixel ? -1 : o.mins[0];
    z.first_bad_sanitation = o.mins[1] == kNoPixel ? -1 : o.mins[1];
    return z;
}

/// Under MPI each rank sums a contiguous range of tiles (of equal count: the land per tile
/// is what this stage finds out), and the ranks add their integer sums up: the same totals,
/// tile land and first bad pixels as one process.
ZoneSums sum_zones_of_ranks(JobState& s, const sched::TileLayout& layout) {
    const std::pair<std::size_t, std::size_t> range = sched::weighted_range(
        std::vector<std::int64_t>(layout.count(), 1), sched::rank(), sched::ranks());
    ZoneSums own(s.villages().table.size());
    int code = 0;
    std::string message;
    try {
        own = sum_zones(s, layout, range.first, range.second);
    } catch (const Error& e) {
        code = e.exit_code(), message = std::string("zonal.villages: ") + e.what();
    } catch (const std::exception& e) {
        code = kExitRuntime, message = std::string("zonal.villages: ") + e.what();
    }
    const sched::Outcome outcome =
        sched::agree(code, message, zone_shares(own, s.zones().tile_land));
    if (outcome.code)
        sched::throw_outcome(outcome);
    return zones_of_ranks(outcome, s.zones().tile_land);
}
} // namespace

void VillageZones::run(JobState& state) {
    state.zones().burner = std::make_unique<io::VillageBurner>(state.villages(), state.grid().grid,
                                                               state.config.villages);
    const sched::TileLayout layout(state.grid().grid.width, state.grid().grid.height,
                                   state.config.tile_size);
    state.zones().tile_size = layout.tile_size();
    state.zones().tiles = layout.count();
    state.zones().tile_land.assign(layout.count(), 0);
    const ZoneSums total = sched::ranks() == 1 ? sum_zones(state, layout, 0, layout.count())
                                               : sum_zones_of_ranks(state, layout);
    check_sums(state, total);
    if (!any_village_on_grid(state, total))
        throw InputError("'" + state.config.villages +
                         "': no village overlaps the population grid; check both CRSs and "
                         "extents");
    keep_sums(state, total);
    warn_outside(state);
}

} // namespace riskmap
