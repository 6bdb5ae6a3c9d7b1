#include "pipelines/checksum_inputs.hpp"

#include "io/checksum.hpp"

#include <filesystem>

namespace riskmap {

void ChecksumInputs::run(JobState& state) {
    const JobConfig& cfg = state.config;
    for (const std::string* path : {&cfg.villages, &cfg.records, &cfg.code_crosswalk,
                                    &cfg.puskesmas_table, &cfg.population, &cfg.sanitation}) {
        // A missing file is reported by the stage that reads it, with its own context.
        if (path->empty() || !std::filesystem::exists(*path))
            continue;
        for (auto& entry : io::dataset_checksums(*path))
            state.digests().checksums.push_back(std::move(entry));
    }
}

} // namespace riskmap
