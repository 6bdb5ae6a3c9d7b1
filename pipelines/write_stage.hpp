#pragma once
/// \file
/// write.outputs: every map and table into a staging folder, then renamed into place.

#include "pipelines/stage.hpp"

namespace riskmap {

class WriteOutputs final : public Stage {
public:
    std::string_view name() const override { return "write.outputs"; }
    std::string_view description() const override {
        return "write maps, tables, rejects and run.json, all or nothing";
    }
    void run(JobState& state) override;
};

} // namespace riskmap
