#include "pipelines/score_stages.hpp"

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
/// Pairs within snap_m (> 0) become neighbours; the others nearer than 1 m (or snap_m) are
/// kept to be reported: simplified real boundaries leave such gaps between true neighbours
/// (on Purbalingga, 20 pairs that touch or nearly touch share no vertex).
void link_near_pairs(QueenResult& out, const std::vector<io::NearPair>& near, double snap_m) {
    for (const io::NearPair& p : near) {
        if (snap_m <= 0 || p.distance_m > snap_m) { // 0: spdep's rule, shared vertices only
            out.near_unlinked.push_back(p);
            continue;
        }
        out.lists[std::size_t(p.a)].push_back(p.b);
        out.lists[std::size_t(p.b)].push_back(p.a);
        out.snapped.push_back(p);
    }
    for (auto& l : out.lists)
        std::sort(l.begin(), l.end());
}
} // namespace

void QueenNeighbours::run(JobState& state) {
    // Contiguity needs only the village polygons. It runs on a thread of its own while the
    // raster stages read, warp and burn, which leave a core idle much of the time; score.areas
    // waits for it. Nothing else touches the polygons meanwhile but to read them.
    state.queen = std::async(std::launch::async, [&villages = state.villages,
                                                  snap = state.config.neighbour_snap,
                                                  snap_m = state.config.neighbour_snap_m] {
        const auto start = std::chrono::steady_clock::now();
        QueenResult out;
        out.lists =
            kernels::queen_neighbours(io::boundary_vertices(villages), villages.table.size(), snap);
        link_near_pairs(out, io::near_pairs(villages, out.lists, std::max(snap_m, 1.0)), snap_m);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        out.seconds = took.count();
        return out;
    });
}

namespace {
/// The neighbours computed beside the raster stages, their time ("neighbours.queen.work" in
/// run.json) and the islands warning.
void collect_neighbours(JobState& state) {
    if (!state.queen.valid())
        return;
    QueenResult queen = state.queen.get();
    state.neighbours = std::move(queen.lists);
    state.snapped = std::move(queen.snapped);
    state.near_unlinked = std::move(queen.near_unlinked);
    state.timings.emplace_back("neighbours.queen.work", queen.seconds);
    if (!state.near_unlinked.empty()) {
        const io::NearPair& p = state.near_unlinked.front();
        const std::string n = std::to_string(state.near_unlinked.size());
        const std::string& a = state.villages.table[std::size_t(p.a)].code;
        const std::string& b = state.villages.table[std::size_t(p.b)].code;
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
    for (std::size_t i = 0; i < state.neighbours.size(); ++i) {
        if (!state.neighbours[i].empty())
            continue;
        if (++state.islands <= 5)
            examples += (examples.empty() ? "" : ", ") + state.villages.table[i].code;
    }
    if (state.islands > 0) {
        const std::string n = std::to_string(state.islands);
        const std::string list = examples + (state.islands > 5 ? ", ..." : "");
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
        const IndicatorScores& s = state.village_scores.scores[k];
        if (!cfg.uncertainty.integrated)
            continue;
        const auto& pool = state.pools[k].periods;
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
    state.village_scores = village_areas(state);
    score_areas(state.village_scores, state.config);
    state.parent_scores = {};
    if (parent_unit(state.villages.unit)) {
        state.parent_scores =
            parent_areas(state.village_scores, state.villages.unit, state.config.indicators.size());
        score_areas(state.parent_scores, state.config);
    }
    if (state.config.public_set)
        make_public_set(state);
    warn_little_information(state);
}

} // namespace riskmap
