#pragma once
/// \file
/// Stages that read the villages and join this quarter's records to them.

#include "pipelines/stage.hpp"

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

} // namespace riskmap
