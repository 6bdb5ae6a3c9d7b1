#include "io/cube_files.hpp"

#include "io/atomic_file.hpp"
#include "io/staged_output.hpp"

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

void write_cube_file(const fs::path& path, const std::function<void(const std::string&)>& write,
                     bool sync_folder) {
    const auto write_with_cause = [&](const std::string& tmp) {
        try {
            write(tmp);
        } catch (const InputError&) {
            throw;
        } catch (const Error& e) {
            throw Error(e.what() + write_failure_cause(tmp));
        }
    };
    replace_file(path, write_with_cause,
                 Replacement{"replace cube file", temporary(path), true, sync_folder});
}

} // namespace riskmap::io::cube_detail
