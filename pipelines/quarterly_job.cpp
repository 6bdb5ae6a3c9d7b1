#include "pipelines/quarterly_job.hpp"

#include "pipelines/change_stage.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/load_stages.hpp"
#include "pipelines/map_stages.hpp"
#include "pipelines/raster_stages.hpp"
#include "pipelines/score_stages.hpp"
#include "pipelines/write_stage.hpp"
#include "sched/parallel_rows.hpp"

namespace riskmap {

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
    p.push_back(std::make_unique<PriorityMaps>());
    p.push_back(std::make_unique<WriteOutputs>());
    return p;
}

JobSummary run_quarterly_job(const JobConfig& config, const ProgressFn& progress) {
    sched::ThreadLimit threads(config.threads);
    JobState state(config);
    try {
        run_pipeline(quarterly_pipeline(), state, progress);
    } catch (...) {
        // A run that fails (rather than being killed) keeps nothing: a full disk gets its
        // space back, and the previous outputs are all that is left in the folder.
        TileCheckpoints::discard_all(config.output_dir);
        throw;
    }
    return {state.villages.table.size(), state.records.joined, state.records.rejected,
            state.warnings};
}

} // namespace riskmap
