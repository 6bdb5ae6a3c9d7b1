#include "kernels/disaggregate.hpp"

#include <cmath>

namespace riskmap::kernels {

namespace {
double usable_population(float p) {
    return std::isfinite(p) && p > 0 ? p : 0.0;
}

double share_of(const VillageFootprint& fp, std::int32_t v, float pop) {
    if (fp.population[v] > 0)
        return usable_population(pop) / fp.population[v];
    return 1.0 / static_cast<double>(fp.pixels[v]);
}
} // namespace

VillageFootprint village_footprint(LayerView<const std::int32_t> village_of_pixel,
                                   LayerView<const float> population, std::size_t village_count) {
    VillageFootprint fp{std::vector<double>(village_count, 0.0),
                        std::vector<std::int64_t>(village_count, 0),
                        std::vector<std::int64_t>(village_count, -1)};
    for (int r = 0; r < village_of_pixel.height; ++r) {
        for (int c = 0; c < village_of_pixel.width; ++c) {
            const std::int32_t v = village_of_pixel(r, c);
            if (v == kNoVillage)
                continue;
            fp.population[v] += usable_population(population(r, c));
            fp.pixels[v] += 1;
            fp.last_pixel[v] = static_cast<std::int64_t>(r) * village_of_pixel.width + c;
        }
    }
    return fp;
}

double disaggregate(LayerView<const std::int32_t> village_of_pixel,
                    LayerView<const float> population, const VillageFootprint& footprint,
                    std::span<const double> counts, std::span<const std::int64_t> point_pixel,
                    LayerView<double> out) {
    std::vector<double> placed(counts.size(), 0.0);
    for (int r = 0; r < village_of_pixel.height; ++r) {
        for (int c = 0; c < village_of_pixel.width; ++c) {
            const std::int32_t v = village_of_pixel(r, c);
            if (v == kNoVillage || counts[v] == 0)
                continue;
            const double value = counts[v] * share_of(footprint, v, population(r, c));
            out(r, c) += value;
            placed[v] += value;
        }
    }
    double unplaced = 0;
    const int width = out.width;
    for (std::size_t v = 0; v < counts.size(); ++v) {
        if (footprint.pixels[v] > 0) {
            // Shares sum to 1 only up to rounding; the last pixel takes the residue so the
            // village total is conserved to the last bit of the summation.
            const std::int64_t last = footprint.last_pixel[v];
            out(static_cast<int>(last / width), static_cast<int>(last % width)) +=
                counts[v] - placed[v];
        } else if (point_pixel[v] >= 0) {
            const std::int64_t p = point_pixel[v];
            out(static_cast<int>(p / width), static_cast<int>(p % width)) += counts[v];
        } else {
            unplaced += counts[v];
        }
    }
    return unplaced;
}

ZonalSums zonal_weighted_sums(LayerView<const std::int32_t> village_of_pixel,
                              LayerView<const float> value, LayerView<const float> weight,
                              std::size_t village_count) {
    ZonalSums sums{std::vector<double>(village_count, 0.0),
                   std::vector<double>(village_count, 0.0)};
    for (int r = 0; r < village_of_pixel.height; ++r) {
        for (int c = 0; c < village_of_pixel.width; ++c) {
            const std::int32_t v = village_of_pixel(r, c);
            const float x = value(r, c);
            if (v == kNoVillage || !std::isfinite(x))
                continue;
            const double w = usable_population(weight(r, c));
            sums.weighted_value[v] += w * x;
            sums.weight[v] += w;
        }
    }
    return sums;
}

} // namespace riskmap::kernels
