#pragma once
/// \file
/// Q(a, x) = P(X > x) for X ~ Gamma(a, 1), the Poisson exceedance, through Boost.Math with its
/// far lower tail answered directly. Boost 1.74's gamma_q throws an overflow error (from
/// tgamma) when x is tiny against the shape, e.g. gamma_q(1000, 1e-9), where the answer is 1
/// to double precision. From the series of P (Abramowitz & Stegun 6.5.29),
/// P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1)...(a + n)) <= x^a / Gamma(a + 1),
/// so once that bound is below e^-40 (4e-18, under half an ulp of 1) Q(a, x) rounds to 1.

#include <boost/math/special_functions/gamma.hpp>

#include <cmath>

namespace riskmap::kernels {

template <class Policy> double gamma_upper_tail(double a, double x, const Policy& policy) {
    if (a * std::log(x) - boost::math::lgamma(a + 1, policy) < -40)
        return 1.0;
    return boost::math::gamma_q(a, x, policy);
}

} // namespace riskmap::kernels
