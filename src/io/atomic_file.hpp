#pragma once
/// \file
/// One way to replace a file: whole or not at all. Every writer of a single file (the cube's
/// quarters and master, tile checkpoints, traces, reports, `riskmap smooth`) goes through it;
/// a folder of outputs is published by StagedOutput (staged_output.hpp), which builds on it.

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace riskmap::io {

/// How a file is replaced.
struct Replacement {
    /// Names the file in an error: "cannot <action> '<path>': <reason>".
    std::string action = "write";
    /// Where the new content is written first, in the same folder (rename(2) does not cross
    /// file systems); empty: the path with ".part" appended.
    std::filesystem::path temporary = {};
    /// fsync the new file before the rename, and (sync_folder) its folder after: the new file
    /// survives a power cut once the call returns (the cube, which outlives runs). Outputs
    /// published through StagedOutput and checkpoints need only the rename's atomicity.
    bool durable = false;
    /// With `durable`: whether the folder is synced here. A caller that must tell a failed
    /// folder sync (the new file already in place) from a failed write syncs it itself.
    bool sync_folder = true;
};

/// Writes `path` through `write(temporary)`, then renames the temporary over `path`: readers
/// see the old file or the new one, never a part. When `write`, the file's sync or the rename
/// fails the temporary is removed and `path` is left as it was; `write`'s exceptions pass
/// unchanged. A failed folder sync comes after `path` was replaced.
void replace_file(const std::filesystem::path& path,
                  const std::function<void(const std::string& temporary)>& write,
                  const Replacement& how = {});

/// replace_file with `text` as the new content (written by write_file).
void replace_file_text(const std::filesystem::path& path, std::string_view text,
                       const Replacement& how = {});

/// fsync of a file or a folder; throws Error naming it.
void sync_path(const std::filesystem::path& path, bool folder);

} // namespace riskmap::io
