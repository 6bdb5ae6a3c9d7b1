#pragma once
/// \file
/// read.villages: the village layer, codes normalised and checked unique.

#include "pipelines/stage.hpp"

namespace riskmap {

class ReadVillages final : public Stage {
public:
    std::string_view name() const override { return "read.villages"; }
    std::string_view description() const override {
        return "read village polygons and codes from any OGR source";
    }
    Parts reads() const override { return {}; }
    Parts produces() const override { return {Part::Villages}; }
    Options options() const override;
    void run(JobState& state) override;
};

} // namespace riskmap
