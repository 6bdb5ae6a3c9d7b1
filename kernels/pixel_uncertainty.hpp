#pragma once
/// \file
/// Pixel intervals with a predictive variance (DESIGN.md section 3, "Pixel uncertainty").
///
/// The kernel rate r(x) = sum w y / sum w n measures the true rate theta(x) with two errors:
/// sampling (variance v / N_kish, N_kish = (sum w n)^2 / sum w^2 n, v = theta or theta(1 -
/// theta)) and the deviation of theta(x) from the kernel-weighted mean of the villages around
/// it. The deviation's variance is the local between-village variance tau^2 — a moment
/// estimate over the kernel's villages, shrunk toward the global kappa^2 theta^2 in proportion
/// to its precision — plus a stated sub-village term that village counts cannot see: the rate
/// varies inside a village by a share of what it varies between villages (variation at a
/// smaller scale, in proportion: s^2 tau^2), and by at least a floor CV (cv theta)^2.
/// r(x) then enters the conjugate update as an observation with that total variance:
/// effective exposure N* = 1 / (1 / N_kish + V_dev / v) and events Y* = r N*, so the posterior
/// is Gamma(alpha + Y*, beta + N*) or Beta(alpha + Y*, beta + N* - Y*): the prior's where
/// there are no data, r(x) plus or minus the deviation where data abound.

#include "kernels/empirical_bayes.hpp"

namespace riskmap::kernels {

/// Kernel sums at one pixel (peak-normalised Gaussian weights w).
struct PixelSums {
    double events = 0;        ///< sum w y
    double exposure = 0;      ///< sum w n
    double exposure_w2 = 0;   ///< sum w^2 n
    double rate2 = 0;         ///< sum w n r_v^2, r_v the crude rate of the pixel's village
    double village_share = 0; ///< sum w s, s the pixel's share of its village's exposure
};

struct PixelUncertainty {
    Prior prior;                     ///< the area prior (moments of the integrated mixture)
    double global_cv2 = 0;           ///< E[kappa^2]
    double subvillage_share2 = 0.25; ///< stated: (sub-village sd / between-village sd)^2
    double subvillage_cv2 = 0.0025;  ///< stated floor: (sub-village CV)^2
    double local_prior_areas = 10;
};

/// Effective events and exposure for the conjugate update.
struct Effective {
    double events = 0;
    double exposure = 0;
};

/// Kish's effective exposure (sum w n)^2 / sum w^2 n: the sampling information at the pixel.
double kish_exposure(const PixelSums& s);

/// Y* and N* of the file comment; (0, 0) without exposure.
Effective effective_counts(const PixelSums& s, const PixelUncertainty& u);

/// The local between-village variance of rates under the kernel, shrunk toward the global
/// one (exposed for tests); `theta` is the stabilised local rate.
double local_between_variance(const PixelSums& s, const PixelUncertainty& u, double theta);

} // namespace riskmap::kernels
