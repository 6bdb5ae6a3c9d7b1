#include "kernels/gaussian.hpp"

#include <algorithm>
#include <cmath>

namespace riskmap::kernels {

namespace {
int radius_of(double sigma_px, double truncate) {
    return sigma_px > 0 ? static_cast<int>(std::ceil(truncate * sigma_px)) : 0;
}
} // namespace

int halo(const GaussianRows& params) {
    int widest = 0;
    for (double s : params.sigma_x_px)
        widest = std::max(widest, radius_of(s, params.truncate));
    for (double s : params.sigma_y_px)
        widest = std::max(widest, radius_of(s, params.truncate));
    return widest;
}

std::vector<float> gaussian_taps(double sigma_px, double truncate) {
    const int radius = radius_of(sigma_px, truncate);
    std::vector<float> taps(2 * static_cast<std::size_t>(radius) + 1, 1.0f);
    for (int k = -radius; k <= radius && radius > 0; ++k)
        taps[k + radius] = static_cast<float>(std::exp(-0.5 * k * k / (sigma_px * sigma_px)));
    return taps;
}

void gaussian_vertical(LayerView<const float> in, LayerView<float> out, const GaussianRows& params,
                       int row_begin, int row_end) {
    std::vector<float> taps;
    double taps_sigma = -1;
    for (int r = row_begin; r < row_end; ++r) {
        if (params.sigma_y_px[r] != taps_sigma) {
            taps_sigma = params.sigma_y_px[r];
            taps = gaussian_taps(taps_sigma, params.truncate);
        }
        const int radius = static_cast<int>(taps.size() / 2);
        float* acc = out.row(r);
        std::fill(acc, acc + out.width, 0.0f);
        const int k_lo = std::max(-radius, -r);
        const int k_hi = std::min(radius, in.height - 1 - r);
        // Row-at-a-time accumulation keeps the inner loop contiguous so it vectorises; the
        // order of additions per pixel (k ascending) is fixed, so results never depend on
        // how rows are split between threads.
        for (int k = k_lo; k <= k_hi; ++k) {
            const float w = taps[k + radius];
            const float* src = in.row(r + k);
            for (int c = 0; c < in.width; ++c)
                acc[c] += w * src[c];
        }
    }
}

void gaussian_horizontal(LayerView<const float> in, LayerView<float> out,
                         const GaussianRows& params, int row_begin, int row_end) {
    std::vector<float> taps;
    double taps_sigma = -1;
    const int width = in.width;
    for (int r = row_begin; r < row_end; ++r) {
        if (params.sigma_x_px[r] != taps_sigma) {
            taps_sigma = params.sigma_x_px[r];
            taps = gaussian_taps(taps_sigma, params.truncate);
        }
        const int radius = static_cast<int>(taps.size() / 2);
        const float* src = in.row(r);
        float* acc = out.row(r);
        std::fill(acc, acc + width, 0.0f);
        for (int k = -radius; k <= radius; ++k) {
            const float w = taps[k + radius];
            const int c_lo = std::max(0, -k);
            const int c_hi = std::min(width, width - k);
            for (int c = c_lo; c < c_hi; ++c)
                acc[c] += w * src[c + k];
        }
    }
}

void gaussian_reference(LayerView<const float> in, LayerView<double> out,
                        const GaussianRows& params) {
    for (int r0 = 0; r0 < in.height; ++r0) {
        const double sx = params.sigma_x_px[r0];
        const double sy = params.sigma_y_px[r0];
        const int rx = radius_of(sx, params.truncate);
        const int ry = radius_of(sy, params.truncate);
        for (int c0 = 0; c0 < in.width; ++c0) {
            double sum = 0;
            for (int r = std::max(0, r0 - ry); r <= std::min(in.height - 1, r0 + ry); ++r) {
                for (int c = std::max(0, c0 - rx); c <= std::min(in.width - 1, c0 + rx); ++c) {
                    const double dx = (c - c0) / sx;
                    const double dy = (r - r0) / sy;
                    sum += std::exp(-0.5 * (dx * dx + dy * dy)) * in(r, c);
                }
            }
            out(r0, c0) = sum;
        }
    }
}

} // namespace riskmap::kernels
