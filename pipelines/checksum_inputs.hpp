#pragma once
/// \file
/// checksum.inputs: SHA-256 of every input file, for run.json.

#include "pipelines/stage.hpp"

namespace riskmap {

class ChecksumInputs final : public Stage {
public:
    std::string_view name() const override { return "checksum.inputs"; }
    std::string_view description() const override {
        return "SHA-256 of every input file (provenance in run.json)";
    }
    Parts reads() const override { return {}; }
    Parts produces() const override { return {Part::InputDigests}; }
    void run(JobState& state) override;
};

} // namespace riskmap
