#include "pipelines/stage.hpp"

#include "core/error.hpp"

#include <array>
#include <chrono>
#include <stdexcept>

namespace riskmap {

std::string_view part_name(Part part) {
    static constexpr std::array<std::string_view, kParts> kNames = {
        "input digests", "villages", "records",    "neighbours", "grid",   "zones",
        "scores",        "previous", "pixel maps", "class maps", "outputs"};
    return kNames.at(static_cast<std::size_t>(part));
}

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

namespace {
std::string list_parts(Parts parts) {
    std::string out;
    for (int i = 0; i < kParts; ++i)
        if (const auto p = static_cast<Part>(i); parts.has(p))
            out += (out.empty() ? "" : ", ") + std::string(part_name(p));
    return out.empty() ? "-" : out;
}
} // namespace

void check_contracts(const Pipeline& pipeline) {
    Parts made;
    for (const auto& stage : pipeline) {
        for (int i = 0; i < kParts; ++i)
            if (const auto p = static_cast<Part>(i); stage->reads().has(p) && !made.has(p))
                throw std::logic_error("stage '" + std::string(stage->name()) + "' reads the " +
                                       std::string(part_name(p)) +
                                       ", which no earlier stage produces");
        made.add(stage->produces());
    }
}

std::string describe_pipeline(const Pipeline& pipeline) {
    std::string out;
    for (const auto& stage : pipeline) {
        out += std::string(stage->name()) + "\n    " + std::string(stage->description()) +
               "\n    reads: " + list_parts(stage->reads()) +
               "\n    produces: " + list_parts(stage->produces()) + "\n";
        std::string line = "    options:";
        for (const Option& o : stage->options()) {
            if (line.size() + std::string_view(o.key).size() > 94) {
                out += line + "\n";
                line = "            ";
            }
            line += std::string(" ") + o.key;
        }
        if (!stage->options().empty())
            out += line + "\n";
    }
    return out;
}

namespace {
/// Opens the job state's parts to one stage's contract for as long as it lives.
class ContractScope {
public:
    ContractScope(JobState& state, const Stage& stage) : state_(state) { state_.enter(&stage); }
    ~ContractScope() { state_.enter(nullptr); }
    ContractScope(const ContractScope&) = delete;
    ContractScope& operator=(const ContractScope&) = delete;

private:
    JobState& state_;
};
} // namespace

void run_pipeline(const Pipeline& pipeline, JobState& state, const ProgressFn& progress) {
    check_contracts(pipeline);
    for (std::size_t i = 0; i < pipeline.size(); ++i) {
        const auto& stage = pipeline[i];
        const ContractScope scope(state, *stage);
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
