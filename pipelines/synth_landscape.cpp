#include "pipelines/synth_internal.hpp"

#include "core/error.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace riskmap::synth::detail {

namespace {
constexpr double kTwoPi = 2 * std::numbers::pi;

double river_centre(const Landscape& l, double x, double* slope) {
    const double mid = 0.5 * (l.extent.xmin + l.extent.xmax);
    double y = l.river_y + l.river_slope * (x - mid);
    double dy = l.river_slope;
    for (const auto& w : l.meander) {
        y += w.at(x, 0);
        dy += w.amp * w.kx * std::cos(w.kx * x + w.phase);
    }
    *slope = dy;
    return y;
}

// Distance across the river, measured perpendicular to the local course.
double river_distance(const Landscape& l, double x, double y) {
    double slope = 0;
    const double yc = river_centre(l, x, &slope);
    return std::abs(y - yc) / std::sqrt(1 + slope * slope);
}

Wave meander_wave(Rng& rng, double wavelength, double amplitude) {
    return Wave{kTwoPi / wavelength, 0, rng.uniform(0, kTwoPi), amplitude};
}

void add_river(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    l.has_river = p.river;
    l.river_y = e.ymin + e.height() * rng.uniform(0.35, 0.65);
    l.river_slope = rng.uniform(-0.15, 0.15);
    const double big_len = e.width() * rng.uniform(0.25, 0.45);
    const double big_amp = e.height() * rng.uniform(0.04, 0.07);
    l.meander.push_back(meander_wave(rng, big_len, big_amp));
    const double small_len = e.width() * rng.uniform(0.08, 0.14);
    const double small_amp = e.height() * rng.uniform(0.01, 0.02);
    l.meander.push_back(meander_wave(rng, small_len, small_amp));
    l.river_mean_width_m = 0.5 * (p.river_width_min_m + p.river_width_max_m);
    const double width_len = e.width() * rng.uniform(0.2, 0.5);
    l.river_width = meander_wave(rng, width_len, 0.5 * (p.river_width_max_m - p.river_width_min_m));
}

void add_forest(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    const int corner = rng.index(4);
    l.corner_x = corner % 2 ? e.xmax : e.xmin;
    l.corner_y = corner / 2 ? e.ymax : e.ymin;
    l.forest_radius = p.forest_radius_frac * std::min(e.width(), e.height());
    l.forest_edge = random_field(rng, e, 0, 6, l.forest_radius / 10);
}

// Away from the edges, the river and the forest, so the lake is seen whole.
void add_lake(const Preset& p, Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    const double a = p.lake_semi_major_m;
    l.lake_a = a;
    l.lake_b = p.lake_semi_minor_m;
    for (int attempt = 0; attempt < 10000; ++attempt) {
        l.lake_x = rng.uniform(e.xmin + 2 * a, e.xmax - 2 * a);
        l.lake_y = rng.uniform(e.ymin + 2 * a, e.ymax - 2 * a);
        l.lake_angle = rng.uniform(0, std::numbers::pi);
        const bool near_river = l.has_river && river_distance(l, l.lake_x, l.lake_y) < 2 * a + 300;
        if (!near_river && l.forest_depth(l.lake_x, l.lake_y) < -(a + 300))
            return;
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

bool Landscape::water(double x, double y) const {
    const double dx = x - lake_x, dy = y - lake_y;
    const double c = std::cos(lake_angle), s = std::sin(lake_angle);
    const double u = (c * dx + s * dy) / lake_a, v = (-s * dx + c * dy) / lake_b;
    if (u * u + v * v <= 1)
        return true;
    if (!has_river)
        return false;
    const double half = 0.5 * (river_mean_width_m + river_width.at(x, 0));
    return river_distance(*this, x, y) < half;
}

double Landscape::forest_depth(double x, double y) const {
    const double r = forest_radius * (1 + 0.2 * forest_edge.at(x, y));
    return r - std::hypot(x - corner_x, y - corner_y);
}

double Landscape::urban(double x, double y) const {
    double u = 0;
    for (const auto& t : towns) {
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
    const double edge_scale = 0.3 * forest_radius;
    const double edge = depth >= 0 ? 1.0 : std::exp(-(depth * depth) / (edge_scale * edge_scale));
    const double s =
        0.08 + 0.45 * (1 - urban_share) + 0.2 * edge + 0.12 * sanitation_noise.at(x, y);
    return std::clamp(s, 0.02, 0.97);
}

Landscape make_landscape(const Preset& p, Rng& rng) {
    Landscape l;
    l.extent = Extent{p.x0, p.y0 - p.height * p.pixel_m, p.x0 + p.width * p.pixel_m, p.y0};
    const double scale = std::min(l.extent.width(), l.extent.height()) / 6;
    add_river(p, l, rng);
    add_forest(p, l, rng);
    add_lake(p, l, rng);
    add_towns(p, l, rng);
    add_hamlets(p, l, rng);
    l.rural = random_field(rng, l.extent, 4, 2, scale);
    l.sanitation_noise = random_field(rng, l.extent, 4, 2, scale);
    l.stunting = random_field(rng, l.extent, 5, 2, scale);
    l.maternal = random_field(rng, l.extent, 5, 2, scale);
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
    OGRSpatialReference srs;
    srs.importFromEPSG(32749);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    g.crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);
    return g;
}

} // namespace riskmap::synth::detail
