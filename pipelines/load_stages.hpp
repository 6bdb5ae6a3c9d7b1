#pragma once
/// \file
/// Stages that read the villages and join this quarter's records to them.

#include "pipelines/job_config.hpp"
#include "pipelines/stage.hpp"

#include <string>
#include <vector>

namespace riskmap {

/// checksum.inputs: SHA-256 of every input file, for run.json.
class ChecksumInputs final : public Stage {
public:
    std::string_view name() const override { return "checksum.inputs"; }
    std::string_view description() const override {
        return "SHA-256 of every input file (provenance in run.json)";
    }
    void run(JobState& state) override;
};

/// read.villages: the village layer, codes normalised and checked unique.
class LoadVillages final : public Stage {
public:
    std::string_view name() const override { return "read.villages"; }
    std::string_view description() const override {
        return "read village polygons and codes from any OGR source";
    }
    void run(JobState& state) override;
};

/// join.records: the records CSV joined to villages by code; bad rows to rejects.
class JoinRecords final : public Stage {
public:
    std::string_view name() const override { return "join.records"; }
    std::string_view description() const override {
        return "read the records CSV and join its counts to villages by code";
    }
    void run(JobState& state) override;
};

/// Every quarter the records hold (their inputs.record_period column, monthly rows and dates
/// read as their quarter), oldest first. Throws UsageError without a period column.
std::vector<std::string> record_quarters(const JobConfig& config);

} // namespace riskmap
