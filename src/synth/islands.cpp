// Procedural islands shaped like the large islands of Indonesia, and many small ones. Two
// recipes: a "spine" island is a band along a gently curved centre line whose two coasts wander
// independently (a long island: Sumatra, Java, the arms of Sulawesi), and a "blob" is
// star-shaped around its centre (Kalimantan, small islands). Both give simple polygons by
// construction; the union merges overlaps into the final coastline.

#include "synth/national.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace riskmap::synth::national {

namespace {
constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr double kKmPerDegree = 6371.0088 * std::numbers::pi / 180;

/// Sum of sines of whole frequencies 1..n: periodic on [0, 1), amplitude falling as k^-slope.
struct Harmonics {
    std::vector<double> amp, phase;
    double at(double t) const {
        double v = 0;
        for (std::size_t k = 0; k < amp.size(); ++k)
            v += amp[k] * std::sin(kTwoPi * static_cast<double>(k + 1) * t + phase[k]);
        return v;
    }
};

Harmonics harmonics(Rng& rng, int count, double rms, double slope) {
    Harmonics h;
    double power = 0;
    for (int k = 1; k <= count; ++k) {
        h.amp.push_back(std::pow(k, -slope) * rng.uniform(0.5, 1.5));
        h.phase.push_back(rng.uniform(0, kTwoPi));
        power += h.amp.back() * h.amp.back() / 2;
    }
    for (double& a : h.amp)
        a *= rms / std::sqrt(power);
    return h;
}

struct SpineSpec {
    std::vector<Point> controls;
    double half_width = 1;     ///< degrees
    double start = 1, end = 1; ///< width factors at the two ends of the spine
};

// Catmull-Rom through the controls (end points repeated), u in [0, controls - 1].
Point spine_at(const std::vector<Point>& c, double u) {
    const int n = static_cast<int>(c.size());
    const int i = std::clamp(static_cast<int>(u), 0, n - 2);
    const double s = u - i;
    const Point& p0 = c[static_cast<std::size_t>(std::max(i - 1, 0))];
    const Point& p1 = c[static_cast<std::size_t>(i)];
    const Point& p2 = c[static_cast<std::size_t>(i) + 1];
    const Point& p3 = c[static_cast<std::size_t>(std::min(i + 2, n - 1))];
    const auto blend = [s](double a, double b, double cc, double d) {
        return 0.5 * (2 * b + (-a + cc) * s + (2 * a - 5 * b + 4 * cc - d) * s * s +
                      (-a + 3 * b - 3 * cc + d) * s * s * s);
    };
    return {blend(p0.x, p1.x, p2.x, p3.x), blend(p0.y, p1.y, p2.y, p3.y)};
}

// The coasts move only along the spine's normal, so they never fold while the spine's radius
// of curvature exceeds the half-width; the tips taper to the spine's ends.
Ring spine_island(const SpineSpec& s, Rng& rng, int per_side) {
    const Harmonics bulge = harmonics(rng, 6, 0.22, 0.5);
    const Harmonics left = harmonics(rng, per_side / 8, 0.16, 0.9);
    const Harmonics right = harmonics(rng, per_side / 8, 0.16, 0.9);
    const double span = static_cast<double>(s.controls.size() - 1);
    std::vector<Point> l, r;
    for (int i = 0; i <= per_side; ++i) {
        const double t = static_cast<double>(i) / per_side;
        const Point p = spine_at(s.controls, t * span);
        const Point a = spine_at(s.controls, std::max(0.0, t - 1e-3) * span);
        const Point b = spine_at(s.controls, std::min(1.0, t + 1e-3) * span);
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        const Point normal{-(b.y - a.y) / len, (b.x - a.x) / len};
        const double taper = std::pow(std::max(0.0, 1 - (2 * t - 1) * (2 * t - 1)), 0.35);
        const double w =
            s.half_width * (s.start + (s.end - s.start) * t) * taper * std::exp(bulge.at(0.5 * t));
        const double wl = w * std::exp(left.at(0.5 * t)), wr = w * std::exp(right.at(0.5 * t));
        l.push_back({p.x + wl * normal.x, p.y + wl * normal.y});
        if (i > 0 && i < per_side)
            r.push_back({p.x - wr * normal.x, p.y - wr * normal.y});
    }
    Ring ring = l;
    ring.insert(ring.end(), r.rbegin(), r.rend());
    ring.push_back(ring.front());
    return ring;
}

// Star-shaped around the centre, so simple whatever the noise.
Ring blob_island(Point c, double radius, double elongation, double angle, Rng& rng, int vertices,
                 double roughness) {
    // Steeper than the spine's coasts: a radial spike is long where the coast runs radially.
    const Harmonics edge = harmonics(rng, std::max(3, vertices / 8), roughness, 1.3);
    const double a = radius * std::sqrt(elongation), b = radius / std::sqrt(elongation);
    Ring ring;
    for (int i = 0; i < vertices; ++i) {
        const double t = static_cast<double>(i) / vertices, theta = kTwoPi * t;
        const double phi = theta - angle;
        const double r =
            a * b / std::hypot(b * std::cos(phi), a * std::sin(phi)) * std::exp(edge.at(t));
        ring.push_back({c.x + r * std::cos(theta), c.y + r * std::sin(theta)});
    }
    ring.push_back(ring.front());
    return ring;
}

std::vector<Ring> large_islands(Rng& rng) {
    std::vector<SpineSpec> spines = {
        // Sumatra, Java
        {{{95.2, 5.6},
          {96.8, 4.3},
          {98.6, 2.6},
          {100.2, 0.3},
          {101.8, -1.6},
          {103.5, -3.3},
          {104.9, -4.7},
          {105.6, -5.5}},
         1.7,
         0.55,
         0.95},
        {{{105.6, -6.75},
          {106.8, -6.55},
          {108.5, -6.9},
          {110.5, -7.0},
          {112.5, -7.3},
          {114.5, -8.0}},
         0.75,
         0.9,
         0.9},
        // Sulawesi's four arms
        {{{120.6, -0.9}, {120.9, 0.5}, {122.5, 0.9}, {124.0, 1.0}, {125.1, 1.6}}, 0.35, 1.2, 0.6},
        {{{121.0, -1.2}, {122.2, -0.9}, {123.4, -0.8}}, 0.35, 1.1, 0.8},
        {{{121.2, -2.2}, {121.8, -3.3}, {122.4, -4.3}, {122.9, -5.3}}, 0.5, 1.1, 0.8},
        {{{120.3, -1.3}, {119.8, -2.8}, {119.9, -4.3}, {120.0, -5.6}}, 0.55, 1.0, 0.9},
        // Papua: the body and the neck of the bird's head
        {{{134.0, -2.9}, {136.0, -3.3}, {138.0, -4.0}, {140.0, -5.6}, {142.0, -7.6}},
         2.2,
         0.7,
         1.0},
        {{{133.0, -1.8}, {134.3, -3.0}}, 0.5, 1.0, 1.0},
        // Bangka, Sumbawa, Flores, Timor, Seram
        {{{105.2, -1.6}, {106.0, -2.2}, {106.8, -3.0}}, 0.25, 1.0, 1.0},
        {{{116.8, -8.6}, {117.7, -8.4}, {118.9, -8.6}}, 0.3, 1.0, 1.0},
        {{{119.8, -8.6}, {121.0, -8.75}, {122.9, -8.4}}, 0.28, 1.0, 0.8},
        {{{123.5, -10.3}, {124.8, -9.6}, {126.5, -8.6}}, 0.38, 1.0, 0.9},
        {{{128.2, -3.2}, {129.5, -3.0}, {130.8, -3.4}}, 0.3, 1.0, 1.0},
    };
    std::vector<Ring> out;
    for (const auto& s : spines)
        out.push_back(spine_island(s, rng, 1600));
    struct Blob {
        Point c;
        double r, e, angle;
    };
    const std::vector<Blob> blobs = {
        {{114.0, 0.2}, 3.4, 1.15, 0.3},  {{117.3, 3.4}, 1.3, 1.3, 0.8},   // Kalimantan
        {{120.8, -1.8}, 0.7, 1.0, 0},    {{132.6, -1.3}, 1.0, 1.4, 0},    // Sulawesi, bird's head
        {{113.3, -7.05}, 0.3, 3.2, 0},   {{115.1, -8.4}, 0.33, 1.6, 0},   // Madura, Bali
        {{116.3, -8.6}, 0.3, 1.2, 0},    {{119.9, -9.7}, 0.45, 2.4, 0.2}, // Lombok, Sumba
        {{128.0, 1.0}, 0.55, 1.5, 1.2},  {{126.6, -3.4}, 0.45, 1.3, 0},   // Halmahera, Buru
        {{134.4, -6.2}, 0.55, 1.8, 1.4}, {{131.5, -7.6}, 0.3, 2.0, 1.0},  // Aru, Tanimbar
        {{107.9, -2.9}, 0.33, 1.1, 0},   {{97.5, 1.1}, 0.25, 2.5, -0.7},  // Belitung, Nias
        {{99.2, -1.6}, 0.3, 2.5, -0.8},  {{96.1, 2.6}, 0.2, 2.5, -0.6},   // Siberut, Simeulue
        {{125.5, -1.9}, 0.3, 2.5, 0},    {{132.7, -5.6}, 0.25, 2.5, 1.3}, // Sula, Kei
        {{124.6, -8.3}, 0.2, 2.0, 0},    {{104.5, 1.0}, 0.2, 1.5, 0.5},   // Alor, Bintan
    };
    for (const auto& b : blobs)
        out.push_back(blob_island(b.c, b.r, b.e, b.angle, rng,
                                  std::clamp(static_cast<int>(b.r * 900), 200, 3000), 0.22));
    return out;
}

// Small islands scattered off the coasts of every region, sizes from a power law: many
// islets of a few hundred metres, a few islands of tens of kilometres.
std::vector<Ring> small_islands(Rng& rng, int count) {
    std::vector<Point> anchors;
    for (const Region& r : regions())
        anchors.insert(anchors.end(), r.anchors.begin(), r.anchors.end());
    std::vector<Ring> out;
    for (int i = 0; i < count; ++i) {
        const Point& a =
            anchors[static_cast<std::size_t>(rng.index(static_cast<int>(anchors.size())))];
        const double dist = -1.3 * std::log(1 - rng.uniform()), dir = rng.uniform(0, kTwoPi);
        const Point c{a.x + dist * std::cos(dir), a.y + dist * std::sin(dir)};
        const double r_km = std::min(25.0, 0.4 * std::pow(1 - rng.uniform(), -1 / 1.1));
        const int vertices = std::clamp(static_cast<int>(10 + 4 * r_km), 10, 120);
        out.push_back(blob_island(c, r_km / kKmPerDegree, rng.uniform(1, 2.5),
                                  rng.uniform(0, std::numbers::pi), rng, vertices, 0.25));
    }
    return out;
}

GeosPtr box_polygon(const GeosContext& ctx, const NationalPreset& p) {
    return make_polygon(ctx, {{{p.west, p.south},
                               {p.east, p.south},
                               {p.east, p.north},
                               {p.west, p.north},
                               {p.west, p.south}}});
}

GeosPtr land_union(const GeosContext& ctx, const std::vector<Ring>& shapes,
                   const NationalPreset& p) {
    std::vector<GeosPtr> parts;
    for (const Ring& ring : shapes) {
        GeosPtr g = make_polygon(ctx, {ring});
        if (!GEOSisValid_r(ctx.get(), g.get()))
            g = own(ctx, GEOSMakeValid_r(ctx.get(), g.get()), "a valid island");
        parts.push_back(std::move(g));
    }
    const GeosPtr all = make_collection(ctx, GEOS_GEOMETRYCOLLECTION, std::move(parts));
    const GeosPtr merged = own(ctx, GEOSUnaryUnion_r(ctx.get(), all.get()), "the land");
    const GeosPtr box = box_polygon(ctx, p);
    return own(ctx, GEOSIntersection_r(ctx.get(), merged.get(), box.get()), "the land in the box");
}
} // namespace

std::vector<Island> make_islands(const NationalPreset& p, Rng& rng) {
    std::vector<Ring> shapes = large_islands(rng);
    for (Ring& r : small_islands(rng, 1500))
        shapes.push_back(std::move(r));
    const GeosContext ctx;
    const GeosPtr land = land_union(ctx, shapes, p);
    std::vector<Island> out;
    for (const GEOSGeometry* poly : polygons_of(ctx, land.get())) {
        double area = 0;
        GEOSArea_r(ctx.get(), poly, &area);
        if (area <= 0)
            continue;
        Island island;
        island.rings = rings_of(ctx, poly);
        island.inside = point_inside(ctx, poly);
        island.region = region_of(island.inside);
        island.area_km2 =
            area * kKmPerDegree * kKmPerDegree * std::cos(island.inside.y * std::numbers::pi / 180);
        out.push_back(std::move(island));
    }
    if (out.empty())
        throw Error("synth: the national preset made no land");
    return out;
}

} // namespace riskmap::synth::national
