#pragma once
/// \file
/// Gaussian sums tile by tile, the same bytes whatever the tile size or thread count.
///
/// The recursive kernel (kernels/gaussian_fast.hpp) makes every output depend on a whole
/// row or column. Here each pass restarts on the block lattice of sched/tiles.hpp: the
/// vertical pass for the rows of block row b runs over rows [b B - halo, (b + 1) B + halo) only
/// (zero outside), and the horizontal pass likewise per block column. Each output then depends
/// on fixed grid pixels, wherever the tile boundaries fall. The cost is the halo rows swept
/// twice per block; the error added is the kernel mass beyond the halo, which is
/// truncate * sigma (4 sigma: 6.3e-5 of the total on both sides), the truncation the exact
/// kernel makes by design. The exact kernel (used below 4 px, see smooth.hpp) is local with
/// radius <= halo and so gives the whole-grid bytes on any tile.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "kernels/gaussian.hpp"
#include "kernels/gaussian_fast.hpp"
#include "sched/tiles.hpp"

namespace riskmap::sched {

class TiledGaussian {
public:
    TiledGaussian(const kernels::GaussianRows& params, int grid_width);
    /// Pixels of context a tile needs on each side.
    int halo() const { return halo_; }
    /// Sums on `core`, from `window` holding the grid pixels of `window_rect` (which covers
    /// `core` grown by halo(), clipped to the grid). Sums of non-negative inputs are clamped at
    /// 0 (the recursive fit undershoots by up to 5e-4 of the peak in the far tail) when
    /// `non_negative` is set; the caller decides it once for the whole grid.
    Layer<float> sum(LayerView<const float> window, const Rect& window_rect, const Rect& core,
                     bool non_negative) const;

private:
    Layer<float> vertical(LayerView<const float> window, const Rect& window_rect,
                          const Rect& core) const;
    Layer<float> horizontal(const Layer<float>& columns, const Rect& window_rect,
                            const Rect& core) const;

    kernels::GaussianRows params_;
    kernels::FastGaussianPlan plan_;
    bool fast_ = false;
    int halo_ = 0;
    int width_ = 0;
};

/// Whether the whole-grid scheduler (smooth.hpp) would pick the recursive kernel.
bool prefers_fast_gaussian(const kernels::GaussianRows& params);

} // namespace riskmap::sched
