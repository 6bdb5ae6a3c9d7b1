#include "pipelines/score_stages.hpp"

#include "core/numbers.hpp"
#include "io/neighbours_io.hpp"
#include "kernels/priority.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/map_styles.hpp"
#include "sched/parallel_rows.hpp"

#include <cmath>
#include <limits>

namespace riskmap {

namespace {
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool mapped(const JobState& s, std::size_t i) {
    return s.raster.village_of_pixel[i] >= 0 && !std::isnan(s.population[i]);
}

/// Per-pixel layers of one indicator.
struct IndicatorLayers {
    IndicatorLayers(int w, int h)
        : rate(w, h, kNaNf), mean(w, h, kNaNf), lower(w, h, kNaNf), upper(w, h, kNaNf),
          exceed(w, h, kNaNf) {}
    Layer<float> rate, mean, lower, upper, exceed;
};

/// Smoothed rate and the posterior (DESIGN.md "Pixel uncertainty") of one indicator at every
/// mapped pixel, from its peak-normalised effective counts and the villages' global prior.
IndicatorLayers indicator_layers(const JobState& s, std::size_t k) {
    const IndicatorSpec& spec = s.config.indicators[k];
    const kernels::Prior& prior = s.village_scores.scores[k].prior;
    const Layer<float>& y = s.smooth_numerator[k];
    const Layer<float>& n = s.smooth_denominator[k];
    const int width = s.grid.width;
    IndicatorLayers out(width, s.grid.height);
    sched::for_row_blocks(s.grid.height, [&](int begin, int end) {
        for (std::size_t i = std::size_t(begin) * width; i < std::size_t(end) * width; ++i) {
            if (!mapped(s, i) || !(n[i] > 0) || n[i] < spec.min_denominator)
                continue;
            const auto post = kernels::posterior(prior, y[i], n[i], spec.target);
            out.rate[i] = y[i] / n[i];
            out.mean[i] = static_cast<float>(post.mean);
            out.lower[i] = static_cast<float>(post.lower);
            out.upper[i] = static_cast<float>(post.upper);
            out.exceed[i] = static_cast<float>(post.exceed);
        }
    });
    return out;
}

Layer<float> masked_bandwidth(const JobState& s, std::size_t k, const Layer<float>& rate) {
    Layer<float> out = s.bandwidth_used[k];
    for (std::size_t i = 0; i < out.size(); ++i)
        if (std::isnan(rate[i]))
            out[i] = kNaNf;
    return out;
}

std::vector<std::pair<std::string, std::string>> indicator_metadata(const JobConfig& cfg,
                                                                    const IndicatorSpec& spec) {
    return {{"indicator", spec.name},
            {"target", format_double(spec.target)},
            {"display_scale", format_double(spec.display_scale)},
            {"bandwidth_m", format_double(cfg.bandwidth_m)},
            {"period", cfg.period}};
}

void add_map(JobState& s, std::string name, Layer<float> values, std::string description,
             std::string units, std::vector<std::pair<std::string, std::string>> meta,
             io::MapStyle style) {
    s.maps.push_back(NamedMap{std::move(name), std::move(values), std::move(description),
                              std::move(units), std::move(meta), std::move(style)});
}

io::MapStyle titled(io::MapStyle style, std::string title) {
    style.title = std::move(title);
    return style;
}

/// Risk index and priority score per pixel; returns the scores (NaN where unmapped).
std::vector<double> risk_and_score(JobState& s, const std::vector<Layer<float>>& exceed,
                                   const std::vector<Layer<float>>& mean, Layer<float>& risk) {
    const JobConfig& cfg = s.config;
    std::vector<double> score(s.grid.pixel_count(), kNaN);
    const int width = s.grid.width;
    sched::for_row_blocks(s.grid.height, [&](int begin, int end) {
        std::vector<double> ex(cfg.indicators.size());
        for (std::size_t i = std::size_t(begin) * width; i < std::size_t(end) * width; ++i) {
            if (!mapped(s, i))
                continue;
            double affected = 0;
            for (std::size_t k = 0; k < ex.size(); ++k) {
                ex[k] = exceed[k][i];
                if (!std::isnan(mean[k][i]))
                    affected += mean[k][i] * s.population[i] * cfg.indicators[k].population_share;
            }
            const double san = s.sanitation.size() ? s.sanitation[i] : kNaN;
            const double r = risk_index(ex, san, cfg);
            risk[i] = static_cast<float>(r);
            score[i] = r * affected;
        }
    });
    return score;
}
} // namespace

void QueenNeighbours::run(JobState& state) {
    const auto vertices = io::boundary_vertices(state.villages);
    state.neighbours = kernels::queen_neighbours(vertices, state.villages.table.size(),
                                                 state.config.neighbour_snap);
    std::string examples;
    for (std::size_t i = 0; i < state.neighbours.size(); ++i) {
        if (!state.neighbours[i].empty())
            continue;
        if (++state.islands <= 5)
            examples += (examples.empty() ? "" : ", ") + state.villages.table[i].code;
    }
    if (state.islands > 0)
        state.warnings.push_back(
            std::to_string(state.islands) + " village(s) have no queen neighbour (" + examples +
            (state.islands > 5 ? ", ..." : "") + "); their local EB is their own rate");
}

void ScoreAreas::run(JobState& state) {
    state.village_scores = village_areas(state);
    score_areas(state.village_scores, state.config);
    state.kecamatan_scores = kecamatan_areas(state.village_scores, state.config.indicators.size());
    score_areas(state.kecamatan_scores, state.config);
}

void ScorePixels::run(JobState& state) {
    const JobConfig& cfg = state.config;
    const int w = state.grid.width, h = state.grid.height;
    std::vector<Layer<float>> exceed, mean;
    const std::string when = cfg.period.empty() ? "" : " " + cfg.period;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        IndicatorLayers layers = indicator_layers(state, k);
        const auto meta = indicator_metadata(cfg, spec);
        const std::string kernel = cfg.bandwidth_ladder_m.empty()
                                       ? "h = " + format_double(cfg.bandwidth_m) + " m"
                                       : "adaptive h";
        // One set of breaks per indicator, so rate, mean and bounds read against each other.
        const io::MapStyle rates = rate_style(layers.rate, spec, "");
        if (!cfg.bandwidth_ladder_m.empty())
            add_map(state, spec.name + "_bandwidth_m", masked_bandwidth(state, k, layers.rate),
                    spec.name + " adaptive bandwidth used", "metre", meta,
                    bandwidth_style(cfg.bandwidth_ladder_m, spec.name + " bandwidth used" + when));
        add_map(state, spec.name + "_rate", std::move(layers.rate),
                spec.name + " rate, Gaussian kernel smoothed (" + kernel + ")", "proportion", meta,
                titled(rates, spec.name + " rate" + when + " (" + kernel + ")"));
        add_map(state, spec.name + "_mean", layers.mean,
                spec.name + " rate, posterior mean from the pixel's effective counts", "proportion",
                meta, titled(rates, spec.name + " posterior mean" + when));
        add_map(state, spec.name + "_lo", std::move(layers.lower),
                spec.name + " rate, 2.5 % posterior quantile", "proportion", meta,
                titled(rates, spec.name + " lower 95 % bound" + when));
        add_map(state, spec.name + "_hi", std::move(layers.upper),
                spec.name + " rate, 97.5 % posterior quantile", "proportion", meta,
                titled(rates, spec.name + " upper 95 % bound" + when));
        add_map(state, spec.name + "_exceed", layers.exceed,
                "P(" + spec.name + " rate > target " + format_double(spec.target) + ")",
                "probability", meta,
                probability_style(spec.name + " above target" + when,
                                  "P(rate > " + display_label(spec.target, spec) + ")"));
        exceed.push_back(std::move(layers.exceed));
        mean.push_back(std::move(layers.mean));
    }
    Layer<float> risk(w, h, kNaNf);
    const auto score = risk_and_score(state, exceed, mean, risk);
    add_map(state, "risk_index", std::move(risk),
            "composite risk index (weighted exceedance and sanitation deficit)", "index 0-1",
            {{"period", cfg.period}},
            probability_style("risk index" + when, "weighted exceedance and sanitation"));
    std::vector<double> pop(state.population.values().begin(), state.population.values().end());
    const auto classes = kernels::priority_classes(score, pop);
    state.priority_class_map = Layer<std::uint8_t>(w, h, 0);
    for (std::size_t i = 0; i < classes.size(); ++i)
        state.priority_class_map[i] = classes[i];
}

} // namespace riskmap
