#pragma once
/// \file
/// Spatially adaptive bandwidth (Tiwari & Rushton 2005, "Using spatially adaptive filters to
/// map late stage colorectal cancer incidence in Iowa"): per pixel, the smallest bandwidth of a
/// ladder whose kernel-weighted denominator reaches a minimum. Peak-normalised kernel sums
/// never shrink as the bandwidth grows, so walking the ladder upwards and settling each pixel
/// at the first rung that reaches the minimum gives exactly that choice; a pixel that never
/// reaches it keeps the largest rung.

#include "core/layer.hpp"

#include <span>

namespace riskmap::kernels {

/// One rung, applied in ascending bandwidth order: pixels whose denominator has not reached
/// `min_denominator` take this rung's sums and bandwidth.
void adaptive_step(LayerView<const float> numerator_h, LayerView<const float> denominator_h,
                   float bandwidth_m, float min_denominator, LayerView<float> numerator,
                   LayerView<float> denominator, LayerView<float> bandwidth);

/// The same rung for several kernel sums at once; `sums_h[decider]` is the denominator whose
/// minimum settles a pixel, and every sum of an unsettled pixel is taken from this rung.
void adaptive_step(std::span<const LayerView<const float>> sums_h, std::size_t decider,
                   float bandwidth_m, float min_denominator, std::span<const LayerView<float>> sums,
                   LayerView<float> bandwidth);

} // namespace riskmap::kernels
