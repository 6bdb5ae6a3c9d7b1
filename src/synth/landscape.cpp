#include "synth/internal.hpp"

#include "core/error.hpp"
#include "io/shapes.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace riskmap::synth::detail {

namespace {
constexpr double kTwoPi = 2 * std::numbers::pi;

Wave meander_wave(Rng& rng, double wavelength, double amplitude) {
    return Wave{kTwoPi / wavelength, 0, rng.uniform(0, kTwoPi), amplitude};
}

// How far across from the straight course water can lie at most: the meanders' amplitudes
// plus the widest half-width, stretched by the steepest slope. River::water's quick exit.
void set_reach(River& r) {
    double amplitude = 0, bend = std::abs(r.slope);
    for (const auto& w : r.meander) {
        amplitude += std::abs(w.amp);
        bend += std::abs(w.amp * w.kx);
    }
    const double half_max = 0.5 * (r.mean_width_m + std::abs(r.width.amp));
    r.reach = amplitude + half_max * std::sqrt(1 + bend * bend) + 1;
}

// A course along [lo, hi] whose bends scale with `span`, the room it has across.
River draw_course(Rng& rng, double base, double lo, double hi, double span, double width_min,
                  double width_max) {
    River r;
    r.base = base;
    r.slope = rng.uniform(-0.15, 0.15);
    r.mid = 0.5 * (lo + hi);
    const double big_len = (hi - lo) * rng.uniform(0.25, 0.45);
    const double big_amp = span * rng.uniform(0.04, 0.07);
    r.meander.push_back(meander_wave(rng, big_len, big_amp));
    const double small_len = (hi - lo) * rng.uniform(0.08, 0.14);
    const double small_amp = span * rng.uniform(0.01, 0.02);
    r.meander.push_back(meander_wave(rng, small_len, small_amp));
    r.mean_width_m = 0.5 * (width_min + width_max);
    const double width_len = (hi - lo) * rng.uniform(0.2, 0.5);
    r.width = meander_wave(rng, width_len, 0.5 * (width_max - width_min));
    set_reach(r);
    return r;
}

// The main river is drawn even when the preset has none, so the draws after it stay the same.
// Each tributary has a strip of the width to itself, so they meet only at the main river.
void add_rivers(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    const double base = e.ymin + e.height() * rng.uniform(0.35, 0.65);
    River main = draw_course(rng, base, e.xmin, e.xmax, e.height(), p.river_width_min_m,
                             p.river_width_max_m);
    if (!p.river)
        return;
    l.rivers.push_back(std::move(main));
    for (int k = 0; k < p.tributaries; ++k) {
        const double strip = e.width() / p.tributaries;
        const double x = e.xmin + strip * (k + rng.uniform(0.25, 0.75));
        River t = draw_course(rng, x, e.ymin, e.ymax, strip, p.tributary_width_min_m,
                              p.tributary_width_max_m);
        t.transposed = true;
        t.side = rng.uniform() < 0.5 ? 1 : -1;
        l.rivers.push_back(std::move(t));
    }
}

// The first forest fills a corner (a mountain range leaving the map); the others are inland
// hills, apart from each other.
void add_forests(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    const double shorter = std::min(e.width(), e.height());
    Forest corner;
    const int c = rng.index(4);
    corner.x = c % 2 ? e.xmax : e.xmin;
    corner.y = c / 2 ? e.ymax : e.ymin;
    corner.radius = p.forest_radius_frac * shorter;
    corner.edge = random_field(rng, e, 0, 6, corner.radius / 10);
    l.forests.push_back(std::move(corner));
    for (int attempt = 0; attempt < 1000 && static_cast<int>(l.forests.size()) < p.forests;
         ++attempt) {
        Forest hill;
        hill.radius = shorter * rng.uniform(p.hill_radius_frac_min, p.hill_radius_frac_max);
        hill.x = rng.uniform(e.xmin + hill.radius, e.xmax - hill.radius);
        hill.y = rng.uniform(e.ymin + hill.radius, e.ymax - hill.radius);
        if (l.forest_depth(hill.x, hill.y) > -1.5 * hill.radius)
            continue;
        hill.edge = random_field(rng, e, 0, 6, hill.radius / 10);
        l.forests.push_back(std::move(hill));
    }
}

// Away from the edges, the rivers, other lakes and the forests, so each lake is seen whole.
bool lake_fits(const Landscape& l, const Lake& lake) {
    for (const auto& r : l.rivers)
        if (r.distance(lake.x, lake.y) < 2 * lake.a + 300)
            return false;
    for (const auto& o : l.lakes)
        if (std::hypot(lake.x - o.x, lake.y - o.y) < 2 * (lake.a + o.a) + 300)
            return false;
    return l.forest_depth(lake.x, lake.y) < -(lake.a + 300);
}

bool place_lake(const Landscape& l, Lake& lake, Rng& rng) {
    const Extent& e = l.extent;
    for (int attempt = 0; attempt < 10000; ++attempt) {
        lake.x = rng.uniform(e.xmin + 2 * lake.a, e.xmax - 2 * lake.a);
        lake.y = rng.uniform(e.ymin + 2 * lake.a, e.ymax - 2 * lake.a);
        lake.angle = rng.uniform(0, std::numbers::pi);
        if (lake_fits(l, lake))
            return true;
    }
    return false;
}

// The first lake has the preset's size; later ones (reservoirs, ponds) are smaller.
void add_lakes(const Preset& p, Landscape& l, Rng& rng) {
    for (int k = 0; k < p.lakes; ++k) {
        const double scale = k == 0 ? 1 : rng.uniform(0.3, 0.7);
        Lake lake;
        lake.a = scale * p.lake_semi_major_m;
        lake.b = scale * p.lake_semi_minor_m;
        if (place_lake(l, lake, rng))
            l.lakes.push_back(lake);
    }
}

bool town_fits(const Landscape& l, const Bump& t) {
    if (l.water(t.x, t.y) || l.forest_depth(t.x, t.y) > -2 * t.sigma)
        return false;
    for (const auto& other : l.towns)
        if (std::hypot(t.x - other.x, t.y - other.y) < 1.5 * (t.sigma + other.sigma) + 300)
            return false;
    return true;
}

// Town sizes are log-uniform: many small market towns, few large ones. The first town is the
// densest and lies wholly inside the map (the tiny villages go there).
void add_towns(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    for (int attempt = 0; attempt < 20000 && static_cast<int>(l.towns.size()) < p.towns;
         ++attempt) {
        const bool main = l.towns.empty();
        Bump t;
        t.sigma = main ? p.town_sigma_max_m
                       : p.town_sigma_min_m *
                             std::pow(p.town_sigma_max_m / p.town_sigma_min_m, rng.uniform());
        t.amp = main ? p.town_peak_max : rng.uniform(p.town_peak_min, 0.8 * p.town_peak_max);
        const double inset = main ? 2.5 * t.sigma : 0;
        t.x = rng.uniform(e.xmin + inset, e.xmax - inset);
        t.y = rng.uniform(e.ymin + inset, e.ymax - inset);
        if (town_fits(l, t))
            l.towns.push_back(t);
    }
    if (l.towns.empty())
        throw Error("synth: no room for a town in preset '" + p.name + "'");
}

// A town's urban influence ends 6 x 2 sigma away (see urban()); it is filed in the cells it
// reaches, so a pixel looks at a few towns instead of all of them.
void index_towns(Landscape& l) {
    l.town_cells = BucketGrid(l.extent, 2000);
    for (std::size_t k = 0; k < l.towns.size(); ++k) {
        const Bump& t = l.towns[k];
        l.town_cells.add(static_cast<int>(k), t.x, t.y, 12 * t.sigma + 1);
    }
}

void add_hamlets(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    for (int attempt = 0;
         attempt < 20 * p.hamlets && static_cast<int>(l.hamlets.size()) < p.hamlets; ++attempt) {
        Bump h;
        h.x = rng.uniform(e.xmin, e.xmax);
        h.y = rng.uniform(e.ymin, e.ymax);
        h.sigma = rng.uniform(50, 120);
        h.amp = rng.uniform(1.5, 4);
        if (!l.water(h.x, h.y) && !l.forest(h.x, h.y))
            l.hamlets.push_back(h);
    }
}
} // namespace

double Landscape::urban(double x, double y) const {
    double u = 0;
    for (int k : town_cells.at(x, y)) {
        const Bump& t = towns[static_cast<std::size_t>(k)];
        // The urban influence (services, sewers) reaches about twice the dense core.
        const double s = 2 * t.sigma;
        const double d2 = (x - t.x) * (x - t.x) + (y - t.y) * (y - t.y);
        if (d2 < 36 * s * s)
            u += std::exp(-d2 / (2 * s * s));
    }
    return std::min(1.0, u);
}

double Landscape::sanitation(double x, double y) const {
    return sanitation(x, y, urban(x, y));
}

// Deficit is highest in open country and along the forest edge, lowest in town centres.
double Landscape::sanitation(double x, double y, double urban_share) const {
    const double depth = forest_depth(x, y);
    const double edge_scale = 0.3 * forests.front().radius;
    const double edge = depth >= 0 ? 1.0 : std::exp(-(depth * depth) / (edge_scale * edge_scale));
    const double s =
        0.08 + 0.45 * (1 - urban_share) + 0.2 * edge + 0.12 * sanitation_noise.at(x, y);
    return std::clamp(s, 0.02, 0.97);
}

Landscape make_landscape(const Preset& p, Rng& rng) {
    Landscape l;
    l.extent = Extent{p.x0, p.y0 - p.height * p.pixel_m, p.x0 + p.width * p.pixel_m, p.y0};
    const double scale = std::min(l.extent.width(), l.extent.height()) / 6;
    add_rivers(p, l, rng);
    add_forests(p, l, rng);
    add_lakes(p, l, rng);
    add_towns(p, l, rng);
    index_towns(l);
    add_hamlets(p, l, rng);
    l.rural = random_field(rng, l.extent, 4, 2, scale);
    l.sanitation_noise = random_field(rng, l.extent, 4, 2, scale);
    l.stunting = random_field(rng, l.extent, p.risk_bumps, 2, scale);
    l.maternal = random_field(rng, l.extent, p.risk_bumps, 2, scale);
    // Border wiggles: long enough waves that the warp stays one-to-one (gradient < 0.5).
    l.warp_x = random_field(rng, l.extent, 0, 4, 2 * p.warp_amplitude_m);
    l.warp_y = random_field(rng, l.extent, 0, 4, 2 * p.warp_amplitude_m);
    return l;
}

Grid preset_grid(const Preset& p, int factor) {
    Grid g;
    g.width = (p.width + factor - 1) / factor;
    g.height = (p.height + factor - 1) / factor;
    const double step = p.pixel_m * factor;
    g.geotransform = {p.x0, step, 0, p.y0, 0, -step};
    g.crs_wkt = io::epsg_wkt(p.epsg);
    return g;
}

} // namespace riskmap::synth::detail
