#include "pipelines/score_areas.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/period.hpp"
#include "io/neighbours_io.hpp"
#include "kernels/priority.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/public_set.hpp"
#include "sched/parallel_rows.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>

namespace riskmap {

namespace {
/// The neighbours computed beside the raster stages, their time ("neighbours.queen.work" in
/// run.json) and the islands warning.
void collect_neighbours(JobState& state) {
    if (!state.neighbours().pending.valid())
        return;
    QueenResult queen = state.neighbours().pending.get();
    state.neighbours().lists = std::move(queen.lists);
    state.neighbours().snapped = std::move(queen.snapped);
    state.neighbours().near_unlinked = std::move(queen.near_unlinked);
    state.timings.emplace_back("neighbours.queen.work", queen.seconds);
    if (!state.neighbours().near_unlinked.empty()) {
        const io::NearPair& p = state.neighbours().near_unlinked.front();
        const std::string n = std::to_string(state.neighbours().near_unlinked.size());
        const std::string& a = state.villages().table[std::size_t(p.a)].code;
        const std::string& b = state.villages().table[std::size_t(p.b)].code;
        const std::string metres = format_double(p.distance_m, 2);
        state.warn(n +
                       " village pair(s) lie less than a metre apart without sharing a vertex "
                       "(e.g. " +
                       a + " and " + b + ", " + metres +
                       " m): not queen neighbours; neighbours.snap_m = 1 links them",
                   n +
                       " pasang desa berjarak kurang dari satu meter tanpa titik sudut bersama "
                       "(mis. " +
                       a + " dan " + b + ", " + localise_number(metres, Language::Indonesian) +
                       " m): bukan tetangga queen; neighbours.snap_m = 1 menghubungkannya");
    }
    std::string examples;
    for (std::size_t i = 0; i < state.neighbours().lists.size(); ++i) {
        if (!state.neighbours().lists[i].empty())
            continue;
        if (++state.neighbours().islands <= 5)
            examples += (examples.empty() ? "" : ", ") + state.villages().table[i].code;
    }
    if (state.neighbours().islands > 0) {
        const std::string n = std::to_string(state.neighbours().islands);
        const std::string list = examples + (state.neighbours().islands > 5 ? ", ..." : "");
        state.warn(n + " village(s) have no queen neighbour (" + list +
                       "); their local EB is their own rate",
                   n + " desa tidak punya tetangga queen (" + list +
                       "); EB lokalnya adalah angkanya sendiri");
    }
}
} // namespace

namespace {
std::string percent(double share) {
    return std::to_string(static_cast<int>(std::lround(100 * share))) + " %";
}

/// Plain words when an indicator's data carry little information (DESIGN.md section 3): a
/// planner must not read a map of the prior as a map of the villages.
void warn_little_information(JobState& state) {
    const JobConfig& cfg = state.config;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        const IndicatorScores& s = state.scores().villages.scores[k];
        if (!cfg.uncertainty.integrated)
            continue;
        const auto& pool = state.records().pools[k].periods;
        const std::string range =
            pool.size() > 1 ? quarter_range(cfg.period, static_cast<int>(pool.size())) : "";
        const std::string when = !range.empty()       ? " over " + range
                                 : cfg.period.empty() ? ""
                                                      : " in " + cfg.period;
        const std::string when_id = !range.empty()       ? " selama " + range
                                    : cfg.period.empty() ? ""
                                                         : " pada " + cfg.period;
        const std::string events = format_double(s.hyper.events, 6);
        const std::string areas = format_double(s.hyper.areas, 6);
        const std::string name_id = localise(spec.name, Language::Indonesian);
        const std::string counted =
            events + " " + spec.numerator + " in " + areas + " villages" + when;
        const std::string counted_id =
            events + " " + spec.numerator + " di " + areas + " desa" + when_id;
        const double signal = s.exchangeable.signal_share();
        if (s.hyper.events == 0)
            state.warn(spec.name + ": no " + spec.numerator + " at all (" + counted +
                           "): every village estimate is the prior",
                       name_id + ": sama sekali tidak ada " + spec.numerator + " (" + counted_id +
                           "): setiap estimasi desa adalah prior");
        else if (signal < 0.5)
            state.warn(spec.name + ": " + counted +
                           ": village differences are mostly the prior (about " + percent(signal) +
                           " of the variation between crude village rates is signal); intervals "
                           "are wide and rankings by " +
                           spec.name + " uncertain",
                       name_id + ": " + counted_id +
                           ": perbedaan antar desa sebagian besar berasal dari prior (sekitar " +
                           percent(signal) +
                           " variasi angka kasar antar desa adalah sinyal); interval lebar dan "
                           "peringkat menurut " +
                           name_id + " tidak pasti");
        const auto& check = s.self_check;
        if (check.areas > 0 && check.inside95 / check.areas < 0.9)
            state.warn(
                spec.name + ": the self-check expects the 95 % intervals to hold only " +
                    percent(check.inside95 / check.areas) + " of village rates with data this thin",
                name_id + ": pemeriksaan mandiri memperkirakan interval 95 % hanya memuat " +
                    percent(check.inside95 / check.areas) + " angka desa dengan data setipis ini");
    }
}
} // namespace

void ScoreAreas::run(JobState& state) {
    collect_neighbours(state);
    state.scores().villages = village_areas(state);
    score_areas(state.scores().villages, state.config);
    state.scores().parents = {};
    if (parent_unit(state.villages().unit)) {
        state.scores().parents = parent_areas(state.scores().villages, state.villages().unit,
                                              state.config.indicators.size());
        score_areas(state.scores().parents, state.config);
    }
    if (state.config.public_set)
        make_public_set(state);
    warn_little_information(state);
}

namespace {
void bind_top_k(const Settings& s, JobConfig& c) {
    const std::string top = s.text("priority.top_k");
    const auto k = parse_count(top);
    if (top != "fifth" && (!k || *k < 1 || *k > 100000000))
        throw UsageError(s.source("priority.top_k") +
                         "the value of 'priority.top_k' must be a whole number of areas or "
                         "'fifth', not '" +
                         top + "'");
    c.priority.top_k = top == "fifth" ? 0 : static_cast<int>(*k);
}

const Option kScoreOptions[] = {
    {"risk.sanitation_weight", "1",
     "weight of the sanitation deficit in the risk index (context only: ranks use excess "
     "cases)",
     [](const Settings& s, JobConfig& c) {
         c.sanitation_weight = s.number("risk.sanitation_weight", 0, false);
     }},
    {"priority.top_k", "fifth",
     "areas counted as the top of a list for P(top K): a number, or fifth (a fifth of them)",
     bind_top_k},
    {"priority.draws", "200", "posterior draws behind P(top K) and the 95 % rank intervals",
     [](const Settings& s, JobConfig& c) {
         c.priority.draws =
             static_cast<int>(s.count("priority.draws", 20, 100000, "from 20 to 100000"));
     }},
    {"uncertainty.method", "integrated",
     "integrated: the prior's mean and between-area CV weighted on a grid by the marginal "
     "likelihood and a hyperprior; plugin: spdep/GeoDa moment estimates taken as known",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.integrated =
             s.choice("uncertainty.method", {"integrated", "plugin"}) == "integrated";
     }},
    {"uncertainty.spatial", "true",
     "villages' and kecamatan priors may centre on their neighbourhood (a leave-one-out "
     "kernel rate at smoothing.bandwidth_m); how far is weighed by the data",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.spatial = s.flag("uncertainty.spatial");
     }},
    {"uncertainty.kappa_scale", "1",
     "scale of the half-normal prior on the between-area coefficient of variation",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.kappa_scale = s.number("uncertainty.kappa_scale", 0, true);
     }},
    {"uncertainty.mean_sd", "2.3",
     "standard deviation of the prior on log (poisson) or logit (binomial) of the mean rate, "
     "centred on the target; 2.3 is a factor of 10",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.mean_sd = s.number("uncertainty.mean_sd", 0, true);
     }},
    {"uncertainty.subvillage_share", "0.5",
     "pixels: stated sd of the true rate inside a village, as a share of the sd between "
     "villages",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.subvillage_share = s.number("uncertainty.subvillage_share", 0, false);
     }},
    {"uncertainty.subvillage_cv", "0.05",
     "pixels: stated floor of the coefficient of variation of the true rate inside a village",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.subvillage_cv = s.number("uncertainty.subvillage_cv", 0, false);
     }},
    {"uncertainty.local_prior_areas", "10",
     "pixels: weight, in areas, of the global between-area variance against the local one",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.local_prior_areas = s.number("uncertainty.local_prior_areas", 0, false);
     }},
    {"uncertainty.self_check", "10",
     "simulations from the fitted model whose expected coverage goes to run.json (0: none)",
     [](const Settings& s, JobConfig& c) {
         c.uncertainty.self_check_replicates = static_cast<int>(
             s.count("uncertainty.self_check", 0, 10000, "of simulations from 0 to 10000"));
     }},
    {"uncertainty.seed", "1", "seed of the run's random draws (self-check)",
     [](const Settings& s, JobConfig& c) {
         const auto seed = parse_count(s.text("uncertainty.seed"));
         if (!seed)
             throw UsageError(s.source("uncertainty.seed") +
                              "the value of 'uncertainty.seed' must be a whole number, not '" +
                              s.text("uncertainty.seed") + "'");
         c.uncertainty.seed = static_cast<std::uint64_t>(*seed);
     }},
};
} // namespace

Options ScoreAreas::options() const {
    return kScoreOptions;
}

} // namespace riskmap
