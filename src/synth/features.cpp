#include "synth/internal.hpp"

#include <algorithm>
#include <cmath>

namespace riskmap::synth::detail {

double River::centre(double along, double* slope_out) const {
    double c = base + slope * (along - mid);
    double dc = slope;
    for (const auto& w : meander) {
        c += w.at(along, 0);
        dc += w.amp * w.kx * std::cos(w.kx * along + w.phase);
    }
    *slope_out = dc;
    return c;
}

double River::offset(double x, double y) const {
    double s = 0;
    return transposed ? x - centre(y, &s) : y - centre(x, &s);
}

double River::distance(double x, double y) const {
    const double along = transposed ? y : x, across = transposed ? x : y;
    double s = 0;
    const double c = centre(along, &s);
    return std::abs(across - c) / std::sqrt(1 + s * s);
}

// Most of the map is far from any river: the straight-course test spares them the trigonometry
// and, `reach` being a bound, changes no answer.
bool River::water(double x, double y) const {
    const double along = transposed ? y : x, across = transposed ? x : y;
    if (std::abs(across - base - slope * (along - mid)) > reach)
        return false;
    const double half = 0.5 * (mean_width_m + width.at(along, 0));
    return distance(x, y) < half;
}

// The ellipse lies within the circle of its semi-major axis; 1 m spares rounding doubts.
bool Lake::contains(double px, double py) const {
    const double dx = px - x, dy = py - y;
    if (dx * dx + dy * dy > (a + 1) * (a + 1))
        return false;
    const double c = std::cos(angle), s = std::sin(angle);
    const double u = (c * dx + s * dy) / a, v = (-s * dx + c * dy) / b;
    return u * u + v * v <= 1;
}

double Forest::depth(double px, double py) const {
    const double r = radius * (1 + 0.2 * edge.at(px, py));
    return r - std::hypot(px - x, py - y);
}

bool Landscape::water(double x, double y) const {
    for (const auto& lake : lakes)
        if (lake.contains(x, y))
            return true;
    for (const auto& river : rivers)
        if (river.water(x, y) && (river.side == 0 || river.side * rivers.front().offset(x, y) > 0))
            return true;
    return false;
}

// The edge field is within [-1, 1], so a forest reaches at most 1.2 radii from its centre; one
// that cannot beat the depth found so far is skipped (the maximum is exact either way).
double Landscape::forest_depth(double x, double y) const {
    double best = -HUGE_VAL;
    for (const auto& f : forests) {
        if (1.2 * f.radius - std::hypot(x - f.x, y - f.y) < best - 1)
            continue;
        best = std::max(best, f.depth(x, y));
    }
    return best;
}

} // namespace riskmap::synth::detail
