#include "pipelines/pixel_plan.hpp"

#include "core/numbers.hpp"
#include "core/period.hpp"
#include "pipelines/map_styles.hpp"
#include "sched/smooth.hpp"

#include <cmath>
#include <numbers>

namespace riskmap::pixels {

int sample_stride(const Grid& g) {
    return std::max(1, static_cast<int>(std::ceil(std::sqrt(double(g.pixel_count()) / 1e6))));
}

io::MapInfo float_info(std::string description, std::string units,
                       const std::vector<std::pair<std::string, std::string>>& metadata) {
    io::MapInfo info;
    info.description = std::move(description);
    info.units = std::move(units);
    for (const auto& [k, v] : metadata)
        info.metadata[k] = v;
    return info;
}

std::size_t add_map(JobState& s, const std::string& name, const io::MapInfo& info,
                    io::PixelType type) {
    auto file =
        std::make_unique<io::TiledMapFile>(staged_output(s).scratch_path("work-" + name + ".tif"),
                                           s.grid().grid, type, info, io::Overviews::FromTiles);
    s.pixel_maps().maps.push_back(NamedMap{name, std::move(file), {}, true});
    return s.pixel_maps().maps.size() - 1;
}

namespace {
/// "2024Q4–2025Q3 (4 quarters pooled)" for a pooled indicator, the period otherwise.
std::string periods_label(const JobState& s, std::size_t k) {
    const int pool = static_cast<int>(s.records().pools[k].periods.size());
    if (pool <= 1)
        return s.config.period;
    return quarter_range(s.config.period, pool) + " (" + std::to_string(pool) + " periods pooled)";
}

std::vector<std::pair<std::string, std::string>> indicator_metadata(const JobState& s,
                                                                    std::size_t k) {
    const JobConfig& cfg = s.config;
    const IndicatorSpec& spec = cfg.indicators[k];
    return {{"indicator", spec.name},
            {"target", format_double(spec.target)},
            {"display_scale", format_double(spec.display_scale)},
            {"bandwidth_m", format_double(cfg.bandwidth_m)},
            {"period", cfg.period},
            {"pool_periods", std::to_string(s.records().pools[k].periods.size())},
            {"counts_from", periods_label(s, k)},
            {"uncertainty", cfg.uncertainty.integrated ? "integrated" : "plugin"}};
}

std::string kernel_label(const JobConfig& cfg) {
    return cfg.bandwidth_ladder_m.empty() ? "h = " + format_double(cfg.bandwidth_m) + " m"
                                          : "adaptive h";
}

std::string posterior_source(const JobConfig& cfg) {
    return cfg.uncertainty.integrated
               ? "the pixel's true rate: kernel counts with sampling, local between-village "
                 "and sub-village variance, integrated prior"
               : "the kernel-weighted mean rate from the pixel's effective counts (plug-in "
                 "prior, sampling only)";
}
} // namespace

IndicatorMaps add_indicator_maps(JobState& s, const IndicatorSpec& spec) {
    const JobConfig& cfg = s.config;
    const std::size_t k = static_cast<std::size_t>(&spec - cfg.indicators.data());
    // Descriptions stay short: QGIS shows them as the legend's subtitle. How each map is
    // made goes into its "method" metadata item.
    const auto meta = indicator_metadata(s, k);
    const auto with_method = [&meta](std::string method) {
        auto out = meta;
        out.emplace_back("method", std::move(method));
        return out;
    };
    const auto posterior = with_method("posterior of " + posterior_source(cfg));
    IndicatorMaps m;
    if (!cfg.bandwidth_ladder_m.empty())
        m.bandwidth = add_map(s, spec.name + "_bandwidth_m",
                              float_info(spec.name + " adaptive bandwidth used", "metre", meta));
    m.rate = add_map(
        s, spec.name + "_rate",
        float_info(spec.name + " kernel rate, no prior; for rare events read _mean", "proportion",
                   with_method("smoothed events / smoothed " + denominator_label(spec) + " (" +
                               kernel_label(cfg) + ")")));
    m.mean = add_map(s, spec.name + "_mean",
                     float_info(spec.name + " rate, posterior mean", "proportion", posterior));
    m.lower = add_map(s, spec.name + "_lo",
                      float_info(spec.name + " rate, 95 % interval low end (2.5 % quantile)",
                                 "proportion", posterior));
    m.upper = add_map(s, spec.name + "_hi",
                      float_info(spec.name + " rate, 95 % interval high end (97.5 % quantile)",
                                 "proportion", posterior));
    m.exceed =
        add_map(s, spec.name + "_exceed",
                float_info("P(" + spec.name + " rate > target " + format_double(spec.target) + ")",
                           "probability", posterior));
    m.information =
        add_map(s, spec.name + "_n_eff",
                float_info("effective " + denominator_label(spec) + " under the kernel",
                           denominator_label(spec),
                           with_method("Kish: (sum w n)^2 / sum w^2 n, the sampling information "
                                       "at the pixel")));
    return m;
}

Smoothing plan_smoothing(const JobState& s) {
    Smoothing out;
    out.bandwidths = s.config.bandwidth_ladder_m.empty() ? std::vector<double>{s.config.bandwidth_m}
                                                         : s.config.bandwidth_ladder_m;
    for (double h : out.bandwidths) {
        out.levels.emplace_back(sched::gaussian_rows_for(s.grid().grid, h), s.grid().grid.width);
        // Peak-normalised w = exp(-d^2 / 2h^2), so w^2 = exp(-d^2 / h^2): sigma h / sqrt 2.
        out.squares.emplace_back(sched::gaussian_rows_for(s.grid().grid, h / std::numbers::sqrt2),
                                 s.grid().grid.width);
        out.halo = std::max({out.halo, out.levels.back().halo(), out.squares.back().halo()});
    }
    out.density.emplace_back(sched::gaussian_rows_for(s.grid().grid, s.config.bandwidth_m),
                             s.grid().grid.width);
    out.halo = std::max(out.halo, out.density.back().halo());
    return out;
}

IndicatorPlan plan_indicator(const JobState& s, std::size_t k) {
    const UncertaintyConfig& u = s.config.uncertainty;
    const IndicatorScores& scores = s.scores().villages.scores[k];
    const IndicatorCounts& counts = s.records().counts[k];
    IndicatorPlan plan;
    plan.predictive = u.integrated;
    // Pixels see their neighbourhood through the kernel, not through a spatial offset: their
    // prior and global between-village variance are those of exchangeable villages.
    plan.uncertainty.prior = u.integrated ? scores.exchangeable.moment_prior() : scores.prior;
    plan.uncertainty.global_cv2 = u.integrated ? scores.exchangeable.mean_kappa2() : 0;
    plan.uncertainty.subvillage_cv2 = u.subvillage_cv * u.subvillage_cv;
    plan.uncertainty.subvillage_share2 = u.subvillage_share * u.subvillage_share;
    plan.uncertainty.local_prior_areas = u.local_prior_areas;
    const std::size_t n = counts.numerator.size();
    plan.rate2.assign(n, 0.0);
    plan.share.assign(n, 0.0);
    for (std::size_t v = 0; v < n; ++v) {
        if (!counts.reported[v] || !(counts.denominator[v] > 0))
            continue;
        plan.rate2[v] = counts.numerator[v] * counts.numerator[v] / counts.denominator[v];
        plan.share[v] = 1;
    }
    return plan;
}

namespace {
io::MapStyle titled(io::MapStyle style, std::string title) {
    style.title = std::move(title);
    return style;
}
} // namespace

namespace {
Layer<float> as_layer(const std::vector<float>& samples) {
    Layer<float> layer(static_cast<int>(samples.size()), 1);
    std::copy(samples.begin(), samples.end(), layer.data());
    return layer;
}
} // namespace

void style_indicator_maps(JobState& s, const PixelPlan& plan, std::size_t k,
                          const std::vector<float>& mean_samples,
                          const std::vector<float>& information_samples) {
    const JobConfig& cfg = s.config;
    const IndicatorSpec& spec = cfg.indicators[k];
    const IndicatorMaps& m = plan.maps[k];
    const std::string label = periods_label(s, k);
    const std::string when = label.empty() ? "" : " " + label;
    // One set of breaks per indicator, so rate, mean and bounds read against each other; from
    // the posterior mean, the headline map (a rare event's kernel rate swings from 0 to many
    // times the mean where a death or none fell nearby).
    const io::MapStyle rates = rate_style(as_layer(mean_samples), spec, "");
    if (m.bandwidth != SIZE_MAX)
        s.pixel_maps().maps[m.bandwidth].style =
            bandwidth_style(cfg.bandwidth_ladder_m, spec.name + " bandwidth used" + when);
    s.pixel_maps().maps[m.rate].style =
        titled(rates, spec.name + " kernel rate" + when + " (" + kernel_label(cfg) + ")");
    s.pixel_maps().maps[m.mean].style = titled(rates, spec.name + " posterior mean" + when);
    s.pixel_maps().maps[m.lower].style = titled(rates, spec.name + " lower 95 % bound" + when);
    s.pixel_maps().maps[m.upper].style = titled(rates, spec.name + " upper 95 % bound" + when);
    s.pixel_maps().maps[m.exceed].style = probability_style(
        spec.name + " above target" + when, "P(rate > " + display_label(spec.target, spec) + ")");
    s.pixel_maps().maps[m.information].style =
        information_style(as_layer(information_samples), spec, spec.name + " information" + when);
}

} // namespace riskmap::pixels
