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
                        std::vector<std::int64_t>(village_count, 0)};
    for (int r = 0; r < village_of_pixel.height; ++r) {
        for (int c = 0; c < village_of_pixel.width; ++c) {
            const std::int32_t v = village_of_pixel(r, c);
            if (v == kNoVillage)
                continue;
            fp.population[v] += usable_population(population(r, c));
            fp.pixels[v] += 1;
        }
    }
    return fp;
}

double disaggregate(LayerView<const std::int32_t> village_of_pixel,
                    LayerView<const float> population, const VillageFootprint& footprint,
                    std::span<const double> counts, std::span<const std::int64_t> point_pixel,
                    LayerView<double> out, WindowOrigin origin) {
    for (int r = 0; r < village_of_pixel.height; ++r) {
        for (int c = 0; c < village_of_pixel.width; ++c) {
            const std::int32_t v = village_of_pixel(r, c);
            if (v != kNoVillage && counts[v] != 0)
                out(r, c) += counts[v] * share_of(footprint, v, population(r, c));
        }
    }
    const std::int64_t grid_width = origin.grid_width > 0 ? origin.grid_width : out.width;
    double unplaced = 0;
    for (std::size_t v = 0; v < counts.size(); ++v) {
        if (footprint.pixels[v] > 0 || counts[v] == 0)
            continue;
        if (point_pixel[v] < 0) {
            unplaced += counts[v];
            continue;
        }
        const auto row = static_cast<int>(point_pixel[v] / grid_width) - origin.y0;
        const auto col = static_cast<int>(point_pixel[v] % grid_width) - origin.x0;
        if (row >= 0 && row < out.height && col >= 0 && col < out.width)
            out(row, col) += counts[v];
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
