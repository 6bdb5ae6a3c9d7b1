#pragma once
/// \file
/// write.outputs: every map and table into a staging folder, then renamed into place.

#include "pipelines/stage.hpp"

#include <filesystem>

namespace riskmap {

/// write.outputs: every map and table into a staging folder, then renamed into place.
class WriteOutputs final : public Stage {
public:
    std::string_view name() const override { return "write.outputs"; }
    std::string_view description() const override {
        return "write maps, tables, rejects and run.json, all or nothing";
    }
    Parts reads() const override {
        return {Part::InputDigests, Part::Villages, Part::Records, Part::Neighbours,
                Part::Grid,         Part::Zones,    Part::Scores,  Part::Previous,
                Part::PixelMaps,    Part::ClassMaps};
    }
    Parts produces() const override { return {Part::Outputs}; }
    Options options() const override;
    void run(JobState& state) override;
};

} // namespace riskmap
