#pragma once
/// \file
/// Helpers of the fault tests: byte snapshots of an output folder, a size-limited tmpfs, and
/// a riskmap run that can be killed.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace riskmap::test {

/// Every regular file under a folder, recursively: relative path -> bytes.
using Snapshot = std::map<std::string, std::string>;

/// Reads every file under `root` (hidden ones too); empty when `root` does not exist.
Snapshot snapshot(const std::string& root);

/// Empties `root` (keeping the folder itself, which may be a mount point) and writes the
/// snapshot's files into it.
void restore(const std::string& root, const Snapshot& files);

/// The relative paths that differ between two snapshots (missing, extra or other bytes);
/// run.json is compared without its timings, the only bytes that differ between equal runs.
std::vector<std::string> differences(const Snapshot& expected, const Snapshot& actual);

/// run.json without what differs between identical runs: stage times and resources used.
std::string without_timings(std::string run_json);

/// Names writers give files while they are incomplete: riskmap's staging folders and the
/// cube's temporaries (hidden names). Anything else is a final name.
bool is_hidden_path(const std::string& relative_path);

/// A tmpfs of `bytes` mounted on an existing folder, unmounted at the end. Needs
/// CAP_SYS_ADMIN (root outside a container, or a container with that capability).
class TmpfsMount {
public:
    TmpfsMount(std::string dir, long long bytes);
    ~TmpfsMount();
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    /// Bytes a non-root writer could still allocate.
    long long free_bytes() const;

private:
    std::string dir_;
};

/// Why a tmpfs cannot be mounted here ("" when it can): not root, or mount(2) refused.
std::string tmpfs_unavailable_reason(const std::string& scratch_dir);

/// Starts build/riskmap with the arguments, stdout and stderr into `log_path`, and with the
/// environment variables `extra_env` ("NAME=value", replacing ones of the same name).
pid_t spawn_riskmap(const std::vector<std::string>& args, const std::string& log_path,
                    const std::vector<std::string>& extra_env = {});

/// Environment for a riskmap that kills itself (SIGKILL) in place of its n-th rename(2).
std::vector<std::string> kill_at_rename_env(int n);

/// Waits for the process; its exit code, or -signal when a signal ended it.
int wait_exit(pid_t pid);

/// Seconds since an arbitrary start, monotonic.
double now_seconds();

/// True in a build with AddressSanitizer, where every riskmap run is several times slower.
constexpr bool kSanitizedBuild =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

/// How many times a fault test repeats: the environment variable `name` when set (a positive
/// whole number), else `normal`, or `sanitized` in an AddressSanitizer build.
int repetitions(const char* name, int normal, int sanitized);

} // namespace riskmap::test
