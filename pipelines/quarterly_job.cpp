#include "pipelines/quarterly_job.hpp"

#include "core/error.hpp"
#include "pipelines/change_stage.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/load_stages.hpp"
#include "pipelines/map_stages.hpp"
#include "pipelines/raster_stages.hpp"
#include "pipelines/score_stages.hpp"
#include "pipelines/write_stage.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/ranks.hpp"

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

Pipeline quarterly_pipeline() {
    Pipeline p;
    p.push_back(std::make_unique<ChecksumInputs>());
    p.push_back(std::make_unique<LoadVillages>());
    p.push_back(std::make_unique<JoinRecords>());
    p.push_back(std::make_unique<QueenNeighbours>()); // on its own thread until ScoreAreas
    p.push_back(std::make_unique<ReadRasters>());
    p.push_back(std::make_unique<VillageZones>());
    p.push_back(std::make_unique<ScoreAreas>());
    p.push_back(std::make_unique<CompareWithPrevious>());
    p.push_back(std::make_unique<PixelMaps>());
    if (!sched::is_writer()) { // other MPI ranks: their share of the pixels and of the maps
        p.push_back(std::make_unique<FinishRankMaps>());
        return p;
    }
    p.push_back(std::make_unique<PriorityMaps>());
    p.push_back(std::make_unique<WriteOutputs>());
    return p;
}

JobSummary run_quarterly_job(const JobConfig& config, const ProgressFn& progress) {
    sched::ThreadLimit threads(config.threads);
    JobState state(config);
    try {
        run_pipeline(quarterly_pipeline(), state, progress);
        // Under MPI the other ranks wait here for the writer: they meet its agreement before
        // it publishes (write_stage.cpp), then all learn how publishing ended.
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
    return {state.villages.table.size(), state.records.joined, state.records.rejected,
            state.warnings};
}

} // namespace riskmap
