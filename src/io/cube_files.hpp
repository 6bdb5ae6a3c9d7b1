#pragma once
/// \file
/// The cube's files on disk: its paths, the writers' lock, temporary names, durable
/// renames (fsync of file and folder) and the hard-linked backup of a replaced quarter.
/// Internal to src/io: the cube's files (cube.cpp) are built from these parts.

#include "core/error.hpp"
#include "io/cube_grid.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

/// A file descriptor, for fsync and flock.
class Fd {
public:
    Fd(const fs::path& path, int flags) : fd_(::open(path.c_str(), flags | O_CLOEXEC)) {
        if (fd_ < 0)
            throw Error("cube: cannot open '" + path.string() + "'");
    }
    ~Fd() { ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

struct CubePaths {
    fs::path master;   ///< out/riskmap.nc
    fs::path quarters; ///< out/riskmap.quarters
    std::string stem;  ///< riskmap

    explicit CubePaths(const std::string& path)
        : master(path), quarters(fs::path(path).replace_extension(".quarters")),
          stem(fs::path(path).stem().string()) {}
    std::string quarter_name(const std::string& period) const {
        return stem + "_" + period + ".nc";
    }
    fs::path quarter(const std::string& period) const { return quarters / quarter_name(period); }
    /// The period of a quarter file name, if it is one.
    std::optional<std::string> period_of(const std::string& name) const {
        if (name.size() != stem.size() + 10 || !name.starts_with(stem + "_") ||
            !name.ends_with(".nc") || !is_period(name.substr(stem.size() + 1, 6)))
            return std::nullopt;
        return name.substr(stem.size() + 1, 6);
    }
};

fs::path temporary(const fs::path& final_path);

// Files: lock, temporary names, durable renames

/// Serialises writers of one cube; the kernel drops the lock when a writer dies.
class CubeLock {
public:
    explicit CubeLock(const fs::path& quarters) : fd_(quarters, O_RDONLY | O_DIRECTORY) {
        if (::flock(fd_.get(), LOCK_EX) != 0)
            throw Error("cube: cannot lock '" + quarters.string() + "'");
    }

private:
    Fd fd_;
};

/// Under the lock no other writer runs, so every temporary file is a killed writer's.
void remove_temporaries(const CubePaths& paths);
/// Replaces `path` durably (atomic_file.hpp) under a temporary name of the cube's, which
/// the next writer removes if this one is killed; a failed write ends with its cause, since
/// HDF5 reports a full disk only as "file write failed".
/// `sync_folder` false leaves the folder's sync (io::sync_path) to the caller.
void write_cube_file(const fs::path& path, const std::function<void(const std::string&)>& write,
                     bool sync_folder = true);

/// The earlier version of a quarter file, kept as a hard link (no data copied, so it works on
/// a full disk) while the new version and then the master are written. Its name is a
/// temporary's, so a killed writer's backup is removed by the next write.
class QuarterBackup {
public:
    explicit QuarterBackup(fs::path quarter) : quarter_(std::move(quarter)) {
        backup_ = temporary(quarter_);
        backup_ += "-previous";
        std::error_code ec;
        fs::remove(backup_, ec);
        kept_ = fs::exists(quarter_) && ::link(quarter_.c_str(), backup_.c_str()) == 0;
        if (fs::exists(quarter_) && !kept_)
            throw Error("cube: cannot keep '" + quarter_.string() +
                        "' while it is replaced: " + std::strerror(errno));
    }
    ~QuarterBackup() {
        std::error_code ec;
        fs::remove(backup_, ec);
    }
    QuarterBackup(const QuarterBackup&) = delete;
    QuarterBackup& operator=(const QuarterBackup&) = delete;

    void restore() const {
        std::error_code ec;
        if (kept_)
            fs::rename(backup_, quarter_, ec);
        else
            fs::remove(quarter_, ec);
    }

private:
    fs::path quarter_, backup_;
    bool kept_ = false;
};

} // namespace riskmap::io::cube_detail
