#include "kernels/adaptive.hpp"

namespace riskmap::kernels {

void adaptive_step(LayerView<const float> numerator_h, LayerView<const float> denominator_h,
                   float bandwidth_m, float min_denominator, LayerView<float> numerator,
                   LayerView<float> denominator, LayerView<float> bandwidth) {
    for (int r = 0; r < numerator.height; ++r) {
        for (int c = 0; c < numerator.width; ++c) {
            if (denominator(r, c) >= min_denominator && bandwidth(r, c) > 0)
                continue; // settled at a smaller bandwidth
            numerator(r, c) = numerator_h(r, c);
            denominator(r, c) = denominator_h(r, c);
            bandwidth(r, c) = bandwidth_m;
        }
    }
}

} // namespace riskmap::kernels
