#include "synth/accuracy.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/village_code.hpp"
#include "io/csv.hpp"
#include "io/raster_io.hpp"
#include "io/run_json.hpp"
#include "io/vector_io.hpp"
#include "kernels/disaggregate.hpp"
#include "kernels/priority.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

namespace riskmap::accuracy {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

CodeTable read_code_table(const std::string& path, const std::string& code_column,
                          bool village_codes) {
    io::CsvReader csv(path);
    const std::size_t code = csv.column(code_column);
    CodeTable out;
    io::CsvRow row;
    while (csv.next(row)) {
        const std::string key = village_codes ? normalise_village_code(row.fields[code]).digits
                                              : std::string(trim(row.fields[code]));
        auto& cells = out[key];
        for (std::size_t c = 0; c < row.fields.size(); ++c)
            cells[csv.header()[c]] = parse_double(row.fields[c]).value_or(kNaN);
    }
    return out;
}

namespace {

std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]])
            ++j;
        for (std::size_t k = i; k <= j; ++k)
            r[idx[k]] = 0.5 * static_cast<double>(i + j) + 1;
        i = j + 1;
    }
    return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
    const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : kNaN;
}
} // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    return pearson(ranks(a), ranks(b));
}

namespace {
/// RMSE, rank correlation and (with bounds) coverage of estimates against truth, skipping
/// villages where either is missing.
Row score(const std::vector<double>& truth, const std::vector<double>& estimate,
          const std::vector<double>* lower, const std::vector<double>* upper) {
    std::vector<double> t, e;
    double sq = 0, covered = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (std::isnan(truth[i]) || std::isnan(estimate[i]))
            continue;
        t.push_back(truth[i]);
        e.push_back(estimate[i]);
        sq += (estimate[i] - truth[i]) * (estimate[i] - truth[i]);
        if (lower && upper)
            covered += (*lower)[i] <= truth[i] && truth[i] <= (*upper)[i];
    }
    Row r;
    r.villages = t.size();
    r.rmse = t.empty() ? kNaN : std::sqrt(sq / static_cast<double>(t.size()));
    r.rank_corr = t.size() > 2 ? spearman(t, e) : kNaN;
    if (lower && upper && !t.empty()) {
        r.coverage = covered / static_cast<double>(t.size());
        r.coverage_of = "villages";
    }
    return r;
}

std::vector<double> column(const CodeTable& table, const std::vector<std::string>& codes,
                           const std::string& name) {
    std::vector<double> out(codes.size(), kNaN);
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const auto row = table.find(codes[i]);
        if (row == table.end())
            continue;
        const auto cell = row->second.find(name);
        if (cell != row->second.end())
            out[i] = cell->second;
    }
    return out;
}

/// The synthetic truth: village rates, the true surfaces' grid and the villages on it.
struct Truth {
    std::vector<std::string> codes; ///< in the villages layer's order
    CodeTable villages;
    Grid grid;
    Layer<float> population;
    Layer<std::int32_t> village_of_pixel;  ///< village index or -1
    std::vector<std::int64_t> point_pixel; ///< of each village's point on surface, or -1
};

Truth read_truth(const std::string& dir) {
    Truth t;
    t.villages = read_code_table(dir + "/truth_villages.csv", "kode_desa");
    const auto layer =
        io::read_villages({dir + "/villages.gpkg", "", "kode_desa", AreaUnit::Village, "", false});
    for (const auto& v : layer.table.villages())
        t.codes.push_back(v.code);
    t.grid = io::read_grid(dir + "/population.tif");
    t.population = io::read_band(dir + "/population.tif", t.grid);
    // Accuracy is measured on the district and province presets, small enough to hold whole.
    const io::VillageBurner burner(layer, t.grid, dir + "/villages.gpkg");
    t.village_of_pixel = burner.burn(Rect{0, 0, t.grid.width, t.grid.height});
    t.point_pixel = burner.point_pixel();
    return t;
}

/// Population-weighted mean of a map over each village's pixels (its point pixel when it
/// covers no pixel centre).
std::vector<double> village_means(const Truth& t, const Layer<float>& map) {
    const auto sums = kernels::zonal_weighted_sums(t.village_of_pixel.view(), map.view(),
                                                   t.population.view(), t.codes.size());
    std::vector<double> out(t.codes.size(), kNaN);
    for (std::size_t v = 0; v < out.size(); ++v) {
        if (sums.weight[v] > 0)
            out[v] = sums.weighted_value[v] / sums.weight[v];
        else if (t.point_pixel[v] >= 0)
            out[v] = map[static_cast<std::size_t>(t.point_pixel[v])];
    }
    return out;
}

/// Population-weighted share of pixels whose true rate lies in [lo, hi].
double pixel_coverage(const Truth& t, const Layer<float>& truth, const Layer<float>& lo,
                      const Layer<float>& hi) {
    double in = 0, all = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const double w = t.population[i];
        if (!(w > 0) || std::isnan(truth[i]) || std::isnan(lo[i]) || std::isnan(hi[i]))
            continue;
        all += w;
        in += lo[i] <= truth[i] && truth[i] <= hi[i] ? w : 0.0;
    }
    return all > 0 ? in / all : kNaN;
}

/// The indicator's target and population share, from the run's settings.
struct Planning {
    double target = 0, share = 0;
};

Planning planning_of(const std::string& run, const std::string& ind) {
    const auto record = io::read_run_json(run + "/run.json");
    const auto get = [&](const std::string& key) {
        const auto it = record.config.find("indicator." + ind + "." + key);
        return it == record.config.end()
                   ? kNaN
                   : parse_double(trim(it->second.substr(0, it->second.find(',')))).value_or(kNaN);
    };
    return {get("target"), get("population_share")};
}

/// Excess cases implied by rates: population x share x (rate - target)+.
std::vector<double> excess_cases(const Truth& t, const std::vector<double>& rate,
                                 const Planning& p) {
    const auto pop = column(t.villages, t.codes, "population");
    std::vector<double> out(rate.size(), kNaN);
    for (std::size_t i = 0; i < rate.size(); ++i)
        if (!std::isnan(rate[i]))
            out[i] = pop[i] * p.share * std::max(0.0, rate[i] - p.target);
    return out;
}

/// Share of the true top fifth (by excess cases) inside the estimate's top fifth; villages
/// without an estimate rank last.
double top_found(const std::vector<double>& truth, const std::vector<double>& estimate) {
    const auto top = [](const std::vector<double>& v) {
        const auto order = kernels::rank_order(v);
        const std::size_t k = (v.size() + 4) / 5;
        return std::vector<std::size_t>(order.begin(), order.begin() + std::ptrdiff_t(k));
    };
    auto a = top(truth), b = top(estimate);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<std::size_t> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    return a.empty() ? kNaN : static_cast<double>(both.size()) / static_cast<double>(a.size());
}

void add_village_rows(std::vector<Row>& rows, const Truth& t, const std::string& run,
                      const std::string& ind) {
    const CodeTable est = read_code_table(run + "/villages.csv", "code");
    const auto truth = column(t.villages, t.codes, "true_" + ind);
    const auto lo = column(est, t.codes, ind + "_lo");
    const auto hi = column(est, t.codes, ind + "_hi");
    const Planning plan = planning_of(run, ind);
    const auto true_excess = excess_cases(t, truth, plan);
    const std::pair<const char*, const char*> estimators[] = {{"crude", "_crude"},
                                                              {"global EB", "_eb"},
                                                              {"local EB", "_ebl"},
                                                              {"posterior (excess list)", "_mean"}};
    for (const auto& [label, suffix] : estimators) {
        const auto e = column(est, t.codes, ind + suffix);
        const bool bounded = std::string(suffix) == "_mean";
        Row r = score(truth, e, bounded ? &lo : nullptr, bounded ? &hi : nullptr);
        r.indicator = ind;
        r.estimator = label;
        // The list ranks by the posterior's expected excess, not by the excess of its mean.
        r.top_found = top_found(true_excess, bounded ? column(est, t.codes, ind + "_excess")
                                                     : excess_cases(t, e, plan));
        rows.push_back(r);
    }
}

void add_kernel_row(std::vector<Row>& rows, const Truth& t, const std::string& run,
                    const std::string& truth_dir, const std::string& ind) {
    const auto map = [&](const std::string& name) { return io::read_band(name, t.grid); };
    const auto rate = map(run + "/" + ind + "_rate.tif");
    const auto truth = column(t.villages, t.codes, "true_" + ind);
    const auto means = village_means(t, rate);
    Row r = score(truth, means, nullptr, nullptr);
    const Planning plan = planning_of(run, ind);
    r.top_found = top_found(excess_cases(t, truth, plan), excess_cases(t, means, plan));
    r.indicator = ind;
    r.estimator = "kernel " + std::filesystem::path(run).filename().string();
    r.coverage = pixel_coverage(t, map(truth_dir + "/truth_" + ind + ".tif"),
                                map(run + "/" + ind + "_lo.tif"), map(run + "/" + ind + "_hi.tif"));
    r.coverage_of = "pixels (population-weighted)";
    rows.push_back(r);
}
} // namespace

std::vector<Row> evaluate(const std::string& truth_dir, const std::vector<std::string>& runs) {
    if (runs.empty())
        throw UsageError("accuracy: give at least one run output folder");
    const Truth truth = read_truth(truth_dir);
    std::vector<Row> rows;
    for (const std::string ind : {"stunting", "maternal"}) {
        add_village_rows(rows, truth, runs.front(), ind);
        for (const auto& run : runs)
            add_kernel_row(rows, truth, run, truth_dir, ind);
    }
    return rows;
}

std::string csv(const std::vector<Row>& rows) {
    std::string out = io::csv_line({"indicator", "estimator", "villages", "rmse", "rank_corr",
                                    "coverage", "coverage_of", "top_found"});
    for (const auto& r : rows)
        out += io::csv_line({r.indicator, r.estimator, std::to_string(r.villages),
                             format_double(r.rmse), format_double(r.rank_corr),
                             r.coverage < 0 ? "" : format_double(r.coverage), r.coverage_of,
                             r.top_found < 0 ? "" : format_double(r.top_found)});
    return out;
}

std::string markdown(const std::vector<Row>& rows) {
    std::string out = "| indicator | estimator | villages | RMSE | rank corr. | 95 % coverage | "
                      "true top fifth found |\n"
                      "|---|---|---:|---:|---:|---|---:|\n";
    for (const auto& r : rows) {
        const std::string cov = r.coverage < 0 || std::isnan(r.coverage)
                                    ? "—"
                                    : format_double(100 * r.coverage, 3) + " % of " + r.coverage_of;
        const std::string found = r.top_found < 0 || std::isnan(r.top_found)
                                      ? "—"
                                      : format_double(100 * r.top_found, 3) + " %";
        out += "| " + r.indicator + " | " + r.estimator + " | " + std::to_string(r.villages) +
               " | " + format_double(r.rmse, 3) + " | " + format_double(r.rank_corr, 3) + " | " +
               cov + " | " + found + " |\n";
    }
    return out;
}

} // namespace riskmap::accuracy
