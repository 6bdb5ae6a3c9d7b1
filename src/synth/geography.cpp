// Where people live and how healthy they are: smooth fields on a 0.05 degree lattice (regional
// levels blended between island groups, wild interiors without people), and cities as
// Gaussian bumps with sizes from Zipf's law. Pixels add a hashed noise on top.

#include "sched/parallel_rows.hpp"
#include "synth/national.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace riskmap::synth::national {

namespace {
constexpr double kLatticeStep = 0.1; // degrees, about 11 km
constexpr double kCityReach = 4;     // sigmas; the bump is 3e-4 of its peak there
constexpr int kCities = 400;

double logistic(double v) {
    return 1 / (1 + std::exp(-v));
}

double logit(double p) {
    return std::log(p / (1 - p));
}

std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/// Region traits blended with Gaussian weights of the distance to their anchors, so levels
/// change smoothly across straits rather than jumping at a line.
struct RegionBlend {
    std::vector<double> weights;
    explicit RegionBlend(Point p) {
        double total = 0;
        for (const Region& r : regions()) {
            double w = 0;
            for (const Point& a : r.anchors) {
                const double d2 = (a.x - p.x) * (a.x - p.x) + (a.y - p.y) * (a.y - p.y);
                w += std::exp(-d2 / (2 * 1.2 * 1.2));
            }
            weights.push_back(w + 1e-12);
            total += w + 1e-12;
        }
        for (double& w : weights)
            w /= total;
    }
    template <typename F> double mean(F trait) const {
        double v = 0;
        for (std::size_t r = 0; r < weights.size(); ++r)
            v += weights[r] * trait(regions()[r]);
        return v;
    }
};

struct Fields {
    detail::SmoothField rural, wild, sanitation, stunting, maternal;
};

Fields random_fields(const NationalPreset& p, Rng& rng) {
    const detail::Extent box{p.west, p.south, p.east, p.north};
    Fields f;
    f.rural = detail::random_field(rng, box, 60, 30, 0.8);
    f.wild = detail::random_field(rng, box, 80, 30, 0.6);
    f.sanitation = detail::random_field(rng, box, 50, 20, 1.0);
    f.stunting = detail::random_field(rng, box, 50, 20, 1.2);
    f.maternal = detail::random_field(rng, box, 50, 20, 1.2);
    return f;
}

Lattice empty_lattice(const NationalPreset& p) {
    Lattice l;
    l.x0 = p.west;
    l.y0 = p.south;
    l.step = kLatticeStep;
    l.nx = static_cast<int>(std::lround((p.east - p.west) / kLatticeStep)) + 1;
    l.ny = static_cast<int>(std::lround((p.north - p.south) / kLatticeStep)) + 1;
    l.v.assign(static_cast<std::size_t>(l.nx) * static_cast<std::size_t>(l.ny) * Lattice::kChannels,
               0.0F);
    return l;
}

// Field values are divided by their bound (|field| <= 1), so 3 * field spans a few standard
// deviations; the wild share sets the threshold above which land is forest.
void fill_lattices(const NationalPreset& p, const Fields& f, Geography& g) {
    g.fields = empty_lattice(p);
    Lattice& shape = g.fields;
    sched::for_row_blocks(shape.ny, [&](int begin, int end) {
        for (int j = begin; j < end; ++j) {
            for (int i = 0; i < shape.nx; ++i) {
                const Point at{shape.x0 + i * shape.step, shape.y0 + j * shape.step};
                const RegionBlend blend(at);
                float* node =
                    &shape
                         .v[(static_cast<std::size_t>(j) * shape.nx + static_cast<std::size_t>(i)) *
                            Lattice::kChannels];
                const double wild_share = blend.mean([](const Region& r) { return r.wild_share; });
                const double wild =
                    logistic((3 * f.wild.at(at.x, at.y) + 1.2 * (2 * wild_share - 1)) / 0.15);
                const double base =
                    blend.mean([](const Region& r) { return std::log(r.rural_density); });
                node[Lattice::kRural] =
                    static_cast<float>(std::exp(base + 2.4 * f.rural.at(at.x, at.y)) * (1 - wild));
                const double san =
                    blend.mean([](const Region& r) { return logit(r.no_sanitation); }) +
                    3 * f.sanitation.at(at.x, at.y) + 0.6 * wild;
                node[Lattice::kSanitation] = static_cast<float>(san);
                const double stunt = blend.mean([](const Region& r) { return logit(r.stunting); }) +
                                     1.5 * f.stunting.at(at.x, at.y) + 0.5 * (logistic(san) - 0.3);
                node[Lattice::kStunting] = static_cast<float>(logistic(stunt));
                const double maternal = blend.mean([](const Region& r) {
                    return std::log(r.maternal);
                }) + 1.5 * f.maternal.at(at.x, at.y);
                node[Lattice::kMaternal] = static_cast<float>(std::exp(maternal));
            }
        }
    });
}

// City sites follow the rural density; the largest cities go to the densest sites, with
// enough noise that a provincial capital can grow in a sparse region too.
void place_cities(const NationalPreset& p, const LandIndex& land, Rng& rng, Geography& g) {
    struct Site {
        Point at;
        double key;
    };
    std::vector<Site> sites;
    const double top = g.fields.max(Lattice::kRural);
    for (int attempt = 0; attempt < 10000000 && static_cast<int>(sites.size()) < kCities;
         ++attempt) {
        const Point at{rng.uniform(p.west, p.east), rng.uniform(p.south, p.north)};
        const double rural = g.fields.at(at.x, at.y, Lattice::kRural);
        if (rng.uniform() * top < rural && land.island_at(at.x, at.y) >= 0)
            sites.push_back({at, std::log(rural + 1) + 1.5 * rng.normal()});
    }
    std::stable_sort(sites.begin(), sites.end(),
                     [](const Site& a, const Site& b) { return a.key > b.key; });
    g.city_cells = BucketGrid(detail::Extent{p.west, p.south, p.east, p.north}, 0.25);
    for (std::size_t k = 0; k < sites.size(); ++k) {
        const double people = 12e6 / static_cast<double>(k + 1);
        const double peak = std::clamp(4000 * std::pow(people / 1e5, 0.25), 2000.0, 20000.0);
        const double sigma_km = std::sqrt(people / (2 * std::numbers::pi * peak));
        City c{sites[k].at, sigma_km / 111.195, peak};
        g.city_cells.add(static_cast<int>(k), c.at.x, c.at.y, kCityReach * c.sigma);
        g.cities.push_back(c);
    }
}
} // namespace

Lattice::Weights Lattice::weights(double x, double y) const {
    const double fx = std::clamp((x - x0) / step, 0.0, nx - 1.000001);
    const double fy = std::clamp((y - y0) / step, 0.0, ny - 1.000001);
    const int i = static_cast<int>(fx), j = static_cast<int>(fy);
    return {static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
                static_cast<std::size_t>(i),
            fx - i, fy - j};
}

double Lattice::value(const Weights& at, Channel channel) const {
    const std::size_t sw = at.node * kChannels + channel;
    const std::size_t nw = sw + static_cast<std::size_t>(nx) * kChannels;
    const double south = v[sw] + at.u * (v[sw + kChannels] - v[sw]);
    const double north = v[nw] + at.u * (v[nw + kChannels] - v[nw]);
    return south + at.w * (north - south);
}

double Lattice::max(Channel channel) const {
    double top = -HUGE_VAL;
    for (std::size_t k = channel; k < v.size(); k += kChannels)
        top = std::max(top, static_cast<double>(v[k]));
    return top;
}

void Geography::cities_near(double x0, double y0, double x1, double y1,
                            std::vector<int>& out) const {
    out.clear();
    city_cells.collect(x0, y0, x1, y1, out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    // Keep those whose reach really meets the box: the test then skips far cities cheaply.
    std::erase_if(out, [&](int k) {
        const City& c = cities[static_cast<std::size_t>(k)];
        const double dx = std::max({0.0, x0 - c.at.x, c.at.x - x1});
        const double dy = std::max({0.0, y0 - c.at.y, c.at.y - y1});
        return dx * dx + dy * dy > kCityReach * kCityReach * c.sigma * c.sigma;
    });
}

double Geography::city_density(double x, double y, const std::vector<int>& near) const {
    double v = 0;
    for (int k : near) {
        const City& c = cities[static_cast<std::size_t>(k)];
        const double d2 = (x - c.at.x) * (x - c.at.x) + (y - c.at.y) * (y - c.at.y);
        if (d2 < kCityReach * kCityReach * c.sigma * c.sigma)
            v += c.peak * std::exp(-d2 / (2 * c.sigma * c.sigma));
    }
    return v;
}

double Geography::density(double x, double y) const {
    thread_local std::vector<int> near;
    cities_near(x, y, x, y, near);
    return fields.at(x, y, Lattice::kRural) + city_density(x, y, near);
}

// Irwin-Hall sum of four 16-bit uniforms: close enough to normal for texture, and a tenth of
// the cost of Box-Muller at a billion pixels. exp(0.4 z) has mean exp(0.08).
double pixel_noise(std::uint64_t key, std::uint64_t index) {
    const std::uint64_t h = splitmix(key ^ splitmix(index));
    double sum = 0;
    for (int k = 0; k < 4; ++k)
        sum += static_cast<double>((h >> (16 * k)) & 0xFFFF) / 65536.0;
    return std::exp(0.4 * (sum - 2) * std::sqrt(3.0) - 0.08);
}

Geography make_geography(const NationalPreset& p, const LandIndex& land, Rng& rng) {
    Geography g;
    const Fields f = random_fields(p, rng);
    fill_lattices(p, f, g);
    place_cities(p, land, rng, g);
    g.noise_key = rng.bits();
    return g;
}

} // namespace riskmap::synth::national
