// Village seeds: one per village, their density following population^0.6 (Java's villages are
// small and crowded, Papua's vast and sparse, as in the registry), kept apart by a spacing
// that scales with the local density so no cell is a sliver.

#include "synth/national.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace riskmap::synth::national {

namespace {
constexpr double kExponent = 0.6;
constexpr double kSpacing = 0.45;      // of the mean distance between seeds at that density
constexpr double kUrbanDensity = 1500; // persons per km2: a kelurahan rather than a desa
constexpr double kForcedSeedKm2 = 30;  // at scale 1, an island this large gets its own village
constexpr double kSearchCell = 0.05;   // degrees

double intensity(const Geography& g, Point at) {
    return std::pow(g.density(at.x, at.y), kExponent);
}

bool spaced(const std::vector<Seed>& seeds, const BucketGrid& cells, Point at, double spacing) {
    thread_local std::vector<int> near;
    near.clear();
    cells.collect(at.x - spacing, at.y - spacing, at.x + spacing, at.y + spacing, near);
    for (int k : near) {
        const Point& o = seeds[static_cast<std::size_t>(k)].at;
        if ((o.x - at.x) * (o.x - at.x) + (o.y - at.y) * (o.y - at.y) < spacing * spacing)
            return false;
    }
    return true;
}

// Integral of the intensity over land (degrees^2), by Monte Carlo: sets the spacing.
double land_integral(const NationalPreset& p, const LandIndex& land, const Geography& g, Rng& rng) {
    constexpr int kDraws = 200000;
    double sum = 0;
    for (int i = 0; i < kDraws; ++i) {
        const Point at{rng.uniform(p.west, p.east), rng.uniform(p.south, p.north)};
        if (land.island_at(at.x, at.y) >= 0)
            sum += intensity(g, at);
    }
    return sum / kDraws * (p.east - p.west) * (p.north - p.south);
}

double intensity_bound(const Geography& g) {
    double peak = 0;
    for (const City& c : g.cities)
        peak = std::max(peak, c.peak);
    const double rural = g.fields.max(Lattice::kRural);
    return std::pow(rural + 2 * peak, kExponent);
}
} // namespace

std::vector<Seed> place_seeds(const NationalPreset& p, const std::vector<Island>& islands,
                              const LandIndex& land, const Geography& g, Rng& rng) {
    const double integral = land_integral(p, land, g, rng);
    const double bound = intensity_bound(g);
    std::vector<Seed> seeds;
    BucketGrid cells(detail::Extent{p.west, p.south, p.east, p.north}, kSearchCell);
    const long long max_attempts = 20000LL * p.villages;
    for (long long a = 0; a < max_attempts && static_cast<int>(seeds.size()) < p.villages; ++a) {
        const Point at{rng.uniform(p.west, p.east), rng.uniform(p.south, p.north)};
        const double v = intensity(g, at);
        if (rng.uniform() * bound >= v)
            continue;
        const int island = land.island_at(at.x, at.y);
        const double spacing = kSpacing / std::sqrt(p.villages * v / integral);
        if (island < 0 || !spaced(seeds, cells, at, spacing))
            continue;
        cells.add(static_cast<int>(seeds.size()), at.x, at.y);
        seeds.push_back({at, island, g.density(at.x, at.y) > kUrbanDensity});
    }
    std::vector<char> has_seed(islands.size(), 0);
    for (const Seed& s : seeds)
        has_seed[static_cast<std::size_t>(s.island)] = 1;
    for (std::size_t i = 0; i < islands.size(); ++i)
        if (!has_seed[i] && islands[i].area_km2 * p.scale * p.scale >= kForcedSeedKm2)
            seeds.push_back({islands[i].inside, static_cast<int>(i), false});
    return seeds;
}

VillageLocator::VillageLocator(const std::vector<Seed>& seeds, const std::vector<Island>& islands)
    : seeds_(seeds), attached_(islands.size(), -1) {
    double xmin = 1e300, ymin = 1e300, xmax = -1e300, ymax = -1e300;
    for (const Island& island : islands)
        for (const Point& q : island.rings.front()) {
            xmin = std::min(xmin, q.x);
            ymin = std::min(ymin, q.y);
            xmax = std::max(xmax, q.x);
            ymax = std::max(ymax, q.y);
        }
    cells_ = BucketGrid(detail::Extent{xmin, ymin, xmax, ymax}, cell_);
    std::vector<char> has_seed(islands.size(), 0);
    for (std::size_t k = 0; k < seeds.size(); ++k) {
        cells_.add(static_cast<int>(k), seeds[k].at.x, seeds[k].at.y);
        has_seed[static_cast<std::size_t>(seeds[k].island)] = 1;
    }
    std::vector<int> near;
    for (std::size_t i = 0; i < islands.size(); ++i)
        if (!has_seed[i]) {
            const Point at = islands[i].inside;
            candidates(-1, at.x, at.y, at.x, at.y, near);
            attached_[i] = nearest(at.x, at.y, near);
        }
}

// Exact: the bound comes from the farthest point of the box to the best seed found near it,
// and every seed that could beat it at some point of the box is kept. island -1: any island.
void VillageLocator::candidates(int island, double x0, double y0, double x1, double y1,
                                std::vector<int>& out) const {
    out.clear();
    if (island >= 0 && attached_[static_cast<std::size_t>(island)] >= 0)
        return;
    const auto mine = [&](int k) {
        return island < 0 || seeds_[static_cast<std::size_t>(k)].island == island;
    };
    std::vector<int>& found = out;
    for (double margin = 0; found.empty(); margin = std::max(cell_, 2 * margin)) {
        if (margin > 360)
            throw Error("synth: no village seed found for island " + std::to_string(island));
        cells_.collect(x0 - margin, y0 - margin, x1 + margin, y1 + margin, found);
        std::erase_if(found, [&](int k) { return !mine(k); });
    }
    double best_far = std::numeric_limits<double>::infinity();
    for (int k : found) {
        const Point& s = seeds_[static_cast<std::size_t>(k)].at;
        const double fx = std::max(std::abs(s.x - x0), std::abs(s.x - x1));
        const double fy = std::max(std::abs(s.y - y0), std::abs(s.y - y1));
        best_far = std::min(best_far, fx * fx + fy * fy);
    }
    const double reach = std::sqrt(best_far) * (1 + 1e-9) + 1e-12;
    out.clear();
    cells_.collect(x0 - reach, y0 - reach, x1 + reach, y1 + reach, out);
    std::erase_if(out, [&](int k) {
        const Point& s = seeds_[static_cast<std::size_t>(k)].at;
        const double nx = std::max({0.0, x0 - s.x, s.x - x1});
        const double ny = std::max({0.0, y0 - s.y, s.y - y1});
        return !mine(k) || nx * nx + ny * ny > best_far;
    });
    std::sort(out.begin(), out.end());
}

int VillageLocator::nearest(double x, double y, const std::vector<int>& candidates) const {
    int best = -1;
    double best_d2 = std::numeric_limits<double>::infinity();
    for (int k : candidates) {
        const Point& s = seeds_[static_cast<std::size_t>(k)].at;
        const double d2 = (s.x - x) * (s.x - x) + (s.y - y) * (s.y - y);
        if (d2 < best_d2) {
            best_d2 = d2;
            best = k;
        }
    }
    return best;
}

int VillageLocator::village_at(double x, double y, int island) const {
    const int fixed = attached_[static_cast<std::size_t>(island)];
    if (fixed >= 0)
        return fixed;
    thread_local std::vector<int> near;
    candidates(island, x, y, x, y, near);
    return nearest(x, y, near);
}

} // namespace riskmap::synth::national
