#pragma once
/// \file
/// The neighbourhood of each area as a relative rate: a Gaussian kernel over the areas'
/// representative points, leaving the area itself out (its own counts enter its posterior once,
/// through the likelihood), with one pseudo-event at the global rate so that a neighbourhood
/// without data reads as average. The integrated prior may centre each area's rate on
/// m s_i^beta (kernels/hyperprior.hpp): spatial borrowing whose strength beta the data weigh.

#include <span>
#include <vector>

namespace riskmap::kernels {

/// s_i = (sum_j K_ij y_j + 1) / (m (sum_j K_ij n_j) + 1) over areas j != i with use[j], K a
/// Gaussian of sigma `bandwidth_m` truncated at 4 sigma, m the global rate. Coordinates in
/// metres. Areas with use[i] == 0 get 1.
std::vector<double> local_relative_rates(std::span<const double> x, std::span<const double> y,
                                         std::span<const double> events,
                                         std::span<const double> exposure,
                                         std::span<const char> use, double bandwidth_m);

} // namespace riskmap::kernels
