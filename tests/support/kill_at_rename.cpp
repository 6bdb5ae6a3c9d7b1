// LD_PRELOAD library for the fault tests: the process kills itself with SIGKILL in place of
// its N-th rename(2) (N from RISKMAP_KILL_AT_RENAME), so that a test can stop riskmap exactly
// between two steps of publishing its outputs, windows of microseconds that kills at random
// times almost never hit. With RISKMAP_FAIL_AT_RENAME=N the N-th rename fails with EIO
// instead, as on a failing file system (one MPI rank's error).

#include <dlfcn.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace {
using RenameFn = int (*)(const char*, const char*);

RenameFn real_rename() {
    // POSIX guarantees that dlsym's object pointer converts to a function pointer.
    static const auto fn = reinterpret_cast<RenameFn>(dlsym(RTLD_NEXT, "rename"));
    return fn;
}

int from_env(const char* name) {
    const char* text = std::getenv(name);
    return text ? std::atoi(text) : 0;
}

int kill_at() {
    static const int n = from_env("RISKMAP_KILL_AT_RENAME");
    return n;
}

int fail_at() {
    static const int n = from_env("RISKMAP_FAIL_AT_RENAME");
    return n;
}
} // namespace

extern "C" int rename(const char* from, const char* to) noexcept {
    static std::atomic<int> calls{0};
    const int call = ++calls;
    if (call == kill_at())
        raise(SIGKILL);
    if (call == fail_at()) {
        errno = EIO;
        return -1;
    }
    return real_rename()(from, to);
}
