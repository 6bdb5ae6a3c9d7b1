/// \file
/// One indicator on one tile: village counts spread over pixels by population, the kernel
/// sums the pixel posterior needs (DESIGN.md "Pixel uncertainty"), and the posteriors, row by
/// row (kernels/pixel_row.hpp).

#include "kernels/adaptive.hpp"
#include "kernels/disaggregate.hpp"
#include "kernels/pixel_row.hpp"
#include "pipelines/pixel_plan.hpp"
#include "sched/parallel_rows.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace riskmap::pixels {

namespace {
/// Counts of one indicator spread over the window's pixels by population.
Layer<float> spread(const JobState& s, const PixelTile& t, const std::vector<double>& counts) {
    Layer<double> px(t.window.width, t.window.height, 0.0);
    kernels::disaggregate(t.village.view(), t.population.view(), s.zones().footprint, counts,
                          s.zones().burner->point_pixel(), px.view(),
                          {t.window.x0, t.window.y0, s.grid().grid.width});
    Layer<float> out(px.width(), px.height());
    for (std::size_t i = 0; i < px.size(); ++i)
        out[i] = static_cast<float>(px[i]);
    return out;
}

/// The kernel sums of kernels::PixelSums, in its order, on the core.
enum Sum : std::size_t { kEvents, kExposure, kExposureW2, kRate2, kShare, kSums };

struct KernelSums {
    std::array<Layer<float>, kSums> sums;
    Layer<float> used; ///< adaptive runs: the bandwidth each pixel took
};

/// The sums at bandwidth rung i from the spread layers (events, exposure, rate2, share).
std::array<Layer<float>, kSums> sums_at(const Smoothing& sm, std::size_t i, const PixelTile& t,
                                        const std::array<Layer<float>, 4>& in) {
    const auto sum = [&](const sched::TiledGaussian& g, const Layer<float>& layer) {
        return g.sum(layer.view(), t.window, t.core, true);
    };
    return {sum(sm.levels[i], in[0]), sum(sm.levels[i], in[1]), sum(sm.squares[i], in[1]),
            sum(sm.levels[i], in[2]), sum(sm.levels[i], in[3])};
}

KernelSums smooth(const Smoothing& sm, const PixelTile& t, const std::array<Layer<float>, 4>& in,
                  float min_denominator) {
    if (sm.levels.size() == 1)
        return {sums_at(sm, 0, t, in), {}};
    const int w = t.core.width, h = t.core.height;
    KernelSums out;
    for (auto& layer : out.sums)
        layer = Layer<float>(w, h, 0.0f);
    out.used = Layer<float>(w, h, 0.0f);
    std::array<LayerView<float>, kSums> to;
    for (std::size_t k = 0; k < kSums; ++k)
        to[k] = out.sums[k].view();
    for (std::size_t i = 0; i < sm.levels.size(); ++i) {
        const auto rung = sums_at(sm, i, t, in);
        std::array<LayerView<const float>, kSums> from;
        for (std::size_t k = 0; k < kSums; ++k)
            from[k] = rung[k].view();
        kernels::adaptive_step(from, kExposure, static_cast<float>(sm.bandwidths[i]),
                               min_denominator, to, out.used.view());
    }
    return out;
}

} // namespace

Layer<float> population_density(const JobState& s, const PixelPlan& plan, const PixelTile& t) {
    Layer<float> people = t.population;
    for (float& v : people.values())
        v = v > 0 ? v : 0.0f; // water and nodata hold nobody
    Layer<float> out = plan.smoothing.density[0].sum(people.view(), t.window, t.core, true);
    // A peak-normalised Gaussian of sigma h integrates to 2 pi h^2 over the plane.
    const double h = s.config.bandwidth_m;
    const auto per_km2 = static_cast<float>(1e6 / (2 * std::numbers::pi * h * h));
    for (float& v : out.values())
        v *= per_km2;
    return out;
}

bool any_mapped(const PixelTile& t) {
    const CoreInWindow o(t);
    for (int r = 0; r < t.core.height; ++r)
        for (int c = 0; c < t.core.width; ++c)
            if (mapped(t, o, r, c))
                return true;
    return false;
}

void indicator_pixels(const JobState& s, const PixelPlan& plan, PixelTile& t, std::size_t k) {
    const IndicatorSpec& spec = s.config.indicators[k];
    const IndicatorMaps& m = plan.maps[k];
    const IndicatorPlan& ind = plan.indicators[k];
    const std::array<Layer<float>, 4> spread_counts{spread(s, t, s.records().counts[k].numerator),
                                                    spread(s, t, s.records().counts[k].denominator),
                                                    spread(s, t, ind.rate2),
                                                    spread(s, t, ind.share)};
    const KernelSums ks = smooth(plan.smoothing, t, spread_counts, float(spec.min_denominator));
    const kernels::PixelRowModel model{ind.uncertainty, ind.predictive, spec.target,
                                       spec.min_denominator};
    const CoreInWindow o(t);
    sched::for_row_blocks(t.core.height, [&](int begin, int end) {
        kernels::PixelRowScratch scratch;
        std::vector<std::uint8_t> on_map(static_cast<std::size_t>(t.core.width));
        for (int r = begin; r < end; ++r) {
            for (int c = 0; c < t.core.width; ++c)
                on_map[static_cast<std::size_t>(c)] = mapped(t, o, r, c) ? 1 : 0;
            const kernels::PixelSumsRow sums{&ks.sums[kEvents](r, 0), &ks.sums[kExposure](r, 0),
                                             &ks.sums[kExposureW2](r, 0), &ks.sums[kRate2](r, 0),
                                             &ks.sums[kShare](r, 0)};
            const kernels::PixelMapsRow maps{&t.maps[m.rate](r, 0),       &t.maps[m.mean](r, 0),
                                             &t.maps[m.lower](r, 0),      &t.maps[m.upper](r, 0),
                                             &t.maps[m.exceed](r, 0),     &t.excess[k](r, 0),
                                             &t.maps[m.information](r, 0)};
            kernels::pixel_posterior_row(sums, on_map.data(), t.core.width, model, maps, scratch);
            if (m.bandwidth == SIZE_MAX)
                continue;
            for (const int c : scratch.columns)
                t.maps[m.bandwidth](r, c) = ks.used(r, c);
        }
    });
}

} // namespace riskmap::pixels
