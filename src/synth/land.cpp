// The national grid, its regions, and the land/sea rule every raster and seed shares.

#include "synth/national.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/shapes.hpp"

#include <algorithm>
#include <cmath>

namespace riskmap::synth::national {

NationalPreset national_preset(double scale) {
    const double ppd = 1200 * scale;
    const int whole = static_cast<int>(std::lround(ppd));
    if (!(scale > 0) || std::abs(ppd - whole) > 1e-9 || whole % 3 != 0 || whole > 1200)
        throw UsageError("synth: the value of '--scale' must make 1200 x scale a whole multiple "
                         "of 3 up to 1200 (e.g. 0.05, 0.1, 0.25, 1), not " +
                         format_double(scale));
    NationalPreset p;
    p.scale = scale;
    p.pixels_per_degree = whole;
    // Counts shrink with the number of pixels; each level keeps a few members per parent.
    const double s2 = scale * scale;
    const int regions_count = static_cast<int>(regions().size());
    p.provinces = std::max(regions_count, static_cast<int>(std::lround(38 * s2)));
    p.regencies = std::max(2 * p.provinces, static_cast<int>(std::lround(514 * s2)));
    p.kecamatan = std::max(2 * p.regencies, static_cast<int>(std::lround(7200 * s2)));
    p.villages = std::max(3 * p.kecamatan, static_cast<int>(std::lround(84000 * s2)));
    return p;
}

Grid national_grid(const NationalPreset& p, int factor) {
    const int ppd = p.pixels_per_degree / factor;
    Grid g;
    g.width = static_cast<int>(std::lround((p.east - p.west) * ppd));
    g.height = static_cast<int>(std::lround((p.north - p.south) * ppd));
    g.geotransform = {p.west, 1.0 / ppd, 0, p.north, 0, -1.0 / ppd};
    g.crs_wkt = io::epsg_wkt(4326);
    g.geographic = true;
    return g;
}

// Traits from the national health and census surveys, rounded: Java dense and better served,
// the east sparse, with more stunting and maternal deaths. The anchors follow the spines and
// centres of the large islands in islands.cpp; keep the two lists together.
const std::vector<Region>& regions() {
    static const std::vector<Region> all = {
        {"Sumatera",
         11,
         110,
         0.30,
         0.25,
         0.22,
         0.0020,
         {{95.2, 5.6},
          {96.8, 4.3},
          {98.6, 2.6},
          {100.2, 0.3},
          {101.8, -1.6},
          {103.5, -3.3},
          {104.9, -4.7},
          {105.6, -5.5},
          {106.0, -2.2},
          {107.9, -2.9},
          {104.5, 1.0}}},
        {"Jawa",
         31,
         800,
         0.08,
         0.15,
         0.20,
         0.0017,
         {{105.6, -6.75},
          {106.8, -6.55},
          {108.5, -6.9},
          {110.5, -7.0},
          {112.5, -7.3},
          {114.5, -8.0},
          {113.3, -7.05}}},
        {"Nusa Tenggara",
         51,
         220,
         0.20,
         0.35,
         0.33,
         0.0025,
         {{115.1, -8.4},
          {116.3, -8.6},
          {117.7, -8.4},
          {121.0, -8.75},
          {119.9, -9.7},
          {124.8, -9.6},
          {124.6, -8.3}}},
        {"Kalimantan",
         61,
         25,
         0.50,
         0.30,
         0.24,
         0.0022,
         {{114.0, 0.2}, {111.0, 0.0}, {116.0, -2.0}, {117.3, 3.4}, {112.0, -2.5}, {110.0, 1.5}}},
        {"Sulawesi",
         71,
         90,
         0.35,
         0.28,
         0.26,
         0.0022,
         {{120.8, -1.8},
          {120.9, 0.5},
          {122.5, 0.9},
          {124.0, 1.0},
          {122.2, -0.9},
          {121.8, -3.3},
          {122.9, -5.3},
          {119.8, -2.8},
          {120.0, -5.6}}},
        {"Maluku",
         81,
         40,
         0.45,
         0.35,
         0.27,
         0.0030,
         {{128.0, 1.0},
          {129.5, -3.0},
          {126.6, -3.4},
          {134.4, -6.2},
          {131.5, -7.6},
          {125.5, -1.9},
          {132.7, -5.6}}},
        {"Papua",
         91,
         9,
         0.60,
         0.55,
         0.30,
         0.0040,
         {{134.0, -2.9},
          {136.0, -3.3},
          {138.0, -4.0},
          {140.0, -5.6},
          {132.6, -1.3},
          {133.6, -2.4}}},
    };
    return all;
}

int region_of(Point p) {
    int best = 0;
    double best_d2 = HUGE_VAL;
    const auto& all = regions();
    for (std::size_t r = 0; r < all.size(); ++r)
        for (const Point& a : all[r].anchors) {
            const double d2 = (a.x - p.x) * (a.x - p.x) + (a.y - p.y) * (a.y - p.y);
            if (d2 < best_d2) {
                best_d2 = d2;
                best = static_cast<int>(r);
            }
        }
    return best;
}

LandIndex::LandIndex(const std::vector<Island>& islands, const NationalPreset& p)
    : north_(p.north), band_(1.0 / 240) {
    bands_.resize(static_cast<std::size_t>(std::ceil((p.north - p.south) / band_)) + 1);
    const auto band_of = [&](double y) {
        return std::clamp(static_cast<int>((north_ - y) / band_), 0,
                          static_cast<int>(bands_.size()) - 1);
    };
    for (std::size_t i = 0; i < islands.size(); ++i)
        for (const Ring& ring : islands[i].rings)
            for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
                const Edge e{ring[k].x, ring[k].y, ring[k + 1].x, ring[k + 1].y,
                             static_cast<int>(i)};
                if (e.y1 == e.y2)
                    continue; // never crossed under the half-open rule below
                for (int b = band_of(std::max(e.y1, e.y2)); b <= band_of(std::min(e.y1, e.y2)); ++b)
                    bands_[static_cast<std::size_t>(b)].push_back(e);
            }
}

// Half-open in y (an edge holds its lower end, not its upper one), so a line through a vertex
// counts it once; the crossing's x comes from the edge as stored, the same for every caller.
void LandIndex::crossings(double y, std::vector<Crossing>& out) const {
    out.clear();
    const double b = (north_ - y) / band_;
    if (!(b >= 0) || b >= static_cast<double>(bands_.size()))
        return;
    for (const Edge& e : bands_[static_cast<std::size_t>(b)])
        if ((e.y1 > y) != (e.y2 > y))
            out.push_back({e.x1 + (y - e.y1) * (e.x2 - e.x1) / (e.y2 - e.y1), e.island});
    std::sort(out.begin(), out.end(), [](const Crossing& a, const Crossing& c) {
        return a.x != c.x ? a.x < c.x : a.island < c.island;
    });
    if (out.size() % 2 != 0)
        throw Error("synth: a coast is not closed at latitude " + format_double(y));
}

int LandIndex::island_at(double x, double y) const {
    thread_local std::vector<Crossing> cross;
    crossings(y, cross);
    std::size_t n = 0;
    while (n < cross.size() && cross[n].x <= x)
        ++n;
    return n % 2 == 1 ? cross[n - 1].island : -1;
}

void row_spans(const LandIndex& land, const Grid& grid, int row, std::vector<Crossing>& scratch,
               std::vector<Span>& out) {
    out.clear();
    land.crossings(grid.y_of(row), scratch);
    // First column whose centre lies at or east of x, by the same x_of the tests use.
    const auto first_at_or_after = [&](double x) {
        int c =
            static_cast<int>(std::ceil((x - grid.geotransform[0]) / grid.geotransform[1] - 0.5));
        c = std::clamp(c, 0, grid.width);
        while (c > 0 && grid.x_of(c - 1) >= x)
            --c;
        while (c < grid.width && grid.x_of(c) < x)
            ++c;
        return c;
    };
    for (std::size_t k = 0; k + 1 < scratch.size(); k += 2) {
        const int first = first_at_or_after(scratch[k].x);
        const int last = first_at_or_after(scratch[k + 1].x);
        if (first < last)
            out.push_back({first, last, scratch[k].island});
    }
}

} // namespace riskmap::synth::national
