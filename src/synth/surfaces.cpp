#include "sched/parallel_rows.hpp"
#include "synth/internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace riskmap::synth::detail {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Sums are formed per row in parallel, then added in row order: any thread count gives the
// same bytes.
template <class F> double sum_rows(int height, F&& row_value) {
    std::vector<double> rows(static_cast<std::size_t>(height));
    sched::for_row_blocks(height, [&](int begin, int end) {
        for (int r = begin; r < end; ++r)
            rows[static_cast<std::size_t>(r)] = row_value(r);
    });
    double total = 0;
    for (double v : rows)
        total += v;
    return total;
}

// A bump only matters within 4 sigma; adding it there keeps hundreds of hamlets cheap.
void add_bump(Layer<double>& density, const Grid& g, const Bump& b) {
    const double step = g.geotransform[1], reach = 4 * b.sigma;
    const int c0 = std::max(0, static_cast<int>((b.x - reach - g.geotransform[0]) / step));
    const int c1 =
        std::min(g.width - 1, static_cast<int>((b.x + reach - g.geotransform[0]) / step));
    const int r0 = std::max(0, static_cast<int>((g.geotransform[3] - b.y - reach) / step));
    const int r1 =
        std::min(g.height - 1, static_cast<int>((g.geotransform[3] - b.y + reach) / step));
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            density(r, c) += b.at(g.x_of(c), g.y_of(r));
}

Layer<float> make_population(const Preset& p, const Landscape& l, const Grid& g,
                             std::uint64_t noise_key, double target) {
    Layer<double> density(g.width, g.height, 0.0);
    for (const auto& t : l.towns)
        add_bump(density, g, t);
    for (const auto& h : l.hamlets)
        add_bump(density, g, h);
    Layer<float> pop(g.width, g.height, 0.0f);
    const double total = sum_rows(g.height, [&](int r) {
        double row_total = 0;
        for (int c = 0; c < g.width; ++c) {
            const double x = g.x_of(c), y = g.y_of(r);
            if (l.water(x, y)) {
                pop(r, c) = kNaN;
                continue;
            }
            if (l.forest(x, y))
                continue;
            const auto idx = static_cast<std::uint64_t>(r) * g.width + c;
            // Log-normal pixel noise with mean 1: WorldPop-like texture, not a smooth sheet.
            const double noise = std::exp(0.3 * hashed_normal(noise_key, idx) - 0.045);
            const double v = (p.rural_density * std::exp(0.5 * l.rural.at(x, y)) + density(r, c));
            pop(r, c) = static_cast<float>(v * noise);
            row_total += pop(r, c);
        }
        return row_total;
    });
    const double scale = total > 0 ? target / total : 0;
    for (float& v : pop.values())
        v = static_cast<float>(v * scale);
    return pop;
}

double logistic(double z) {
    return 1 / (1 + std::exp(-z));
}

void min_max(const Layer<float>& layer, double& lo, double& hi) {
    lo = std::numeric_limits<double>::infinity();
    hi = -lo;
    for (float v : layer.values())
        if (!std::isnan(v)) {
            lo = std::min(lo, static_cast<double>(v));
            hi = std::max(hi, static_cast<double>(v));
        }
    if (!(hi > lo))
        hi = lo + 1;
}

// Each land pixel's raw fields: stunting logit part, maternal log part and sanitation.
struct RawFields {
    Layer<float> stunting, maternal, sanitation;
};

RawFields raw_fields(const Landscape& l, const Grid& g) {
    RawFields f{Layer<float>(g.width, g.height, kNaN), Layer<float>(g.width, g.height, kNaN),
                Layer<float>(g.width, g.height, kNaN)};
    sched::for_row_blocks(g.height, [&](int begin, int end) {
        for (int r = begin; r < end; ++r)
            for (int c = 0; c < g.width; ++c) {
                const double x = g.x_of(c), y = g.y_of(r);
                if (l.water(x, y))
                    continue;
                const double u = l.urban(x, y);
                f.stunting(r, c) = static_cast<float>(l.stunting.at(x, y));
                // Remote places (far from towns and their clinics) lose more mothers.
                f.maternal(r, c) = static_cast<float>(l.maternal.at(x, y) + 0.6 * (1 - u));
                f.sanitation(r, c) = static_cast<float>(l.sanitation(x, y, u));
            }
    });
    return f;
}

// Rescales the land values linearly onto [lo, hi].
void stretch(Layer<float>& layer, double lo, double hi) {
    double a = 0, b = 0;
    min_max(layer, a, b);
    for (float& v : layer.values())
        if (!std::isnan(v))
            v = static_cast<float>(lo + (hi - lo) * (v - a) / (b - a));
}

// Intercept b0 such that the mean of logistic(b0 + z) over land is `target`. The land mean,
// not the population-weighted one, pins the map's range (~0.08 .. 0.45) whatever the towns'
// layout; the people, mostly in towns with better sanitation, then average a little lower.
double calibrate_intercept(const Layer<float>& z, double target) {
    const int w = z.width();
    const auto land = static_cast<double>(std::count_if(z.values().begin(), z.values().end(),
                                                        [](float v) { return !std::isnan(v); }));
    double lo = -6, hi = 3;
    for (int it = 0; it < 40; ++it) {
        const double b0 = 0.5 * (lo + hi);
        const double sum = sum_rows(z.height(), [&](int r) {
            double s = 0;
            for (int c = 0; c < w; ++c)
                if (const float v = z(r, c); !std::isnan(v))
                    s += logistic(b0 + v);
            return s;
        });
        (sum / land < target ? lo : hi) = b0;
    }
    return 0.5 * (lo + hi);
}

// Sampled at the coarse pixel centres, as a survey-based product would be; a coarse pixel is
// water (NaN) when its centre is, so land at the river's edge may have no value. Each value
// depends only on its position, so any thread schedule gives the same map.
Layer<float> coarse_sanitation(const Preset& p, const Landscape& l) {
    const Grid coarse = preset_grid(p, p.sanitation_factor);
    Layer<float> out(coarse.width, coarse.height, kNaN);
    sched::for_row_blocks(coarse.height, [&](int begin, int end) {
        for (int r = begin; r < end; ++r)
            for (int c = 0; c < coarse.width; ++c) {
                const double x = coarse.x_of(c), y = coarse.y_of(r);
                if (!l.water(x, y))
                    out(r, c) = static_cast<float>(l.sanitation(x, y));
            }
    });
    return out;
}
} // namespace

// Truth: p(x) = logistic(b0 + g(x) + 1.2 (deficit(x) - 0.5)), g stretched to +-0.7;
// lambda(x) = 0.0018 exp(h(x)), h stretched so lambda spans 0.0007 .. 0.005.
Surfaces make_surfaces(const Preset& p, const Landscape& l, std::uint64_t seed, Rng& rng) {
    const Grid g = preset_grid(p);
    Surfaces s;
    const double target_population = rng.uniform(p.population_min, p.population_max);
    const double target_stunting = rng.uniform(0.23, 0.25); // land mean; people ~0.20-0.22
    const std::uint64_t noise_key = seed ^ 0x706f70ULL;     // "pop"
    s.population = make_population(p, l, g, noise_key, target_population);
    RawFields f = raw_fields(l, g);
    stretch(f.stunting, -0.7, 0.7);
    for (std::size_t i = 0; i < f.stunting.size(); ++i)
        f.stunting[i] += static_cast<float>(1.2 * (f.sanitation[i] - 0.5));
    const double b0 = calibrate_intercept(f.stunting, target_stunting);
    for (float& v : f.stunting.values())
        v = static_cast<float>(logistic(b0 + v)); // NaN stays NaN
    stretch(f.maternal, std::log(0.0007 / 0.0018), std::log(0.005 / 0.0018));
    for (float& v : f.maternal.values())
        v = static_cast<float>(0.0018 * std::exp(v));
    s.stunting = std::move(f.stunting);
    s.maternal = std::move(f.maternal);
    s.sanitation = coarse_sanitation(p, l);
    return s;
}

} // namespace riskmap::synth::detail
