#include "pipelines/job_state.hpp"

#include "sched/ranks.hpp"

namespace riskmap {

io::StagedOutput& staged_output(JobState& state) {
    if (!state.output)
        state.output = sched::is_writer()
                           ? std::make_unique<io::StagedOutput>(state.config.output_dir)
                           : std::make_unique<io::StagedOutput>(io::StagedOutput::ScratchOnly{});
    return *state.output;
}

} // namespace riskmap
