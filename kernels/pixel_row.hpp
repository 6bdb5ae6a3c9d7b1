#pragma once
/// \file
/// One row of the pixel maps' posteriors (DESIGN.md section 3, "Pixel uncertainty"): which
/// pixels are estimated, their effective counts, the posteriors of the row side by side, and
/// the values each map receives. Pure: the stage (pipelines/indicator_pixels.cpp) only points
/// it at a tile's rows.

#include "kernels/pixel_uncertainty.hpp"

#include <cstdint>
#include <vector>

namespace riskmap::kernels {

/// One row of kernel sums (kernels::PixelSums, as the tiled Gaussian writes them: float).
struct PixelSumsRow {
    const float* events = nullptr;
    const float* exposure = nullptr;
    const float* exposure_w2 = nullptr;
    const float* rate2 = nullptr;
    const float* village_share = nullptr;
    PixelSums at(int c) const;
};

/// Where one row's values go. A pixel that is not estimated keeps what it held.
struct PixelMapsRow {
    float* rate = nullptr;  ///< the kernel rate sum w y / sum w n
    float* mean = nullptr;  ///< posterior mean
    float* lower = nullptr; ///< 95 % interval
    float* upper = nullptr;
    float* exceed = nullptr;      ///< P(rate > target)
    float* excess = nullptr;      ///< E[(rate - target)+]
    float* information = nullptr; ///< Kish's effective exposure
};

struct PixelRowModel {
    PixelUncertainty uncertainty;
    bool predictive = true; ///< false: the kernel sums themselves (spdep's plug-in convention)
    double target = 0;
    double min_denominator = 0; ///< less exposure than this: not estimated
};

/// Buffers one thread reuses from row to row.
struct PixelRowScratch {
    std::vector<double> events, exposure;
    std::vector<int> columns;
    std::vector<Posterior> posteriors;
};

/// Estimates pixels 0 .. width - 1 of the row: those with mapped[c] != 0 and an exposure
/// above 0 and at least model.min_denominator. Their posteriors are computed together
/// (pixel_posteriors runs neighbours side by side); each gets the value it would alone.
/// Returns how many pixels were estimated.
int pixel_posterior_row(const PixelSumsRow& sums, const std::uint8_t* mapped, int width,
                        const PixelRowModel& model, const PixelMapsRow& out,
                        PixelRowScratch& scratch);

} // namespace riskmap::kernels
