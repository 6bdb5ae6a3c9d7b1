#pragma once
/// \file
/// What pixel_posterior.cpp and gamma_interval.cpp share: the Boost policies and the interval's
/// levels, and the Gamma posterior's interval read from a table.

#include "kernels/empirical_bayes.hpp"

#include <boost/math/policies/policy.hpp>

#include <array>

namespace riskmap::kernels::pixel_detail {

// 32 significant bits instead of 53: float maps hold 24 (tests/kernels/test_empirical_bayes.cpp).
using Fast = boost::math::policies::policy<boost::math::policies::promote_double<false>,
                                           boost::math::policies::digits2<32>>;
using Full = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

constexpr std::array<double, 2> kLevels{0.025, 0.975};

/// The 95 % interval of a Gamma(shape, rate) posterior into out.lower and out.upper.
void gamma_interval(double shape, double rate, Posterior& out);

} // namespace riskmap::kernels::pixel_detail
