#pragma once
/// \file
/// Gaussian kernel sums for kernel rate smoothing (DESIGN.md section 3).
///
/// The kernel is K(dx, dy) = exp(-(dx^2 + dy^2) / (2 h^2)) with dx, dy in metres measured in the
/// tangent plane of the *output* pixel, truncated at 4 h. Weights are peak-normalised (K(0) = 1),
/// so the sums are effective counts; a rate is the ratio of two sums and needs no separate
/// normalisation, which also makes it a normalised convolution: pixels outside the grid or with
/// no data contribute nothing to either sum.
///
/// Because the metre scale of both axes is taken at the output row, the kernel factorises
/// exactly into a vertical pass followed by a horizontal pass whose taps depend on the output
/// row only; on geographic grids the horizontal pixel size shrinks with cos(latitude) and the
/// taps follow it row by row.

#include "core/layer.hpp"

#include <vector>

namespace riskmap::kernels {

/// Kernel widths in pixels for each output row.
struct GaussianRows {
    std::vector<double> sigma_x_px; ///< bandwidth / pixel width (m) of the row
    std::vector<double> sigma_y_px; ///< bandwidth / pixel height (m) of the row
    double truncate = 4.0;          ///< taps beyond truncate * sigma are zero
};

/// Widest tap radius in pixels over all rows: the halo a tile needs on each side.
int halo(const GaussianRows& params);

/// Peak-normalised taps exp(-k^2 / (2 sigma^2)) for k = -radius..radius.
std::vector<float> gaussian_taps(double sigma_px, double truncate);

/// Vertical pass for output rows [row_begin, row_end): out(r, c) = sum_k g_r(k) in(r + k, c).
void gaussian_vertical(LayerView<const float> in, LayerView<float> out, const GaussianRows& params,
                       int row_begin, int row_end);

/// Horizontal pass for rows [row_begin, row_end): out(r, c) = sum_k g_r(k) in(r, c + k).
void gaussian_horizontal(LayerView<const float> in, LayerView<float> out,
                         const GaussianRows& params, int row_begin, int row_end);

/// Direct 2-D sum, O(radius^2) per pixel, double precision: the reference the fast passes are
/// tested against.
void gaussian_reference(LayerView<const float> in, LayerView<double> out,
                        const GaussianRows& params);

} // namespace riskmap::kernels
