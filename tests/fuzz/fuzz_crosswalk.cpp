// Code crosswalks (inputs.code_crosswalk): any CSV gives a crosswalk whose every lookup is a
// village code or a reason, never both, or an InputError naming the line; never a crash.

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "pipelines/code_crosswalk.hpp"

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = riskmap::fuzz::input_file(data, size, ".csv");
    try {
        const riskmap::CodeCrosswalk crosswalk(path, riskmap::AreaUnit::Village);
        // Look up the first field of every input line: the listed codes and junk alike.
        std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
        for (std::string line; std::getline(lines, line);) {
            const auto code = crosswalk.polygon_code(line.substr(0, line.find(',')));
            if (code.ok() != code.problem.empty() || code.ok() == code.digits.empty())
                __builtin_trap();
            if (code.ok() && code.digits.size() != 10)
                __builtin_trap();
        }
    } catch (const riskmap::InputError&) {
    }
    return 0;
}
