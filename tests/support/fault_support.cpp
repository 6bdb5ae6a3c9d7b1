#include "support/fault_support.hpp"

#include "support/fixtures.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace riskmap::test {

namespace fs = std::filesystem;

Snapshot snapshot(const std::string& root) {
    Snapshot files;
    if (!fs::exists(root))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), root).string()] = read_text(entry.path().string());
    return files;
}

void restore(const std::string& root, const Snapshot& files) {
    for (const auto& entry : fs::directory_iterator(root))
        fs::remove_all(entry.path());
    for (const auto& [name, bytes] : files) {
        const fs::path path = fs::path(root) / name;
        fs::create_directories(path.parent_path());
        write_text(path.string(), bytes);
    }
}

/// run.json without what differs between identical runs: stage times and resources used.
std::string without_timings(std::string run_json) {
    for (const char* key : {"\"timings_s\": {", "\"resources\": {"}) {
        const auto start = run_json.find(key);
        if (start == std::string::npos)
            continue;
        const auto end = run_json.find('}', start);
        run_json = run_json.substr(0, start) + run_json.substr(end + 1);
    }
    return run_json;
}

std::vector<std::string> differences(const Snapshot& expected, const Snapshot& actual) {
    std::vector<std::string> out;
    for (const auto& [name, bytes] : expected) {
        const auto it = actual.find(name);
        const bool report = fs::path(name).filename() == "run.json";
        if (it == actual.end())
            out.push_back(name + " (missing)");
        else if (report ? without_timings(it->second) != without_timings(bytes)
                        : it->second != bytes)
            out.push_back(name + " (other bytes)");
    }
    for (const auto& [name, bytes] : actual)
        if (!expected.count(name))
            out.push_back(name + " (extra)");
    return out;
}

bool is_hidden_path(const std::string& relative_path) {
    for (const auto& part : fs::path(relative_path))
        if (part.string().starts_with("."))
            return true;
    return false;
}

TmpfsMount::TmpfsMount(std::string dir, long long bytes) : dir_(std::move(dir)) {
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("riskmap-test", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
        throw std::runtime_error("cannot mount a tmpfs on '" + dir_ + "': " + std::strerror(errno));
}

TmpfsMount::~TmpfsMount() {
    ::umount2(dir_.c_str(), MNT_DETACH);
}

long long TmpfsMount::free_bytes() const {
    struct statvfs st {};
    if (::statvfs(dir_.c_str(), &st) != 0)
        throw std::runtime_error("statvfs '" + dir_ + "': " + std::strerror(errno));
    return static_cast<long long>(st.f_bavail) * static_cast<long long>(st.f_frsize);
}

std::string tmpfs_unavailable_reason(const std::string& scratch_dir) {
    if (::geteuid() != 0)
        return "not running as root (mounting a tmpfs needs CAP_SYS_ADMIN)";
    try {
        const TmpfsMount probe(scratch_dir, 1 << 20);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

namespace {
std::vector<char*> c_strings(std::vector<std::string>& texts) {
    std::vector<char*> out;
    for (auto& t : texts)
        out.push_back(t.data());
    out.push_back(nullptr);
    return out;
}

/// This process's environment with `extra` ("NAME=value") set on top.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& x : extra)
            replaced = replaced || x.starts_with(name);
        if (!replaced)
            env.push_back(entry);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}
} // namespace

pid_t spawn_riskmap(const std::vector<std::string>& args, const std::string& log_path,
                    const std::vector<std::string>& extra_env) {
    std::vector<std::string> argv_text{RISKMAP_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<std::string> env_text = environment_with(extra_env);
    const std::vector<char*> argv = c_strings(argv_text), envp = c_strings(env_text);
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) { // only async-signal-safe calls from here to exec
        const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

std::vector<std::string> kill_at_rename_env(int n) {
    const char* asan = std::getenv("ASAN_OPTIONS");
    // A preloaded library comes before AddressSanitizer's runtime, which it otherwise refuses.
    return {"LD_PRELOAD=" RISKMAP_KILL_AT_RENAME_LIBRARY,
            "RISKMAP_KILL_AT_RENAME=" + std::to_string(n),
            "ASAN_OPTIONS=" + std::string(asan ? asan : "") + (asan ? ":" : "") +
                "verify_asan_link_order=0"};
}

int wait_exit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int repetitions(const char* name, int normal, int sanitized) {
    if (const char* text = std::getenv(name)) {
        const int n = std::atoi(text);
        if (n <= 0)
            throw std::runtime_error(std::string(name) + " must be a positive whole number");
        return n;
    }
    return kSanitizedBuild ? sanitized : normal;
}

} // namespace riskmap::test
