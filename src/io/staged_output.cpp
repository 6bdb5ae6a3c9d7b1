#include "io/staged_output.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/csv.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace riskmap::io {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view kStagingPrefix = ".riskmap-staging-";
/// In a staging folder: the names being committed, one a line. It exists only complete
/// (written under another name, then renamed), and only once every staged file is.
constexpr const char* kJournal = ".commit";

/// Renames the listed files that are still in `staging` into `dir`.
void move_into_place(const fs::path& staging, const fs::path& dir,
                     const std::vector<std::string>& names) {
    for (const auto& name : names) {
        if (!fs::exists(staging / name))
            continue; // moved before the run was killed
        std::error_code ec;
        fs::rename(staging / name, dir / name, ec);
        if (ec)
            throw Error("cannot move '" + name + "' into '" + dir.string() + "': " + ec.message());
    }
}

std::vector<std::string> journal_names(const fs::path& journal) {
    std::ifstream in(journal, std::ios::binary);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            names.push_back(line);
    return names;
}

/// Staging folders of runs that were killed (their process is gone) are removed; those of
/// runs still going are left alone. A run killed while committing left its journal: its
/// commit is finished first, so the folder never stays a mix of two runs' files.
void recover_abandoned_staging(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(kStagingPrefix, 0) != 0)
            continue;
        const long pid = std::strtol(name.c_str() + kStagingPrefix.size(), nullptr, 10);
        if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
            continue;
        if (fs::exists(entry.path() / kJournal))
            move_into_place(entry.path(), dir, journal_names(entry.path() / kJournal));
        fs::remove_all(entry.path(), ec);
    }
}
} // namespace

StagedOutput::StagedOutput(fs::path final_dir) : final_dir_(std::move(final_dir)) {
    std::error_code ec;
    fs::create_directories(final_dir_, ec);
    if (ec)
        throw Error("cannot create output folder '" + final_dir_.string() + "': " + ec.message());
    recover_abandoned_staging(final_dir_);
    for (int attempt = 0;; ++attempt) {
        staging_ = final_dir_ / (std::string(kStagingPrefix) + std::to_string(::getpid()) + "-" +
                                 std::to_string(attempt));
        if (fs::create_directory(staging_, ec))
            break;
        if (ec || attempt > 100)
            throw Error("cannot create staging folder in '" + final_dir_.string() + "'");
    }
}

StagedOutput::StagedOutput(ScratchOnly) {
    std::string pattern = (fs::temp_directory_path() / "riskmap-scratch-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw Error("cannot create a scratch folder in '" + fs::temp_directory_path().string() +
                    "': " + std::strerror(errno));
    staging_ = pattern;
}

StagedOutput::~StagedOutput() {
    // A commit that failed half-way is left with its journal for the next run to finish.
    if (committing_)
        return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

std::string StagedOutput::path(const std::string& name) {
    if (std::find(names_.begin(), names_.end(), name) == names_.end())
        names_.push_back(name);
    return (staging_ / name).string();
}

void StagedOutput::prepare_commit() {
    if (final_dir_.empty())
        throw Error("internal: a scratch-only folder has no outputs to commit");
    // One rename per file cannot be atomic as a whole; the journal makes it all or nothing
    // once the next run has looked (see recover_abandoned_staging).
    std::string journal;
    for (const auto& name : names_)
        journal += name + "\n";
    write_file(journal_draft(), journal);
}

std::string StagedOutput::journal_draft() const {
    return (staging_ / (std::string(kJournal) + ".draft")).string();
}

void StagedOutput::commit() {
    if (!fs::exists(journal_draft()))
        prepare_commit();
    std::error_code ec;
    fs::rename(journal_draft(), staging_ / kJournal, ec);
    if (ec)
        throw Error("cannot commit '" + final_dir_.string() + "': " + ec.message());
    committing_ = true;
    move_into_place(staging_, final_dir_, names_);
    committing_ = false;
}

namespace {
/// Below this much free space a failed write is put down to a full disk: the writers here
/// fail for want of a few blocks, and a disk this full fails every writer anyway.
constexpr long long kNearlyFull = 1 << 20;

long long free_bytes(const fs::path& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0)
        return -1;
    return static_cast<long long>(st.f_bavail) * static_cast<long long>(st.f_frsize);
}

std::string errno_cause(int err) {
    switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
    case EIO:
    case EROFS:
        return ": " + std::string(std::strerror(err));
    default:
        return "";
    }
}

[[noreturn]] void write_failed(const std::string& path, int err) {
    throw Error("cannot write '" + path + "': " + std::strerror(err));
}
} // namespace

std::string write_failure_cause(const std::string& path) {
    const int err = errno; // libraries may have overwritten it since the failed write
    const fs::path dir = fs::path(path).parent_path();
    const long long free = free_bytes(dir.empty() ? fs::path(".") : dir);
    if (free >= 0 && free < kNearlyFull)
        return ": No space left on device (" + std::to_string(free) + " bytes free)";
    return errno_cause(err);
}

void write_file(const std::string& path, std::string_view text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        write_failed(path, errno);
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            write_failed(path, err);
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::close(fd) != 0)
        write_failed(path, errno);
}

namespace {
std::string cell(const TableColumn& col, std::size_t row) {
    if (col.kind == TableColumn::Kind::Text)
        return col.text[row];
    const double v = col.number[row];
    if (col.kind == TableColumn::Kind::Integer && !std::isnan(v))
        return std::to_string(static_cast<long long>(v));
    return format_double(v); // shortest text that reads back to the same double
}
} // namespace

void write_table_csv(const std::string& path, const Table& table) {
    std::string out;
    std::vector<std::string> fields;
    for (const auto& col : table.columns)
        fields.push_back(col.name);
    out += csv_line(fields);
    for (std::size_t k = 0; k < table.rows(); ++k) {
        const std::size_t row = table.order.empty() ? k : table.order[k];
        fields.clear();
        for (const auto& col : table.columns)
            fields.push_back(cell(col, row));
        out += csv_line(fields);
    }
    write_file(path, out);
}

} // namespace riskmap::io
