#include "synth/internal.hpp"

#include "core/error.hpp"
#include "io/shapes.hpp"
#include "sched/parallel_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace riskmap::synth::detail {

namespace {
constexpr int kBlock = 32; // label pixels per block side when searching the nearest seed
// A tiny village spans [kTinyNear, kTinyFar] metres right of and below its pixel's top-left
// corner: 12 m wide, inside the 30 m pixel and clear of the pixel centre at 15 m.
constexpr double kTinyNear = 17, kTinyFar = 29;

using Point = io::XY;

// The label grid is twice as fine as the analysis grid and shifted by a quarter of an analysis
// pixel, so every analysis pixel centre is a label pixel centre: rasterizing the villages
// never meets a pixel centre lying exactly on a border.
Grid label_grid(const Preset& p) {
    Grid g;
    g.width = 2 * p.width + 1;
    g.height = 2 * p.height + 1;
    const double half = p.pixel_m / 2;
    g.geotransform = {p.x0 - half / 2, half, 0, p.y0 + half / 2, 0, -half};
    g.crs_wkt = preset_grid(p).crs_wkt;
    return g;
}

bool spaced(const std::vector<Point>& seeds, const Point& s, double spacing) {
    for (const auto& o : seeds)
        if ((o.x - s.x) * (o.x - s.x) + (o.y - s.y) * (o.y - s.y) < spacing * spacing)
            return false;
    return true;
}

// The same test, looking only at the seeds filed in the cells around s.
bool spaced(const std::vector<Point>& seeds, const BucketGrid& cells, const Point& s,
            double spacing) {
    std::vector<int> near;
    cells.collect(s.x - spacing, s.y - spacing, s.x + spacing, s.y + spacing, near);
    for (int k : near) {
        const Point& o = seeds[static_cast<std::size_t>(k)];
        if ((o.x - s.x) * (o.x - s.x) + (o.y - s.y) * (o.y - s.y) < spacing * spacing)
            return false;
    }
    return true;
}

// Seed density follows population^0.8: towns get more, smaller villages, yet a village in a
// town still holds more people than a rural one, as in real registries.
std::vector<Point> place_seeds(const Preset& p, const Landscape& l, const Layer<float>& pop,
                               Rng& rng) {
    const Grid g = preset_grid(p);
    std::vector<double> cumulative(pop.size());
    double total = 0;
    for (std::size_t i = 0; i < pop.size(); ++i) {
        total += std::isnan(pop[i]) || pop[i] <= 0 ? 0.0 : std::pow(pop[i], 0.8);
        cumulative[i] = total;
    }
    std::vector<Point> seeds;
    BucketGrid cells(l.extent, p.village_spacing_m);
    for (int attempt = 0;
         attempt < 1000 * p.villages && static_cast<int>(seeds.size()) < p.villages; ++attempt) {
        const double u = rng.uniform() * total;
        const auto i = static_cast<std::size_t>(
            std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
        const int r = static_cast<int>(i / static_cast<std::size_t>(g.width));
        const int c = static_cast<int>(i % static_cast<std::size_t>(g.width));
        Point s;
        s.x = g.geotransform[0] + (c + rng.uniform()) * p.pixel_m;
        s.y = g.geotransform[3] - (r + rng.uniform()) * p.pixel_m;
        if (i < pop.size() && !l.water(s.x, s.y) && spaced(seeds, cells, s, p.village_spacing_m)) {
            cells.add(static_cast<int>(seeds.size()), s.x, s.y);
            seeds.push_back(s);
        }
    }
    return seeds;
}

Point warped(const Landscape& l, double amplitude, double x, double y) {
    return {x + amplitude * l.warp_x.at(x, y), y + amplitude * l.warp_y.at(x, y)};
}

// Seeds that can be nearest to some point of the box [lo, hi]: those no farther from it than
// the best worst-case distance. Exact, and cuts the comparisons to a handful per block. The
// bound comes from the seeds of the cells nearest the box; a bound from a subset is looser,
// which only adds seeds that are farther than the bounding one from every point of the box.
std::vector<int> candidate_seeds(const std::vector<Point>& seeds, const BucketGrid& cells,
                                 double cell, const Point& lo, const Point& hi) {
    std::vector<int> found;
    for (double margin = 0; found.empty() && !seeds.empty(); margin = std::max(cell, 2 * margin))
        cells.collect(lo.x - margin, lo.y - margin, hi.x + margin, hi.y + margin, found);
    double best_far = std::numeric_limits<double>::infinity();
    for (int k : found) {
        const Point& s = seeds[static_cast<std::size_t>(k)];
        const double fx = std::max(std::abs(s.x - lo.x), std::abs(s.x - hi.x));
        const double fy = std::max(std::abs(s.y - lo.y), std::abs(s.y - hi.y));
        best_far = std::min(best_far, fx * fx + fy * fy);
    }
    const double reach = std::sqrt(best_far) + 1;
    found.clear();
    cells.collect(lo.x - reach, lo.y - reach, hi.x + reach, hi.y + reach, found);
    std::sort(found.begin(), found.end()); // ties go to the lower index, as seeds are scanned
    std::vector<int> near;
    for (int k : found) {
        const Point& s = seeds[static_cast<std::size_t>(k)];
        const double nx = std::max({0.0, lo.x - s.x, s.x - hi.x});
        const double ny = std::max({0.0, lo.y - s.y, s.y - hi.y});
        if (nx * nx + ny * ny <= best_far)
            near.push_back(k);
    }
    return near;
}

// Nearest seed in warped space for one block of label pixels; ties go to the lower index.
void label_block(const Landscape& l, double amplitude, const Grid& g,
                 const std::vector<Point>& seeds, const BucketGrid& cells, double cell, int r0,
                 int c0, Layer<std::int32_t>& labels) {
    const int r1 = std::min(g.height, r0 + kBlock), c1 = std::min(g.width, c0 + kBlock);
    std::vector<Point> pts;
    Point lo{1e300, 1e300}, hi{-1e300, -1e300};
    for (int r = r0; r < r1; ++r)
        for (int c = c0; c < c1; ++c) {
            const Point q = warped(l, amplitude, g.x_of(c), g.y_of(r));
            lo = {std::min(lo.x, q.x), std::min(lo.y, q.y)};
            hi = {std::max(hi.x, q.x), std::max(hi.y, q.y)};
            pts.push_back(q);
        }
    const std::vector<int> near = candidate_seeds(seeds, cells, cell, lo, hi);
    std::size_t i = 0;
    for (int r = r0; r < r1; ++r)
        for (int c = c0; c < c1; ++c, ++i) {
            if (l.water(g.x_of(c), g.y_of(r)))
                continue;
            double best = std::numeric_limits<double>::infinity();
            for (int k : near) {
                const double dx = pts[i].x - seeds[k].x, dy = pts[i].y - seeds[k].y;
                if (dx * dx + dy * dy < best) {
                    best = dx * dx + dy * dy;
                    labels(r, c) = k + 1;
                }
            }
        }
}

Layer<std::int32_t> label_pixels(const Preset& p, const Landscape& l, const Grid& g,
                                 const std::vector<Point>& seeds) {
    // Cells about one seed wide: a block's candidates come from a few of them.
    const double cell = std::sqrt(l.extent.width() * l.extent.height() /
                                  static_cast<double>(std::max<std::size_t>(1, seeds.size())));
    BucketGrid cells(l.extent, cell);
    std::vector<Point> warped_seeds;
    for (const auto& s : seeds) {
        warped_seeds.push_back(warped(l, p.warp_amplitude_m, s.x, s.y));
        cells.add(static_cast<int>(warped_seeds.size() - 1), warped_seeds.back().x,
                  warped_seeds.back().y);
    }
    Layer<std::int32_t> labels(g.width, g.height, 0);
    const int block_rows = (g.height + kBlock - 1) / kBlock;
    const int block_cols = (g.width + kBlock - 1) / kBlock;
    // Each pixel's label depends on nothing else, so any schedule gives the same labels.
    sched::for_each_index(block_rows * block_cols, [&](int b) {
        label_block(l, p.warp_amplitude_m, g, warped_seeds, cells, cell, (b / block_cols) * kBlock,
                    (b % block_cols) * kBlock, labels);
    });
    return labels;
}

// A village polygon fit to write: not empty, and valid (made so when it is not).
io::Shape valid(io::Shape geom) {
    if (io::is_empty(geom))
        throw Error("synth: a village polygon came out empty");
    if (io::is_valid(geom))
        return geom;
    auto fixed = io::polygonal_parts(io::made_valid(geom));
    if (io::is_empty(fixed) || !io::is_valid(fixed))
        throw Error("synth: a village polygon cannot be made valid");
    return fixed;
}

// The square holds no pixel centre, so only its representative point ties it to the grid.
io::Shape tiny_square(double left, double top) {
    return io::polygon_shape({{{left + kTinyNear, top - kTinyNear},
                               {left + kTinyFar, top - kTinyNear},
                               {left + kTinyFar, top - kTinyFar},
                               {left + kTinyNear, top - kTinyFar},
                               {left + kTinyNear, top - kTinyNear}}});
}

// The one village whose label covers all four label pixels under the square, or 0. The label
// grid is offset by a quarter pixel, so the square spans label rows/columns 2i+1 and 2i+2.
std::int32_t host_label(const Layer<std::int32_t>& labels, int col, int row) {
    const std::int32_t v = labels(2 * row + 1, 2 * col + 1);
    for (int dr = 1; dr <= 2; ++dr)
        for (int dc = 1; dc <= 2; ++dc)
            if (labels(2 * row + dr, 2 * col + dc) != v)
                return 0;
    return v;
}

void add_tiny_villages(const Preset& p, const Landscape& l, const Layer<std::int32_t>& labels,
                       VillageSet& set, Rng& rng) {
    const Bump& town = l.towns.front();
    std::vector<Point> placed;
    for (int attempt = 0; attempt < 10000 && static_cast<int>(placed.size()) < p.tiny_villages;
         ++attempt) {
        const double radius = 0.5 * town.sigma * std::sqrt(rng.uniform());
        const double angle = rng.uniform(0, 2 * std::numbers::pi);
        const int col =
            static_cast<int>(std::floor((town.x + radius * std::cos(angle) - p.x0) / p.pixel_m));
        const int row =
            static_cast<int>(std::floor((p.y0 - town.y - radius * std::sin(angle)) / p.pixel_m));
        if (col < 0 || row < 0 || col >= p.width || row >= p.height)
            continue;
        const std::int32_t host = host_label(labels, col, row);
        const double mid = 0.5 * (kTinyNear + kTinyFar);
        const Point centre{p.x0 + col * p.pixel_m + mid, p.y0 - row * p.pixel_m - mid};
        if (host <= 0 || !spaced(placed, centre, 3 * p.pixel_m))
            continue;
        auto square = tiny_square(p.x0 + col * p.pixel_m, p.y0 - row * p.pixel_m);
        Village& parent = set.villages[static_cast<std::size_t>(host - 1)];
        parent.geometry = valid(io::polygonal_parts(io::difference(parent.geometry, square)));
        Village tiny;
        tiny.x = centre.x;
        tiny.y = centre.y;
        tiny.tiny = true;
        tiny.parent = host - 1;
        tiny.geometry = io::polygonal_parts(std::move(square));
        set.villages.push_back(std::move(tiny));
        placed.push_back(centre);
    }
}
} // namespace

VillageSet make_village_shapes(const Preset& p, const Landscape& l, const Layer<float>& population,
                               Rng& rng) {
    const std::vector<Point> seeds = place_seeds(p, l, population, rng);
    const Grid g = label_grid(p);
    Layer<std::int32_t> labels = label_pixels(p, l, g, seeds);
    // One polygon per 4-connected run of a label; a village cut by the river has several.
    auto polygons = io::polygonize_labels(g, labels, seeds.size());
    VillageSet set;
    // A seed whose cell is all water gets no polygon; its label is cleared so that labels and
    // village indices stay in step.
    std::vector<std::int32_t> renumber(seeds.size() + 1, 0);
    for (std::size_t k = 0; k < seeds.size(); ++k) {
        if (!polygons[k])
            continue;
        Village v;
        v.x = seeds[k].x;
        v.y = seeds[k].y;
        v.geometry = valid(std::move(polygons[k]));
        set.villages.push_back(std::move(v));
        renumber[k + 1] = static_cast<std::int32_t>(set.villages.size());
    }
    for (auto& label : labels.values())
        label = renumber[static_cast<std::size_t>(label)];
    add_tiny_villages(p, l, labels, set, rng);
    return set;
}

} // namespace riskmap::synth::detail
