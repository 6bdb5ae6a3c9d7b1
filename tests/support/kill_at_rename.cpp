// LD_PRELOAD library for the fault tests: the process kills itself with SIGKILL in place of
// its N-th rename(2) (N from RISKMAP_KILL_AT_RENAME), so that a test can stop riskmap exactly
// between two steps of publishing its outputs, windows of microseconds that kills at random
// times almost never hit.

#include <dlfcn.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace {
using RenameFn = int (*)(const char*, const char*);

RenameFn real_rename() {
    // POSIX guarantees that dlsym's object pointer converts to a function pointer.
    static const auto fn = reinterpret_cast<RenameFn>(dlsym(RTLD_NEXT, "rename"));
    return fn;
}

int kill_at() {
    static const int n = [] {
        const char* text = std::getenv("RISKMAP_KILL_AT_RENAME");
        return text ? std::atoi(text) : 0;
    }();
    return n;
}
} // namespace

extern "C" int rename(const char* from, const char* to) noexcept {
    static std::atomic<int> calls{0};
    if (++calls == kill_at())
        raise(SIGKILL);
    return real_rename()(from, to);
}
