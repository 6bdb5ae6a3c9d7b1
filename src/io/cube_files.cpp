#include "io/cube_files.hpp"

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

fs::path temporary(const fs::path& final_path) {
    return final_path.parent_path() / ("." + final_path.filename().string() +
                                       std::string(kTempMarker) + std::to_string(::getpid()));
}

/// Under the lock no other writer runs, so every temporary file is a killed writer's.
void remove_temporaries(const CubePaths& paths) {
    const std::string master_prefix = "." + paths.master.filename().string();
    std::error_code ec;
    for (const auto& dir : {paths.quarters, paths.master.parent_path()})
        for (const auto& entry : fs::directory_iterator(dir.empty() ? "." : dir, ec)) {
            const std::string name = entry.path().filename().string();
            const bool ours =
                dir == paths.quarters ? name.starts_with(".") : name.starts_with(master_prefix);
            if (ours && name.find(kTempMarker) != std::string::npos)
                fs::remove(entry.path(), ec);
        }
}

void sync(const fs::path& path, int flags) {
    const Fd fd(path, flags);
    if (::fsync(fd.get()) != 0)
        throw Error("cube: cannot sync '" + path.string() + "'");
}

/// rename(2): readers see the old file or the new one, never a mix.
void rename_into_place(const fs::path& tmp, const fs::path& path) {
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (!ec)
        return;
    fs::remove(tmp, ec);
    throw Error("cube: cannot rename '" + tmp.string() + "' to '" + path.string() +
                "': " + ec.message());
}

/// Makes the renames in `path`'s folder durable.
void sync_folder(const fs::path& path) {
    sync(path.parent_path().empty() ? fs::path(".") : path.parent_path(), O_RDONLY | O_DIRECTORY);
}

} // namespace riskmap::io::cube_detail
