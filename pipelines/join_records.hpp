#pragma once
/// \file
/// join.records: this quarter's records (and the earlier quarters its pools need) joined to
/// the villages; bad rows to rejects.

#include "pipelines/job_config.hpp"
#include "pipelines/stage.hpp"

#include <string>
#include <vector>

namespace riskmap {

class JoinRecords final : public Stage {
public:
    std::string_view name() const override { return "join.records"; }
    std::string_view description() const override {
        return "read the records CSV and join its counts to villages by code";
    }
    Parts reads() const override { return {Part::Villages}; }
    Parts produces() const override { return {Part::Records}; }
    Options options() const override;
    void run(JobState& state) override;
};

/// Every quarter the records hold (their inputs.record_period column, monthly rows and dates
/// read as their quarter), oldest first. Throws UsageError without a period column.
std::vector<std::string> record_quarters(const JobConfig& config);

} // namespace riskmap
