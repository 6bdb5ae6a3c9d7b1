#include "pipelines/calibration.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/csv.hpp"
#include "io/raster_io.hpp"
#include "io/run_json.hpp"
#include "kernels/hyperprior.hpp"
#include "synth/accuracy.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

namespace riskmap::calibration {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Precision = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

using Rows = accuracy::CodeTable;

Rows read_rows(const std::string& path, const std::string& code_column) {
    return accuracy::read_code_table(path, code_column, false);
}

double cell(const std::map<std::string, double>& row, const std::string& name) {
    const auto it = row.find(name);
    return it == row.end() ? kNaN : it->second;
}

/// Adds one evaluated area or pixel: its PIT (NaN: unknown), 95 % bounds, exceedance and
/// whether the truth is above target.
void add(Tally& t, double w, double pit, double lo, double hi, double truth, double exceed,
         double target) {
    t.weight += w;
    if (!std::isnan(pit)) {
        const double from_end = std::min(pit, 1 - pit);
        t.inside50 += from_end > 0.25 ? w : 0;
        t.inside80 += from_end > 0.10 ? w : 0;
        t.pit[std::min<std::size_t>(19, static_cast<std::size_t>(pit * 20))] += w;
    }
    t.inside95 += lo <= truth && truth <= hi ? w : 0;
    const double o = truth > target ? 1 : 0;
    const auto bin = std::min<std::size_t>(9, static_cast<std::size_t>(exceed * 10));
    t.bin_weight[bin] += w;
    t.bin_predicted[bin] += w * exceed;
    t.bin_observed[bin] += w * o;
    t.brier += w * (exceed - o) * (exceed - o);
    t.observed += w * o;
}

struct Indicator {
    std::string name;
    RateModel model = RateModel::Binomial;
    double target = 0;
};

/// The first of an indicator's targets: the one `_exceed` and the map P(rate > target) are for.
double first_target(const std::string& list, const std::string& name) {
    const auto value = parse_double(trim(std::string_view(list).substr(0, list.find(','))));
    if (!value || !(*value > 0))
        throw Error("run.json: indicator '" + name + "' has no usable target in '" + list + "'");
    return *value;
}

std::vector<Indicator> indicators_of(const io::RunRecord& run) {
    std::vector<Indicator> out;
    for (const auto& [key, value] : run.config) {
        const std::string suffix = ".model";
        if (key.rfind("indicator.", 0) != 0 || key.size() < suffix.size() ||
            key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        Indicator ind;
        ind.name = key.substr(10, key.size() - 10 - suffix.size());
        ind.model = value == "poisson" ? RateModel::Poisson : RateModel::Binomial;
        ind.target = first_target(run.config.at("indicator." + ind.name + ".target"), ind.name);
        out.push_back(ind);
    }
    return out;
}

kernels::HyperPosterior grid_of(const io::RunRecord& run, const Indicator& ind,
                                const std::string& level) {
    kernels::HyperPosterior h;
    h.model = ind.model;
    const auto it = run.grids.find(ind.name + "/" + level);
    if (it == run.grids.end())
        return h;
    for (const auto& [m, kappa, weight, spatial] : it->second) {
        h.points.push_back(kernels::hyper_point(ind.model, m, kappa));
        h.points.back().weight = weight;
        h.points.back().spatial = spatial;
    }
    return h;
}

/// The truth of each kecamatan: population-weighted mean of its villages' true rates.
Rows kecamatan_truth(const Rows& villages, const std::string& indicator) {
    std::map<std::string, std::pair<double, double>> sums;
    for (const auto& [code, row] : villages) {
        const double pop = cell(row, "population"), v = cell(row, "true_" + indicator);
        auto& s = sums[code.substr(0, 6)];
        s.first += pop * v;
        s.second += pop;
    }
    Rows out;
    for (const auto& [code, s] : sums)
        out[code]["true_" + indicator] = s.second > 0 ? s.first / s.second : kNaN;
    return out;
}

Tally area_tally(const Rows& estimates, const Rows& truth, const Indicator& ind,
                 const kernels::HyperPosterior& h, const std::string& level) {
    Tally t;
    t.indicator = ind.name;
    t.level = level;
    const std::string p = ind.name;
    for (const auto& [code, row] : estimates) {
        const auto tr = truth.find(code);
        const double mean = cell(row, p + "_mean");
        if (tr == truth.end() || std::isnan(mean))
            continue;
        const double theta = cell(tr->second, "true_" + p);
        const double y = cell(row, p + "_num"), n = cell(row, p + "_den");
        const double local = cell(row, p + "_local");
        const double pit =
            h.points.empty() ? kNaN
                             : kernels::mixture_cdf(h, y, n, theta, std::isnan(local) ? 1 : local);
        add(t, 1, pit, cell(row, p + "_lo"), cell(row, p + "_hi"), theta, cell(row, p + "_exceed"),
            ind.target);
        if (const double inc = cell(row, p + "_p_increase"); !std::isnan(inc)) {
            t.increase_n += 1;
            t.increase_above95 += inc > 0.95;
            t.increase_below05 += inc < 0.05;
        }
    }
    return t;
}

/// The pixel posterior is a Gamma or Beta: its shape follows from the mean and the 97.5 %
/// quantile (the quantile-to-mean ratio falls as the shape grows), and then the PIT.
double pixel_pit(RateModel model, double mean, double hi, double truth) {
    if (!(mean > 0) || !(hi > mean))
        return kNaN;
    double lo = -14, up = 28; // log shape (Poisson) or log precision (binomial)
    for (int i = 0; i < 60; ++i) {
        const double mid = (lo + up) / 2, s = std::exp(mid);
        const double q = model == RateModel::Poisson
                             ? boost::math::gamma_p_inv(s, 0.975, Precision()) * mean / s
                             : boost::math::ibeta_inv(mean * s, (1 - mean) * s, 0.975, Precision());
        (q > hi ? lo : up) = mid;
    }
    const double s = std::exp((lo + up) / 2);
    if (model == RateModel::Poisson)
        return boost::math::gamma_p(s, s / mean * truth, Precision());
    return truth >= 1 ? 1.0 : boost::math::ibeta(mean * s, (1 - mean) * s, truth, Precision());
}

Tally pixel_tally(const std::string& truth_dir, const std::string& run, const Indicator& ind) {
    Tally t;
    t.indicator = ind.name;
    t.level = "pixels";
    const Grid grid = io::read_grid(truth_dir + "/population.tif");
    const auto band = [&](const std::string& path) { return io::read_band(path, grid); };
    const auto pop = band(truth_dir + "/population.tif");
    const auto truth = band(truth_dir + "/truth_" + ind.name + ".tif");
    const std::string p = run + "/" + ind.name;
    const auto mean = band(p + "_mean.tif"), lo = band(p + "_lo.tif"), hi = band(p + "_hi.tif");
    const auto exceed = band(p + "_exceed.tif"), rate = band(p + "_rate.tif");
    // The PIT needs a root search per pixel: a lattice of at most about 40,000 pixels.
    const auto stride = static_cast<std::size_t>(
        std::max(1.0, std::ceil(std::sqrt(double(grid.pixel_count()) / 4e4))));
    for (std::size_t r = 0; r < static_cast<std::size_t>(grid.height); r += stride) {
        for (std::size_t c = 0; c < static_cast<std::size_t>(grid.width); c += stride) {
            const std::size_t i = r * static_cast<std::size_t>(grid.width) + c;
            const double w = pop[i];
            if (!(w > 0) || std::isnan(truth[i]) || std::isnan(mean[i]) || std::isnan(hi[i]))
                continue;
            add(t, w, pixel_pit(ind.model, mean[i], hi[i], truth[i]), lo[i], hi[i], truth[i],
                exceed[i], ind.target);
            t.rate_outside += rate[i] < lo[i] || rate[i] > hi[i] ? w : 0;
        }
    }
    return t;
}
} // namespace

std::vector<Tally> evaluate(const std::string& truth_dir, const std::string& run_dir) {
    const io::RunRecord run = io::read_run_json(run_dir + "/run.json");
    const Rows truth = read_rows(truth_dir + "/truth_villages.csv", "kode_desa");
    const Rows villages = read_rows(run_dir + "/villages.csv", "code");
    const Rows kecamatan = read_rows(run_dir + "/kecamatan.csv", "code");
    std::vector<Tally> out;
    for (const auto& ind : indicators_of(run)) {
        out.push_back(area_tally(villages, truth, ind, grid_of(run, ind, "villages"), "villages"));
        out.push_back(area_tally(kecamatan, kecamatan_truth(truth, ind.name), ind,
                                 grid_of(run, ind, "kecamatan"), "kecamatan"));
        if (std::filesystem::exists(run_dir + "/" + ind.name + "_mean.tif"))
            out.push_back(pixel_tally(truth_dir, run_dir, ind));
    }
    return out;
}

std::string csv(const std::vector<Tally>& tallies) {
    std::vector<std::string> header{
        "indicator",        "level",           "weight",   "inside50",     "inside80",
        "inside95",         "brier",           "observed", "rate_outside", "increase_n",
        "increase_above95", "increase_below05"};
    for (int b = 0; b < 20; ++b)
        header.push_back("pit" + std::to_string(b));
    for (int b = 0; b < 10; ++b)
        for (const char* what : {"n", "p", "o"})
            header.push_back("bin" + std::to_string(b) + what);
    std::string out = io::csv_line(header);
    for (const auto& t : tallies) {
        std::vector<std::string> row{t.indicator,
                                     t.level,
                                     format_double(t.weight),
                                     format_double(t.inside50),
                                     format_double(t.inside80),
                                     format_double(t.inside95),
                                     format_double(t.brier),
                                     format_double(t.observed),
                                     format_double(t.rate_outside),
                                     format_double(t.increase_n),
                                     format_double(t.increase_above95),
                                     format_double(t.increase_below05)};
        for (double v : t.pit)
            row.push_back(format_double(v));
        for (std::size_t b = 0; b < 10; ++b)
            for (double v : {t.bin_weight[b], t.bin_predicted[b], t.bin_observed[b]})
                row.push_back(format_double(v));
        out += io::csv_line(row);
    }
    return out;
}

} // namespace riskmap::calibration
