#include "sched/smooth.hpp"

#include "kernels/gaussian_fast.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/tiled_smooth.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <utility>

namespace riskmap::sched {

kernels::GaussianRows gaussian_rows_for(const Grid& grid, double bandwidth_m) {
    kernels::GaussianRows rows;
    rows.sigma_x_px.resize(grid.height);
    rows.sigma_y_px.resize(grid.height);
    for (int r = 0; r < grid.height; ++r) {
        rows.sigma_x_px[r] = bandwidth_m / grid.pixel_width_m(r);
        rows.sigma_y_px[r] = bandwidth_m / grid.pixel_height_m(r);
    }
    return rows;
}

Layer<float> gaussian_sum_exact(const Layer<float>& in, const kernels::GaussianRows& params) {
    Layer<float> vertical(in.width(), in.height());
    Layer<float> out(in.width(), in.height());
    for_row_blocks(in.height(), [&](int begin, int end) {
        kernels::gaussian_vertical(in.view(), vertical.view(), params, begin, end);
    });
    for_row_blocks(in.height(), [&](int begin, int end) {
        kernels::gaussian_horizontal(std::as_const(vertical).view(), out.view(), params, begin,
                                     end);
    });
    return out;
}

Layer<float> gaussian_sum_fast(const Layer<float>& in, const kernels::GaussianRows& params) {
    const kernels::FastGaussianPlan plan = kernels::plan_fast_gaussian(params);
    // Deriche's fit undershoots exp(-x^2/2) by up to 5.2e-4 of the peak in the far tail, so a
    // sum of counts can come out at -1e-8 where it should be 0; counts and rates must stay
    // non-negative, as with the exact kernel, so non-negative inputs get non-negative sums.
    std::atomic<bool> negative{false};
    // The horizontal pass runs in place on the vertical pass's output: one layer allocated,
    // left unwritten (the vertical pass writes every pixel, on every thread).
    Layer<float> out(in.width(), in.height(), Uninitialised{});
    // The column recursion needs whole columns, so the vertical pass splits columns between
    // threads; each column's bytes are the same for any split.
    for_chunks(in.width(), kernels::kFastColumnChunk, [&](int begin, int end) {
        if (kernels::gaussian_fast_vertical(in.view(), out.view(), plan, begin, end))
            negative = true;
    });
    for_chunks(in.height(), kernels::kFastRowChunk, [&](int begin, int end) {
        kernels::gaussian_fast_horizontal(std::as_const(out).view(), out.view(), plan, begin, end,
                                          !negative);
    });
    return out;
}

Layer<float> gaussian_sum(const Layer<float>& in, const kernels::GaussianRows& params) {
    return prefers_fast_gaussian(params) ? gaussian_sum_fast(in, params)
                                         : gaussian_sum_exact(in, params);
}

} // namespace riskmap::sched
