#include "pipelines/job_state.hpp"

#include "pipelines/stage.hpp"
#include "sched/ranks.hpp"

#include <stdexcept>

namespace riskmap {

void JobState::enter(const Stage* stage) {
    stage_ = stage;
    allowed_ = {};
    if (stage) {
        allowed_.add(stage->reads());
        allowed_.add(stage->produces());
    }
}

void JobState::undeclared(Part part) const {
    throw std::logic_error("stage '" + std::string(stage_->name()) + "' uses the " +
                           std::string(part_name(part)) +
                           ", which its contract neither reads nor produces");
}

io::StagedOutput& staged_output(JobState& state) {
    if (!state.output)
        state.output = sched::is_writer()
                           ? std::make_unique<io::StagedOutput>(state.config.output_dir)
                           : std::make_unique<io::StagedOutput>(io::StagedOutput::ScratchOnly{});
    return *state.output;
}

} // namespace riskmap
