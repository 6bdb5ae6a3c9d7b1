#include "pipelines/quarterly_job.hpp"

#include "core/error.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/checksum_inputs.hpp"
#include "pipelines/class_maps.hpp"
#include "pipelines/compare_previous.hpp"
#include "pipelines/finish_maps.hpp"
#include "pipelines/join_records.hpp"
#include "pipelines/pixel_maps.hpp"
#include "pipelines/queen_neighbours.hpp"
#include "pipelines/read_rasters.hpp"
#include "pipelines/read_villages.hpp"
#include "pipelines/score_areas.hpp"
#include "pipelines/village_zones.hpp"
#include "pipelines/write_outputs.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/ranks.hpp"

#include <algorithm>
#include <iterator>

namespace riskmap {

namespace {
/// Inside a catch: the outcome every rank agrees on, this rank's error included unless the
/// ranks have agreed on it already. One process: this error.
sched::Outcome agree_on_failure() {
    try {
        throw;
    } catch (const AgreedError& e) {
        sched::Outcome agreed;
        agreed.code = e.exit_code();
        agreed.message = e.what();
        return agreed;
    } catch (const Error& e) {
        return sched::agree(e.exit_code(), e.what());
    } catch (const std::exception& e) {
        return sched::agree(kExitRuntime, e.what());
    }
}
void agree_or_throw() {
    if (const sched::Outcome o = sched::agree(0, ""); o.code)
        sched::throw_outcome(o);
}
} // namespace

Pipeline quarterly_pipeline(bool writer) {
    Pipeline p;
    p.push_back(std::make_unique<ChecksumInputs>());
    p.push_back(std::make_unique<ReadVillages>());
    p.push_back(std::make_unique<JoinRecords>());
    p.push_back(std::make_unique<QueenNeighbours>()); // on its own thread until ScoreAreas
    p.push_back(std::make_unique<ReadRasters>());
    p.push_back(std::make_unique<VillageZones>());
    p.push_back(std::make_unique<ScoreAreas>());
    p.push_back(std::make_unique<CompareWithPrevious>());
    p.push_back(std::make_unique<PixelMaps>());
    if (!writer) { // other MPI ranks: their share of the pixels and of the maps
        p.push_back(std::make_unique<FinishRankMaps>());
        return p;
    }
    p.push_back(std::make_unique<ClassMaps>());
    p.push_back(std::make_unique<WriteOutputs>());
    return p;
}

namespace {
// The INI file's sections in the order --dump-config and run.json show them.
constexpr std::string_view kSections[] = {"inputs",   "smoothing",   "neighbours", "risk",
                                          "priority", "uncertainty", "run",        "output"};

std::size_t section_rank(std::string_view key) {
    const std::string_view section = key.substr(0, key.find('.'));
    const auto* it = std::find(std::begin(kSections), std::end(kSections), section);
    return static_cast<std::size_t>(it - std::begin(kSections));
}
} // namespace

std::vector<Option> quarterly_options() {
    const Options job = job_options();
    std::vector<Option> all(job.begin(), job.end());
    for (const auto& stage : quarterly_pipeline(true))
        for (const Option& o : stage->options())
            all.push_back(o);
    std::stable_sort(all.begin(), all.end(), [](const Option& a, const Option& b) {
        return section_rank(a.key) < section_rank(b.key);
    });
    return all;
}

JobConfig bind_quarterly_job(const Settings& settings, const std::vector<std::string>& indicators) {
    JobConfig c;
    bind_indicators(settings, indicators, c); // first: a child register keeps one of them
    for (const Option& o : quarterly_options()) {
        if (o.bind)
            o.bind(settings, c);
        c.resolved.emplace_back(o.key, o.kind == Option::Kind::Path ? settings.path(o.key)
                                                                    : settings.text(o.key));
    }
    for (const auto& name : indicators)
        for (const auto& o : indicator_options(name))
            c.resolved.emplace_back(o.key, settings.text(o.key));
    return c;
}

JobSummary run_quarterly_job(const JobConfig& config, const ProgressFn& progress) {
    sched::ThreadLimit threads(config.threads);
    JobState state(config);
    try {
        run_pipeline(quarterly_pipeline(sched::is_writer()), state, progress);
        // Under MPI the other ranks wait here for the writer: they meet its agreement before
        // it publishes (write_outputs.cpp), then all learn how publishing ended.
        if (!sched::is_writer())
            agree_or_throw();
        agree_or_throw();
    } catch (...) {
        const sched::Outcome o = agree_on_failure();
        // A run that fails (rather than being killed) keeps nothing: a full disk gets its
        // space back, and the previous outputs are all that is left in the folder.
        if (sched::is_writer())
            TileCheckpoints::discard_all(config.output_dir);
        if (sched::ranks() > 1 && o.failed_rank >= 0)
            sched::throw_outcome(o);
        throw;
    }
    return {state.villages().table.size(), state.records().tally.joined,
            state.records().tally.rejected, state.warnings};
}

} // namespace riskmap
