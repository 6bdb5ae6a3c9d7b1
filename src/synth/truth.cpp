#include "synth/internal.hpp"

#include "core/error.hpp"

#include <cmath>
#include <map>

namespace riskmap::synth::detail {

namespace {
/// An indicator's link: logit for prevalences, log for rates.
struct Link {
    bool logit = false;
    double to(double v) const { return logit ? std::log(v / (1 - v)) : std::log(v); }
    double from(double u) const { return logit ? 1 / (1 + std::exp(-u)) : std::exp(u); }
};

/// A village's pixels compressed to (link value, population) bins 0.01 wide: the searches
/// below evaluate thousands of candidate transforms, and a province has 8 million pixels.
using Bins = std::vector<std::pair<double, double>>;

std::vector<Bins> village_bins(const Layer<std::int32_t>& owner, const Layer<float>& surface,
                               const Layer<float>& population, const Link& link,
                               const VillageSet& set) {
    std::vector<std::map<long, std::pair<double, double>>> acc(set.villages.size());
    for (std::size_t i = 0; i < owner.size(); ++i) {
        if (owner[i] < 0 || std::isnan(surface[i]))
            continue;
        const double u = link.to(surface[i]);
        auto& bin = acc[static_cast<std::size_t>(owner[i])][std::lround(u * 100)];
        const double pop = population[i] > 0 ? population[i] : 0.0;
        bin.first += u * pop;
        bin.second += pop;
    }
    std::vector<Bins> out(set.villages.size());
    for (std::size_t v = 0; v < out.size(); ++v)
        for (const auto& [key, sums] : acc[v])
            if (sums.second > 0)
                out[v].emplace_back(sums.first / sums.second, sums.second);
    return out;
}

/// A village's transformed true rate; villages without peopled pixels use their measured value.
double village_value(const Bins& bins, double measured, const Link& link, double shift,
                     double stretch, double centre) {
    const auto f = [&](double u) { return link.from(shift + stretch * (u - centre)); };
    if (bins.empty())
        return f(link.to(measured));
    double num = 0, den = 0;
    for (const auto& [u, pop] : bins) {
        num += pop * f(u);
        den += pop;
    }
    return num / den;
}

struct Target {
    Link link;
    double cv = -1;      ///< unweighted across villages; < 0 keeps the stretch at 1
    double mean = -1;    ///< population-weighted; < 0 keeps the shift at 0
    bool events = false; ///< mean is expected maternal deaths per quarter
};

struct Fit {
    const std::vector<Bins>& bins;
    const VillageSet& set;
    const std::vector<double>& measured;
    Target target;
    double centre;

    std::vector<double> values(double shift, double stretch) const {
        std::vector<double> out;
        for (std::size_t v = 0; v < bins.size(); ++v)
            out.push_back(village_value(bins[v], measured[v], target.link, shift, stretch, centre));
        return out;
    }
    /// Population-weighted mean, or expected events: 0.0045 live births a person a quarter.
    double level(const std::vector<double>& x) const {
        double num = 0, den = 0;
        for (std::size_t v = 0; v < x.size(); ++v) {
            num += set.villages[v].population * x[v];
            den += set.villages[v].population;
        }
        return target.events ? 0.0045 * num : num / den;
    }
    double shift_for(double stretch) const {
        if (target.mean < 0)
            return 0;
        double lo = -30, hi = 30;
        for (int i = 0; i < 80; ++i) {
            const double mid = (lo + hi) / 2;
            (level(values(mid, stretch)) < target.mean ? lo : hi) = mid;
        }
        return (lo + hi) / 2;
    }
    double cv(const std::vector<double>& x) const {
        double m = 0, m2 = 0;
        for (double v : x)
            m += v, m2 += v * v;
        m /= static_cast<double>(x.size());
        m2 /= static_cast<double>(x.size());
        return m > 0 ? std::sqrt(std::max(0.0, m2 - m * m)) / m : 0;
    }
    double stretch_for() const {
        if (target.cv < 0)
            return 1;
        if (target.cv == 0)
            return 0;
        double lo = 0, hi = 20;
        for (int i = 0; i < 50; ++i) {
            const double mid = (lo + hi) / 2;
            (cv(values(shift_for(mid), mid)) < target.cv ? lo : hi) = mid;
        }
        return (lo + hi) / 2;
    }
};

double weighted_centre(const Layer<float>& surface, const Layer<float>& population,
                       const Link& link) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < surface.size(); ++i)
        if (!std::isnan(surface[i]) && population[i] > 0) {
            num += population[i] * link.to(surface[i]);
            den += population[i];
        }
    return den > 0 ? num / den : 0;
}

/// Retargets one surface and the villages' values of it (`field` selects the indicator).
void retarget(const Layer<std::int32_t>& owner, Layer<float>& surface,
              const Layer<float>& population, VillageSet& set, double Village::*field,
              const Target& target) {
    std::vector<double> measured;
    for (const auto& v : set.villages)
        measured.push_back(v.*field);
    const double centre = weighted_centre(surface, population, target.link);
    const auto bins = village_bins(owner, surface, population, target.link, set);
    const Fit fit{bins, set, measured, target, centre};
    const double stretch = fit.stretch_for();
    const double shift = fit.shift_for(stretch);
    for (float& x : surface.values())
        if (!std::isnan(x))
            x = static_cast<float>(
                target.link.from(shift + stretch * (target.link.to(x) - centre)));
    const auto values = fit.values(shift, stretch);
    for (std::size_t v = 0; v < values.size(); ++v)
        set.villages[v].*field = values[v];
}
} // namespace

void retarget_truth(const Preset& preset, const SynthOptions& o, Surfaces& surfaces,
                    VillageSet& set) {
    if (o.truth_cv < 0 && o.maternal_events < 0 && o.stunting_mean < 0)
        return;
    if (o.stunting_mean >= 1 || o.stunting_mean == 0)
        throw UsageError("synth: --stunting-mean must be a proportion between 0 and 1");
    const Layer<std::int32_t> owner = village_owner(preset_grid(preset), set);
    retarget(owner, surfaces.stunting, surfaces.population, set, &Village::stunting,
             {Link{true}, o.truth_cv, o.stunting_mean, false});
    retarget(owner, surfaces.maternal, surfaces.population, set, &Village::maternal,
             {Link{false}, o.truth_cv, o.maternal_events, true});
}

} // namespace riskmap::synth::detail
