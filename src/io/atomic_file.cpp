#include "io/atomic_file.hpp"

#include "core/error.hpp"
#include "io/staged_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace riskmap::io {

namespace fs = std::filesystem;

void sync_path(const fs::path& path, bool folder) {
    const fs::path target = path.empty() ? fs::path(".") : path;
    const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
    if (fd < 0)
        throw Error("cannot open '" + target.string() + "': " + std::strerror(errno));
    const int synced = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (synced != 0)
        throw Error("cannot sync '" + target.string() + "': " + std::strerror(err));
}

void replace_file(const fs::path& path, const std::function<void(const std::string&)>& write,
                  const Replacement& how) {
    const fs::path temporary =
        how.temporary.empty() ? fs::path(path.string() + ".part") : how.temporary;
    const auto remove_temporary = [&] {
        std::error_code ec;
        fs::remove(temporary, ec);
    };
    try {
        write(temporary.string());
        if (how.durable)
            sync_path(temporary, false);
    } catch (...) {
        remove_temporary();
        throw;
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) {
        remove_temporary();
        throw Error("cannot " + how.action + " '" + path.string() + "': " + ec.message());
    }
    if (how.durable && how.sync_folder)
        sync_path(path.parent_path(), true);
}

void replace_file_text(const fs::path& path, std::string_view text, const Replacement& how) {
    replace_file(
        path, [&](const std::string& temporary) { write_file(temporary, text); }, how);
}

} // namespace riskmap::io
