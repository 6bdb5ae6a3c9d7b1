#include "pipelines/class_maps.hpp"

#include "core/error.hpp"
#include "core/period.hpp"
#include "io/cube.hpp"
#include "kernels/change_probability.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/pixel_plan.hpp"
#include "sched/parallel_rows.hpp"

#include <bit>
#include <cmath>
#include <map>
#include <mutex>

namespace riskmap {

using namespace pixels;

namespace {
io::MapInfo priority_info(const JobConfig& cfg) {
    io::MapInfo info;
    info.description = "priority class (1 = the fifth of the population with the most "
                       "weighted expected excess cases per km2)";
    info.units = "class";
    info.metadata["period"] = cfg.period;
    info.category_names = {"no data", "1 highest", "2 high", "3 medium", "4 low", "5 lowest"};
    info.palette = {{0, 0, 0, 0},        {189, 0, 38, 255},   {240, 59, 32, 255},
                    {253, 141, 60, 255}, {254, 204, 92, 255}, {255, 255, 178, 255}};
    return info;
}

/// The second pass of the pixel classes over the tiles whose scores fall in a bin a class
/// boundary cuts (kernels/priority.hpp).
void second_pass(JobState& s, kernels::ScoreClasses& classes) {
    if (classes.needs_second_pass()) {
        const sched::TileLayout layout(s.grid().grid.width, s.grid().grid.height,
                                       s.config.tile_size);
        std::mutex merge;
        sched::for_each_tile(layout, [&](std::size_t i) {
            const Rect& t = layout.tile(i);
            const auto part = classes.partial(s.pixel_maps().score_file->read(t).values(),
                                              s.grid().population->read(t).values());
            std::lock_guard lock(merge);
            classes.add(part);
        });
    }
    classes.finish();
}

/// Change maps need this quarter's rates and the previous quarter's layers.
struct ChangePlan {
    std::string before;              ///< empty: no previous quarter, no change maps
    std::vector<std::size_t> rate;   ///< per indicator, index of its rate map
    std::vector<std::size_t> change; ///< per indicator, index of its change map
    std::size_t class_change = 0;
    /// Per indicator with effective denominators in both quarters: its n_eff map, its
    /// P(increase) map and the share of data the two quarters' pools have in common.
    struct Increase {
        std::size_t indicator = 0, information = 0, map = 0;
        double shared = 0;
    };
    std::vector<Increase> increase;
};

struct ClassTile final : sched::TileWork {
    Rect core;
    Layer<float> score, population;
    std::vector<Layer<float>> now_rate, previous_rate;
    Layer<float> previous_class;
    Layer<std::uint8_t> classes;
    std::vector<Layer<float>> change; ///< per indicator
    Layer<std::uint8_t> class_change; ///< stored as change + kClassChangeOffset, 0 nodata
    std::vector<Layer<float>> now_information, previous_information; ///< per plan.increase
    std::vector<Layer<float>> increase;                              ///< per plan.increase
    std::vector<std::vector<float>> samples;
    std::vector<Layer<float>> means;             ///< per prevalence map
    std::vector<Layer<std::uint8_t>> prevalence; ///< per prevalence map
};

/// Prevalence class maps (stunting: WHO/UNICEF, de Onis et al. 2019) of the posterior means.
struct PrevalenceMaps {
    std::vector<std::size_t> indicator, mean, map;
};

std::size_t map_named(const JobState& s, const std::string& name) {
    for (std::size_t m = 0; m < s.pixel_maps().maps.size(); ++m)
        if (s.pixel_maps().maps[m].name == name)
            return m;
    return SIZE_MAX;
}

PrevalenceMaps plan_prevalence(JobState& s) {
    PrevalenceMaps plan;
    const JobConfig& cfg = s.config;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        if (spec.class_breaks.empty())
            continue;
        io::MapInfo info;
        info.description = spec.name + " prevalence class of the posterior mean";
        info.units = "class";
        info.metadata["period"] = cfg.period;
        info.category_names = {"no data"};
        info.palette = {{0, 0, 0, 0}};
        const auto labels = prevalence_labels(spec);
        for (std::size_t c = 0; c < labels.size(); ++c) {
            info.category_names.push_back(labels[c]);
            const auto rgb = sequential_color(c, labels.size());
            info.palette.push_back({rgb[0], rgb[1], rgb[2], 255});
        }
        plan.indicator.push_back(k);
        plan.mean.push_back(map_named(s, spec.name + "_mean"));
        plan.map.push_back(add_map(s, spec.name + "_class", info, io::PixelType::Byte));
        s.pixel_maps().maps.back().in_cube = false;
        s.pixel_maps().maps.back().style = prevalence_style(
            spec, spec.name + " prevalence class" + (cfg.period.empty() ? "" : " " + cfg.period));
    }
    return plan;
}

std::uint8_t prevalence_class(float mean, const std::vector<double>& breaks) {
    if (std::isnan(mean))
        return 0;
    return static_cast<std::uint8_t>(
        1 + (std::upper_bound(breaks.begin(), breaks.end(), double(mean)) - breaks.begin()));
}

/// P(increase) maps need both quarters' effective denominators; a quarter written by a
/// riskmap before them has none (a warning says so).
void plan_increase(JobState& s, ChangePlan& plan, std::size_t k,
                   const std::vector<std::pair<std::string, std::string>>& meta) {
    const JobConfig& cfg = s.config;
    const IndicatorSpec& spec = cfg.indicators[k];
    try {
        io::cube_read_window(cfg.cube_path, plan.before, spec.name + "_n_eff", s.grid().grid,
                             Rect{0, 0, 1, 1});
    } catch (const InputError&) {
        s.warn(spec.name + ": the cube's " + plan.before +
                   " has no effective denominators (an older riskmap wrote it), so there is no "
                   "P(increase) map",
               localise(spec.name, Language::Indonesian) + ": " + plan.before +
                   " di kubus tidak punya penyebut efektif (ditulis riskmap versi lama), jadi "
                   "tidak ada peta P(kenaikan)");
        return;
    }
    const int pool = static_cast<int>(s.records().pools[k].periods.size());
    const int gap = *quarter_index(cfg.period) - *quarter_index(plan.before);
    ChangePlan::Increase inc;
    inc.indicator = k;
    inc.information = map_named(s, spec.name + "_n_eff");
    inc.shared = std::max(0, pool - gap) / static_cast<double>(pool);
    inc.map =
        add_map(s, spec.name + "_p_increase",
                float_info("P(" + spec.name + " rate " + cfg.period + " > rate " + plan.before +
                               ") at the pixel, from the kernel rates and "
                               "effective denominators of both",
                           "probability", meta));
    s.pixel_maps().maps.back().in_cube = false;
    plan.increase.push_back(inc);
}

io::MapInfo class_change_info(const std::string& before,
                              const std::vector<std::pair<std::string, std::string>>& meta,
                              const io::MapStyle& style) {
    io::MapInfo info;
    // No band offset: QGIS would apply it and read Float32 values the palette does not know.
    info.description = "priority class change since " + before +
                       " + 5: 5 same, 6..9 one to four classes higher priority now, 4..1 lower";
    info.units = "classes";
    info.metadata.insert(meta.begin(), meta.end());
    info.category_names = {"no data"};
    info.palette = {{0, 0, 0, 0}};
    for (const auto& stop : style.stops) {
        info.category_names.push_back(stop.label);
        info.palette.push_back({stop.rgb[0], stop.rgb[1], stop.rgb[2], 255});
    }
    return info;
}

ChangePlan plan_changes(JobState& s) {
    ChangePlan plan;
    plan.before = s.previous().period;
    if (plan.before.empty())
        return plan;
    const JobConfig& cfg = s.config;
    const std::vector<std::pair<std::string, std::string>> meta = {
        {"period", cfg.period}, {"previous_period", plan.before}};
    for (const auto& spec : cfg.indicators) {
        for (std::size_t m = 0; m < s.pixel_maps().maps.size(); ++m)
            if (s.pixel_maps().maps[m].name == spec.name + "_rate")
                plan.rate.push_back(m);
        auto with_indicator = meta;
        with_indicator.insert(with_indicator.begin(), {"indicator", spec.name});
        plan.change.push_back(add_map(s, spec.name + "_rate_change",
                                      float_info(spec.name + " rate change since " + plan.before,
                                                 "proportion", with_indicator)));
        s.pixel_maps().maps.back().in_cube = false;
        if (quarter_index(cfg.period) && quarter_index(plan.before))
            plan_increase(s, plan, static_cast<std::size_t>(&spec - cfg.indicators.data()),
                          with_indicator);
    }
    const io::MapStyle style =
        class_change_style("priority class change " + plan.before + " to " + cfg.period);
    plan.class_change = add_map(s, "priority_class_change",
                                class_change_info(plan.before, meta, style), io::PixelType::Byte);
    s.pixel_maps().maps.back().in_cube = false;
    s.pixel_maps().maps.back().style = style;
    return plan;
}

std::unique_ptr<sched::TileWork> read_class_tile(JobState& s, const ChangePlan& plan,
                                                 const PrevalenceMaps& prevalence,
                                                 const Rect& core) {
    auto t = std::make_unique<ClassTile>();
    t->core = core;
    t->score = s.pixel_maps().score_file->read(core);
    t->population = s.grid().population->read(core);
    for (std::size_t mean : prevalence.mean)
        t->means.push_back(s.pixel_maps().maps[mean].file->read(core));
    if (plan.before.empty())
        return t;
    const std::string& cube = s.config.cube_path;
    for (std::size_t k = 0; k < plan.rate.size(); ++k) {
        t->now_rate.push_back(s.pixel_maps().maps[plan.rate[k]].file->read(core));
        t->previous_rate.push_back(io::cube_read_window(
            cube, plan.before, s.config.indicators[k].name + "_rate", s.grid().grid, core));
    }
    t->previous_class =
        io::cube_read_window(cube, plan.before, "priority_class", s.grid().grid, core);
    for (const auto& inc : plan.increase) {
        t->now_information.push_back(s.pixel_maps().maps[inc.information].file->read(core));
        t->previous_information.push_back(io::cube_read_window(
            cube, plan.before, s.config.indicators[inc.indicator].name + "_n_eff", s.grid().grid,
            core));
    }
    return t;
}

/// Effective events and denominators of the two quarters at each pixel, compared on the log
/// or logit scale (kernels/change_probability.hpp).
void increase_pixels(const JobConfig& cfg, const ChangePlan& plan, ClassTile& t) {
    for (std::size_t j = 0; j < plan.increase.size(); ++j) {
        const auto& inc = plan.increase[j];
        const RateModel model = cfg.indicators[inc.indicator].model;
        const Layer<float>& now = t.now_rate[inc.indicator];
        const Layer<float>& before = t.previous_rate[inc.indicator];
        Layer<float> p(t.core.width, t.core.height, kNaNf);
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double n1 = t.now_information[j][i], n0 = t.previous_information[j][i];
            if (std::isnan(now[i]) || std::isnan(before[i]) || !(n1 > 0) || !(n0 > 0))
                continue;
            p[i] = static_cast<float>(kernels::increase_probability_approx(
                model, now[i] * n1, n1, before[i] * n0, n0, inc.shared));
        }
        t.increase.push_back(std::move(p));
    }
}

void compute_class_tile(const JobConfig& cfg, const kernels::ScoreClasses& classes,
                        const ChangePlan& plan, const PrevalenceMaps& prevalence, int stride,
                        ClassTile& t) {
    t.classes = Layer<std::uint8_t>(t.core.width, t.core.height, 0);
    for (std::size_t i = 0; i < t.score.size(); ++i)
        t.classes[i] = classes.class_of(t.score[i], t.population[i]);
    for (std::size_t j = 0; j < prevalence.map.size(); ++j) {
        const auto& breaks = cfg.indicators[prevalence.indicator[j]].class_breaks;
        Layer<std::uint8_t> layer(t.core.width, t.core.height, 0);
        for (std::size_t i = 0; i < layer.size(); ++i)
            layer[i] = prevalence_class(t.means[j][i], breaks);
        t.prevalence.push_back(std::move(layer));
    }
    if (plan.before.empty())
        return;
    t.samples.resize(plan.rate.size());
    for (std::size_t k = 0; k < plan.rate.size(); ++k) {
        Layer<float> change(t.core.width, t.core.height);
        for (std::size_t i = 0; i < change.size(); ++i)
            change[i] = t.now_rate[k][i] - t.previous_rate[k][i]; // NaN where either is
        for (int r = 0; r < t.core.height; ++r)
            for (int c = 0; c < t.core.width; ++c)
                if (on_lattice(t.core.y0 + r, t.core.x0 + c, stride) && !std::isnan(change(r, c)))
                    t.samples[k].push_back(change(r, c));
        t.change.push_back(std::move(change));
    }
    t.class_change = Layer<std::uint8_t>(t.core.width, t.core.height, 0);
    for (std::size_t i = 0; i < t.class_change.size(); ++i)
        if (t.classes[i] != 0 && !std::isnan(t.previous_class[i]))
            t.class_change[i] = static_cast<std::uint8_t>(static_cast<int>(t.previous_class[i]) -
                                                          t.classes[i] + kClassChangeOffset);
    increase_pixels(cfg, plan, t);
}

void style_changes(JobState& s, const ChangePlan& plan,
                   const std::vector<std::vector<float>>& samples) {
    const JobConfig& cfg = s.config;
    for (std::size_t k = 0; k < plan.change.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        Layer<float> sample_layer(static_cast<int>(samples[k].size()), 1);
        std::copy(samples[k].begin(), samples[k].end(), sample_layer.data());
        s.pixel_maps().maps[plan.change[k]].style = change_style(
            sample_layer, spec, spec.name + " rate change " + plan.before + " to " + cfg.period);
    }
    for (const auto& inc : plan.increase)
        s.pixel_maps().maps[inc.map].style = probability_style(
            cfg.indicators[inc.indicator].name + " increase " + plan.before + " to " + cfg.period,
            "P(rate " + cfg.period + " > rate " + plan.before + ")");
}
} // namespace

void ClassMaps::run(JobState& state) {
    const JobConfig& cfg = state.config;
    kernels::ScoreClasses classes(state.pixel_maps().score_histogram);
    second_pass(state, classes);
    const ChangePlan changes = plan_changes(state);
    const PrevalenceMaps prevalence = plan_prevalence(state);
    const std::size_t class_map =
        add_map(state, "priority_class", priority_info(cfg), io::PixelType::Byte);
    state.pixel_maps().maps[class_map].style =
        priority_style("priority class" + (cfg.period.empty() ? std::string() : " " + cfg.period));
    const int stride = sample_stride(state.grid().grid);
    std::vector<std::vector<float>> samples(changes.rate.size());
    const sched::TileLayout layout(state.grid().grid.width, state.grid().grid.height,
                                   cfg.tile_size);
    sched::run_tile_pipeline(
        layout, 2 * sched::worker_threads(),
        [&](std::size_t i) { return read_class_tile(state, changes, prevalence, layout.tile(i)); },
        [&](sched::TileWork& w) {
            compute_class_tile(cfg, classes, changes, prevalence, stride,
                               static_cast<ClassTile&>(w));
        },
        [&](sched::TileWork& w) {
            auto& t = static_cast<ClassTile&>(w);
            state.pixel_maps().maps[class_map].file->write(t.core, t.classes.data());
            for (std::size_t j = 0; j < prevalence.map.size(); ++j)
                state.pixel_maps().maps[prevalence.map[j]].file->write(t.core,
                                                                       t.prevalence[j].data());
            for (std::size_t k = 0; k < changes.change.size(); ++k) {
                state.pixel_maps().maps[changes.change[k]].file->write(t.core, t.change[k].data());
                samples[k].insert(samples[k].end(), t.samples[k].begin(), t.samples[k].end());
            }
            if (!changes.before.empty())
                state.pixel_maps().maps[changes.class_change].file->write(t.core,
                                                                          t.class_change.data());
            for (std::size_t j = 0; j < changes.increase.size(); ++j)
                state.pixel_maps().maps[changes.increase[j].map].file->write(t.core,
                                                                             t.increase[j].data());
        });
    if (!changes.before.empty())
        style_changes(state, changes, samples);
    state.pixel_maps().score_file.reset(); // the work file is no longer needed
    state.class_maps().has_priority_classes = true;
}

} // namespace riskmap
