#pragma once
/// \file
/// All-or-nothing output: files are written into a hidden staging folder beside their final
/// place and renamed into place only when the whole run has succeeded. A failed or killed run
/// leaves the previous outputs untouched and no half-written file under a final name.

#include "core/table.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace riskmap::io {

class StagedOutput {
public:
    /// Creates `final_dir` if needed and a fresh staging folder inside it.
    explicit StagedOutput(std::filesystem::path final_dir);
    ~StagedOutput();
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;

    /// Where to write the file that will be called `name` in the final folder.
    std::string path(const std::string& name);
    /// A scratch file in the staging folder: never moved into place, removed with the folder.
    std::string scratch_path(const std::string& name) const { return (staging_ / name).string(); }
    /// Renames every staged file into the final folder (rename(2): atomic per file).
    void commit();
    const std::filesystem::path& final_dir() const { return final_dir_; }

private:
    std::filesystem::path final_dir_;
    std::filesystem::path staging_;
    std::vector<std::string> names_;
};

/// Writes the table as CSV (C locale numbers, NaN as an empty cell) in table.order.
void write_table_csv(const std::string& path, const Table& table);

} // namespace riskmap::io
