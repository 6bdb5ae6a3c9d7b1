#include "sched/tiled_smooth.hpp"

#include "sched/parallel_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace riskmap::sched {

namespace {
int fast_halo(const kernels::GaussianRows& p) {
    double widest = 0;
    for (const auto* sigmas : {&p.sigma_x_px, &p.sigma_y_px})
        for (double s : *sigmas)
            widest = std::max(widest, s);
    return static_cast<int>(std::ceil(p.truncate * widest));
}

kernels::GaussianRows slice_rows(const kernels::GaussianRows& p, int r0, int r1) {
    kernels::GaussianRows out;
    out.truncate = p.truncate;
    out.sigma_x_px.assign(p.sigma_x_px.begin() + r0, p.sigma_x_px.begin() + r1);
    out.sigma_y_px.assign(p.sigma_y_px.begin() + r0, p.sigma_y_px.begin() + r1);
    return out;
}

/// The plan restricted to grid rows [r0, r1): buckets keep their global filter.
kernels::FastGaussianPlan slice_plan(const kernels::FastGaussianPlan& plan, int r0, int r1) {
    kernels::FastGaussianPlan out;
    out.height = r1 - r0;
    out.rows_x.assign(plan.rows_x.begin() + r0, plan.rows_x.begin() + r1);
    out.weight_y.assign(plan.weight_y.begin() + r0, plan.weight_y.begin() + r1);
    for (const auto& b : plan.buckets_y) {
        const int begin = std::max(b.row_begin, r0), end = std::min(b.row_end, r1);
        if (begin < end)
            out.buckets_y.push_back({begin - r0, end - r0, b.filter});
    }
    return out;
}

/// Block lattice intervals [first, last] of the blocks meeting [begin, end).
std::pair<int, int> blocks_of(int begin, int end) {
    return {begin / kBlock, (end - 1) / kBlock};
}
} // namespace

bool prefers_fast_gaussian(const kernels::GaussianRows& params) {
    // The recursive kernel runs at 320-590 Mpx/s whatever sigma (float sweeps, 2026-11-24); the
    // exact one at 149, 101, 39, 15 Mpx/s for sigma = 2, 5, 20, 67 px (1000 x 1000, 2-core
    // 2.6 GHz VM, one thread per core, benchmarks/bench_kernels.cpp). Below 4 px the exact
    // kernel stays: it is exact, and local (no block-lattice restarts in the tile engine);
    // moving the threshold down would change small-bandwidth maps by up to 3.5e-4 of the max.
    constexpr double kFastFromSigmaPx = 4.0;
    double smallest = INFINITY;
    for (const auto* sigmas : {&params.sigma_x_px, &params.sigma_y_px})
        for (double s : *sigmas)
            if (s > 0)
                smallest = std::min(smallest, s);
    return smallest >= kFastFromSigmaPx && std::isfinite(smallest) &&
           kernels::fast_gaussian_accurate(params);
}

TiledGaussian::TiledGaussian(const kernels::GaussianRows& params, int grid_width)
    : params_(params), fast_(prefers_fast_gaussian(params)), width_(grid_width) {
    if (fast_) {
        plan_ = kernels::plan_fast_gaussian(params_);
        halo_ = fast_halo(params_);
    } else {
        halo_ = kernels::halo(params_);
    }
}

Layer<float> TiledGaussian::vertical(LayerView<const float> window, const Rect& w,
                                     const Rect& core) const {
    const int height = static_cast<int>(params_.sigma_y_px.size());
    // Buffers below are left unwritten: every pixel later read is written first.
    Layer<float> columns(w.width, core.height, Uninitialised{});
    const auto [first, last] = blocks_of(core.y0, core.y1());
    for (int b = first; b <= last; ++b) {
        const int out0 = std::max(core.y0, b * kBlock),
                  out1 = std::min(core.y1(), (b + 1) * kBlock);
        const int in0 = std::max(0, b * kBlock - halo_),
                  in1 = std::min(height, (b + 1) * kBlock + halo_);
        const LayerView<const float> in{window.row(in0 - w.y0), w.width, in1 - in0, window.stride};
        Layer<float> scratch(w.width, in1 - in0, Uninitialised{});
        if (fast_) {
            const auto plan = slice_plan(plan_, in0, in1);
            for_chunks(w.width, kernels::kFastColumnChunk, [&](int c0, int c1) {
                kernels::gaussian_fast_vertical(in, scratch.view(), plan, c0, c1);
            });
        } else {
            const auto rows = slice_rows(params_, in0, in1);
            for_row_blocks(out1 - out0, [&](int r0, int r1) {
                kernels::gaussian_vertical(in, scratch.view(), rows, out0 - in0 + r0,
                                           out0 - in0 + r1);
            });
        }
        for (int r = out0; r < out1; ++r)
            std::memcpy(columns.view().row(r - core.y0), scratch.view().row(r - in0),
                        sizeof(float) * static_cast<std::size_t>(w.width));
    }
    return columns;
}

Layer<float> TiledGaussian::horizontal(const Layer<float>& columns, const Rect& w,
                                       const Rect& core) const {
    Layer<float> out(core.width, core.height, Uninitialised{});
    const auto plan = fast_ ? slice_plan(plan_, core.y0, core.y1()) : kernels::FastGaussianPlan{};
    const auto rows = slice_rows(params_, core.y0, core.y1());
    const auto [first, last] = blocks_of(core.x0, core.x1());
    for (int b = first; b <= last; ++b) {
        const int out0 = std::max(core.x0, b * kBlock),
                  out1 = std::min(core.x1(), (b + 1) * kBlock);
        const int in0 = std::max(0, b * kBlock - halo_),
                  in1 = std::min(width_, (b + 1) * kBlock + halo_);
        const LayerView<const float> in{columns.data() + (in0 - w.x0), in1 - in0, core.height,
                                        columns.width()};
        Layer<float> scratch(in1 - in0, core.height, Uninitialised{});
        if (fast_)
            for_chunks(core.height, kernels::kFastRowChunk, [&](int r0, int r1) {
                kernels::gaussian_fast_horizontal(in, scratch.view(), plan, r0, r1);
            });
        else
            for_row_blocks(core.height, [&](int r0, int r1) {
                kernels::gaussian_horizontal(in, scratch.view(), rows, r0, r1);
            });
        for (int r = 0; r < core.height; ++r)
            std::memcpy(out.view().row(r) + (out0 - core.x0), scratch.view().row(r) + (out0 - in0),
                        sizeof(float) * static_cast<std::size_t>(out1 - out0));
    }
    return out;
}

Layer<float> TiledGaussian::sum(LayerView<const float> window, const Rect& window_rect,
                                const Rect& core, bool non_negative) const {
    Layer<float> out = horizontal(vertical(window, window_rect, core), window_rect, core);
    if (non_negative && fast_)
        for (float& v : out.values())
            v = std::max(v, 0.0f);
    return out;
}

} // namespace riskmap::sched
