#pragma once
/// \file
/// All-or-nothing output: files are written into a hidden staging folder beside their final
/// place and renamed into place only when the whole run has succeeded. A failed or killed run
/// leaves the previous outputs untouched and no half-written file under a final name.
/// The renames are journalled: a run killed among them (a window of microseconds) leaves
/// every file whole, old or new, and the next run into the folder finishes its commit.

#include "core/table.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace riskmap::io {

class StagedOutput {
public:
    /// Creates `final_dir` if needed and a fresh staging folder inside it.
    explicit StagedOutput(std::filesystem::path final_dir);
    /// Scratch space only, in the system's temporary folder (node-local on a cluster): for an
    /// MPI rank other than the writer, which keeps its work files there and finishes its maps
    /// into the writer's staging folder, so it never judges (by process id, meaningless on
    /// another node) whose staging in the output folder is abandoned. Nothing can be
    /// committed from it.
    struct ScratchOnly {};
    explicit StagedOutput(ScratchOnly);
    ~StagedOutput();
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;

    /// Where to write the file that will be called `name` in the final folder.
    std::string path(const std::string& name);
    /// A scratch file in the staging folder: never moved into place, removed with the folder.
    std::string scratch_path(const std::string& name) const { return (staging_ / name).string(); }
    /// Writes the commit's journal, the last write that needs space; call it once every file
    /// is staged when other writes (the cube) must come between the staging and the commit.
    void prepare_commit();
    /// Renames every staged file into the final folder (rename(2): atomic per file), after
    /// a journal listing them so that a commit cut short is finished by the next run.
    void commit();
    const std::filesystem::path& final_dir() const { return final_dir_; }
    /// The staging folder itself (MPI ranks finish maps into the writer's).
    const std::filesystem::path& staging_dir() const { return staging_; }

private:
    std::string journal_draft() const;

    std::filesystem::path final_dir_;
    std::filesystem::path staging_;
    std::vector<std::string> names_;
    bool committing_ = false;
};

/// Writes `text` to `path` (created or truncated) with POSIX calls, so a failure is reported
/// with the system's own reason; throws Error naming the file and the reason.
void write_file(const std::string& path, std::string_view text);

/// Why writing `path` failed, to end a message: ": No space left on device (N bytes free)"
/// when the file system holding it is (nearly) full, else the reason in errno when it is one
/// writes give (file too large, quota, I/O error, read-only), else "". For libraries (GDAL,
/// HDF5, cairo) that report a failed write without its cause; call it before cleaning up.
std::string write_failure_cause(const std::string& path);

/// Writes the table as CSV (C locale numbers, NaN as an empty cell) in table.order.
void write_table_csv(const std::string& path, const Table& table);

} // namespace riskmap::io
