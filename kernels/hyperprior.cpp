#include "kernels/hyperprior.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace riskmap::kernels {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double link(RateModel model, double m) {
    return model == RateModel::Poisson ? std::log(m) : std::log(m / (1 - m));
}

double inverse_link(RateModel model, double u) {
    return model == RateModel::Poisson ? std::exp(u) : 1 / (1 + std::exp(-u));
}

/// The log posterior density of psi = (link(m), log kappa), up to a constant.
class LogPosterior {
public:
    LogPosterior(RateModel model, std::span<const double> y, std::span<const double> n,
                 const HyperPrior& prior, std::span<const double> offset, double spatial)
        : model_(model), y_(y), n_(n), offset_(offset), spatial_(spatial), prior_(prior),
          centre_(link(model, std::clamp(prior.mean_centre, 1e-12, 1 - 1e-12))) {}

    double operator()(const std::array<double, 2>& psi) const {
        const double m = inverse_link(model_, psi[0]), kappa = std::exp(psi[1]);
        if (!(m > 0) || !std::isfinite(kappa) || !(kappa > 0) ||
            (model_ == RateModel::Binomial && !(m < 1)))
            return -kInf;
        const double z = (psi[0] - centre_) / prior_.mean_sd;
        const double s = kappa / prior_.kappa_scale;
        // Half-normal on kappa, with the Jacobian d kappa / d log kappa = kappa.
        const double log_prior = -0.5 * z * z + psi[1] - 0.5 * s * s;
        return log_prior + log_marginal_likelihood(model_, y_, n_, m, kappa, offset_, spatial_);
    }

    /// A start near the mode: the pooled rate and a moderate kappa.
    std::array<double, 2> start() const {
        double sy = 0, sn = 0;
        for (std::size_t i = 0; i < y_.size(); ++i)
            if (n_[i] > 0)
                sy += y_[i], sn += n_[i];
        if (!(sn > 0))
            return {centre_, std::log(prior_.kappa_scale)};
        const double m = model_ == RateModel::Poisson ? (sy + 0.5) / sn : (sy + 0.5) / (sn + 1);
        return {link(model_, m), std::log(std::min(0.3, prior_.kappa_scale))};
    }

private:
    RateModel model_;
    std::span<const double> y_, n_, offset_;
    double spatial_;
    HyperPrior prior_;
    double centre_;
};

using Vec2 = std::array<double, 2>;
using Mat2 = std::array<double, 4>; // row-major

struct Derivatives {
    Vec2 gradient{};
    Mat2 hessian{};
};

/// Central differences with steps `h` per coordinate.
Derivatives derivatives(const LogPosterior& f, const Vec2& x, double fx, const Vec2& h) {
    Derivatives d;
    for (std::size_t i = 0; i < 2; ++i) {
        Vec2 up = x, down = x;
        up[i] += h[i];
        down[i] -= h[i];
        const double fu = f(up), fd = f(down);
        d.gradient[i] = (fu - fd) / (2 * h[i]);
        d.hessian[3 * i] = (fu - 2 * fx + fd) / (h[i] * h[i]);
    }
    Vec2 pp = x, mm = x, pm = x, mp = x;
    pp[0] += h[0], pp[1] += h[1];
    mm[0] -= h[0], mm[1] -= h[1];
    pm[0] += h[0], pm[1] -= h[1];
    mp[0] -= h[0], mp[1] += h[1];
    d.hessian[1] = d.hessian[2] = (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * h[0] * h[1]);
    return d;
}

bool negative_definite(const Mat2& H) {
    return H[0] < 0 && H[0] * H[3] - H[1] * H[2] > 0;
}

/// Newton's method with a trust region and backtracking; gradient steps where the Hessian is
/// not negative definite (far from the mode).
Vec2 find_mode(const LogPosterior& f) {
    Vec2 x = f.start();
    double fx = f(x);
    for (int iter = 0; iter < 200; ++iter) {
        const Derivatives d = derivatives(f, x, fx, {1e-4, 1e-4});
        const Mat2& H = d.hessian;
        Vec2 step;
        if (negative_definite(H)) {
            const double det = H[0] * H[3] - H[1] * H[2];
            step = {-(H[3] * d.gradient[0] - H[1] * d.gradient[1]) / det,
                    -(-H[2] * d.gradient[0] + H[0] * d.gradient[1]) / det};
        } else {
            step = d.gradient;
        }
        const double norm = std::hypot(step[0], step[1]);
        if (!(norm > 0) || !std::isfinite(norm))
            break;
        if (norm > 1)
            step = {step[0] / norm, step[1] / norm};
        double scale = 1;
        Vec2 next{};
        double fnext = -kInf;
        for (int halving = 0; halving < 40; ++halving, scale /= 2) {
            next = {x[0] + scale * step[0], x[1] + scale * step[1]};
            fnext = f(next);
            if (fnext >= fx)
                break;
        }
        if (!(fnext >= fx))
            break;
        const double moved = scale * std::min(norm, 1.0);
        x = next;
        fx = fnext;
        if (moved < 1e-9)
            break;
    }
    return x;
}

/// The standardised coordinates at the mode: psi = mode + axes * z.
struct Axes {
    Vec2 mode{};
    Mat2 to_psi{}; ///< columns: eigenvectors of -H scaled by 1 / sqrt(eigenvalue)
};

Axes standardise(const LogPosterior& f, const Vec2& mode) {
    const double fm = f(mode);
    Derivatives d = derivatives(f, mode, fm, {1e-3, 1e-3});
    // Again with steps of a tenth of the marginal standard deviation, where that is known.
    Vec2 h{1e-3, 1e-3};
    for (std::size_t i = 0; i < 2; ++i)
        if (d.hessian[3 * i] < 0)
            h[i] = std::clamp(0.1 / std::sqrt(-d.hessian[3 * i]), 1e-6, 0.1);
    d = derivatives(f, mode, fm, h);
    double a = -d.hessian[0], b = -d.hessian[1], c = -d.hessian[3];
    // Where the curvature is not positive (a flat or numerically noisy direction), a unit
    // standard deviation on the log scale: the walk then stops by the drop or max_steps.
    if (!(a > 0))
        a = 1;
    if (!(c > 0))
        c = 1;
    if (!(a * c - b * b > 0))
        b = 0;
    const double mid = (a + c) / 2, half = std::sqrt((a - c) * (a - c) / 4 + b * b);
    const double l1 = mid + half, l2 = std::max(mid - half, 1e-12);
    // Eigenvector of l1: (b, l1 - a), or the axis when b = 0.
    Vec2 v1 = std::abs(b) > 0 ? Vec2{b, l1 - a} : (a >= c ? Vec2{1, 0} : Vec2{0, 1});
    const double len = std::hypot(v1[0], v1[1]);
    v1 = {v1[0] / len, v1[1] / len};
    const Vec2 v2{-v1[1], v1[0]};
    Axes axes;
    axes.mode = mode;
    axes.to_psi = {v1[0] / std::sqrt(l1), v2[0] / std::sqrt(l2), v1[1] / std::sqrt(l1),
                   v2[1] / std::sqrt(l2)};
    return axes;
}

Vec2 at(const Axes& axes, double z1, double z2) {
    return {axes.mode[0] + axes.to_psi[0] * z1 + axes.to_psi[1] * z2,
            axes.mode[1] + axes.to_psi[2] * z1 + axes.to_psi[3] * z2};
}

/// Steps along one axis direction before the density drops by more than grid.drop.
int extent(const LogPosterior& f, const Axes& axes, double top, const HyperGrid& grid, int axis,
           int sign) {
    int k = 0;
    while (k < grid.max_steps) {
        const double z = sign * (k + 1) * grid.step;
        const double v = f(axis == 0 ? at(axes, z, 0) : at(axes, 0, z));
        if (!(top - v <= grid.drop))
            break;
        ++k;
    }
    return k;
}

} // namespace

namespace {
void summarise_data(HyperPosterior& h, std::span<const double> y, std::span<const double> n) {
    double inverse = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!(n[i] > 0))
            continue;
        h.areas += 1;
        h.events += y[i];
        h.exposure += n[i];
        inverse += 1 / n[i];
    }
    h.mean_inverse_exposure = h.areas > 0 ? inverse / h.areas : 0;
}
} // namespace

namespace {
/// One spatial strength's grid: its points, their log densities and its cell volume.
struct SpatialGrid {
    std::vector<HyperPoint> points;
    std::vector<double> log_density;
    double cell = 0;
    Vec2 mode{};
};

SpatialGrid walk_grid(const LogPosterior& f, RateModel model, const HyperGrid& grid,
                      double spatial) {
    SpatialGrid out;
    const Axes axes = standardise(f, find_mode(f));
    const double top = f(axes.mode);
    out.mode = axes.mode;
    out.cell = grid.step * grid.step *
               std::abs(axes.to_psi[0] * axes.to_psi[3] - axes.to_psi[1] * axes.to_psi[2]);
    const int lo1 = extent(f, axes, top, grid, 0, -1), hi1 = extent(f, axes, top, grid, 0, 1);
    const int lo2 = extent(f, axes, top, grid, 1, -1), hi2 = extent(f, axes, top, grid, 1, 1);
    for (int i = -lo1; i <= hi1; ++i) {
        for (int j = -lo2; j <= hi2; ++j) {
            const Vec2 psi = at(axes, i * grid.step, j * grid.step);
            const double v = f(psi);
            if (!(top - v <= grid.drop))
                continue;
            out.points.push_back(hyper_point(model, inverse_link(model, psi[0]), std::exp(psi[1])));
            out.points.back().spatial = spatial;
            out.log_density.push_back(v);
        }
    }
    return out;
}
} // namespace

HyperPosterior integrate_hyperparameters(RateModel model, std::span<const double> events,
                                         std::span<const double> exposure, const HyperPrior& prior,
                                         const HyperGrid& grid, std::span<const double> offset) {
    HyperPosterior h;
    h.model = model;
    summarise_data(h, events, exposure);
    std::vector<SpatialGrid> grids;
    for (double spatial : offset.empty() ? std::vector<double>{0} : std::vector<double>{0, 0.5, 1})
        grids.push_back(walk_grid(LogPosterior(model, events, exposure, prior, offset, spatial),
                                  model, grid, spatial));
    // Each grid's points weigh exp(log density) x its cell volume: across grids that is each
    // strength's marginal likelihood (the hyperprior's constants are the same in all).
    double best = -kInf;
    for (const auto& g : grids)
        for (double v : g.log_density)
            best = std::max(best, v);
    double total = 0;
    for (auto& g : grids) {
        for (std::size_t k = 0; k < g.points.size(); ++k) {
            g.points[k].weight = std::exp(g.log_density[k] - best) * g.cell;
            total += g.points[k].weight;
        }
    }
    for (auto& g : grids) {
        double grid_weight = 0;
        for (auto& p : g.points)
            grid_weight += p.weight /= total;
        // A spatial strength the data all but rule out (under 1 %) is left out, as are
        // points holding under 1e-5 of the mass: each costs every area's posterior time.
        if (grid_weight < 0.01)
            continue;
        for (const auto& p : g.points)
            if (p.weight > 1e-5)
                h.points.push_back(p);
    }
    const auto& exchangeable = grids.front();
    h.mode_mean = inverse_link(model, exchangeable.mode[0]);
    h.mode_kappa = std::exp(exchangeable.mode[1]);
    double kept = 0;
    for (const auto& p : h.points)
        kept += p.weight;
    for (auto& p : h.points)
        p.weight /= kept;
    return h;
}

} // namespace riskmap::kernels
