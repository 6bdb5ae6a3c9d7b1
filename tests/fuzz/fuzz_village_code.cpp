// Area-code normaliser: any text gives the unit's digits (10 for a village) or a reason, never
// both, never a crash, at every level and for free-form ids.

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
    using riskmap::AreaUnit;
    for (AreaUnit unit :
         {AreaUnit::Kecamatan, AreaUnit::Regency, AreaUnit::Province, AreaUnit::Any}) {
        const auto other = riskmap::normalise_area_code(text, unit);
        if (other.ok() != other.problem.empty() || other.ok() == other.digits.empty())
            __builtin_trap();
        if (other.ok() && unit != AreaUnit::Any &&
            riskmap::unit_from_digits(other.digits.size()) != unit)
            __builtin_trap();
    }
    return 0;
}
