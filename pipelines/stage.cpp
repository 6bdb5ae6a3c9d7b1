#include "pipelines/stage.hpp"

#include "core/error.hpp"

#include <chrono>

namespace riskmap {

namespace {
// Re-throws with the stage's name in front, keeping the error's category (and exit code).
[[noreturn]] void rethrow_in_stage(std::string_view stage) {
    const std::string prefix = std::string(stage) + ": ";
    try {
        throw;
    } catch (const AgreedError&) {
        throw; // named its stage on the rank it came from
    } catch (const InputError& e) {
        throw InputError(prefix + e.what());
    } catch (const UsageError& e) {
        throw UsageError(prefix + e.what());
    } catch (const std::exception& e) {
        throw Error(prefix + e.what());
    }
}
} // namespace

void run_pipeline(const Pipeline& pipeline, JobState& state, const ProgressFn& progress) {
    for (std::size_t i = 0; i < pipeline.size(); ++i) {
        const auto& stage = pipeline[i];
        if (!stage->applies(state))
            continue;
        if (progress)
            progress(i, pipeline.size(), stage->name());
        const auto start = std::chrono::steady_clock::now();
        try {
            stage->run(state);
        } catch (...) {
            rethrow_in_stage(stage->name());
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        state.timings.emplace_back(std::string(stage->name()), took.count());
    }
}

} // namespace riskmap
