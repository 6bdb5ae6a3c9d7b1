#pragma once
/// \file
/// Error categories. Each maps to one exit code of DESIGN.md section 4; they are thrown
/// anywhere and caught only in main().

#include <stdexcept>
#include <string>

namespace riskmap {

enum ExitCode : int { kExitOk = 0, kExitRuntime = 1, kExitUsage = 2, kExitInput = 3 };

/// Anything not caused by the user's command or data (I/O failure, library error): exit 1.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    virtual int exit_code() const { return kExitRuntime; }
};

/// Bad command line or configuration: exit 2.
class UsageError : public Error {
public:
    using Error::Error;
    int exit_code() const override { return kExitUsage; }
};

/// Bad input data (file, record, feature, raster): exit 3.
class InputError : public Error {
public:
    using Error::Error;
    int exit_code() const override { return kExitInput; }
};

/// An error every MPI rank of the run already knows (sched::agree): re-thrown as it is, with the
/// failing rank's exit code, and not agreed on again.
class AgreedError : public Error {
public:
    AgreedError(int code, const std::string& message) : Error(message), code_(code) {}
    int exit_code() const override { return code_; }

private:
    int code_;
};

} // namespace riskmap
