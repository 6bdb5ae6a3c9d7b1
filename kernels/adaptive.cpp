#include "kernels/adaptive.hpp"

#include <array>

namespace riskmap::kernels {

void adaptive_step(std::span<const LayerView<const float>> sums_h, std::size_t decider,
                   float bandwidth_m, float min_denominator, std::span<const LayerView<float>> sums,
                   LayerView<float> bandwidth) {
    const LayerView<float>& denominator = sums[decider];
    for (int r = 0; r < bandwidth.height; ++r) {
        for (int c = 0; c < bandwidth.width; ++c) {
            if (denominator(r, c) >= min_denominator && bandwidth(r, c) > 0)
                continue; // settled at a smaller bandwidth
            for (std::size_t k = 0; k < sums.size(); ++k)
                sums[k](r, c) = sums_h[k](r, c);
            bandwidth(r, c) = bandwidth_m;
        }
    }
}

void adaptive_step(LayerView<const float> numerator_h, LayerView<const float> denominator_h,
                   float bandwidth_m, float min_denominator, LayerView<float> numerator,
                   LayerView<float> denominator, LayerView<float> bandwidth) {
    const std::array<LayerView<const float>, 2> from{numerator_h, denominator_h};
    const std::array<LayerView<float>, 2> to{numerator, denominator};
    adaptive_step(from, 1, bandwidth_m, min_denominator, to, bandwidth);
}

} // namespace riskmap::kernels
