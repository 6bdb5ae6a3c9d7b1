#include "kernels/normalised_convolution.hpp"

#include <cmath>
#include <limits>

namespace riskmap::kernels {

Layer<float> normalised_convolution(const Layer<float>& window, int dy, int dx, int core_width,
                                    int core_height, const KernelSum& sum, bool non_negative) {
    Layer<float> values(window.width(), window.height()), certain(window.width(), window.height());
    for (std::size_t i = 0; i < window.size(); ++i) {
        const bool ok = !std::isnan(window[i]);
        values[i] = ok ? window[i] : 0.0f;
        certain[i] = ok ? 1.0f : 0.0f;
    }
    const Layer<float> num = sum(values, non_negative);
    const Layer<float> den = sum(certain, true);
    Layer<float> out(core_width, core_height);
    for (int r = 0; r < core_height; ++r)
        for (int c = 0; c < core_width; ++c)
            out(r, c) = certain(r + dy, c + dx) > 0 ? num(r, c) / den(r, c)
                                                    : std::numeric_limits<float>::quiet_NaN();
    return out;
}

} // namespace riskmap::kernels
