// Village-code normaliser: any text gives 10 digits or a reason, never both, never a crash.

#include "core/village_code.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto code = riskmap::normalise_village_code(text);
    if (code.ok() != code.problem.empty())
        __builtin_trap();
    if (code.ok()) {
        if (code.digits.size() != 10)
            __builtin_trap();
        for (char c : code.digits)
            if (c < '0' || c > '9')
                __builtin_trap();
        if (riskmap::dotted_code(code.digits).size() != 13)
            __builtin_trap();
    }
    return 0;
}
