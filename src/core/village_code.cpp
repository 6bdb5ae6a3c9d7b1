#include "core/village_code.hpp"

namespace riskmap {

namespace {
bool is_separator(char c) {
    return c == '.' || c == ' ' || c == '-' || c == '\t';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
} // std::isdigit depends on the locale
} // namespace

NormalisedCode normalise_village_code(std::string_view raw) {
    NormalisedCode out;
    for (char c : raw) {
        if (is_digit(c))
            out.digits.push_back(c);
        else if (!is_separator(c)) {
            out.digits.clear();
            out.problem = "village code '" + std::string(raw) + "' contains '" + c +
                          "'; expected 10 digits such as 32.05.01.2001";
            return out;
        }
    }
    if (out.digits.size() != 10) {
        out.problem = "village code '" + std::string(raw) + "' has " +
                      std::to_string(out.digits.size()) +
                      " digits; expected 10 (province 2, regency 2, kecamatan 2, village 4)";
        out.digits.clear();
    }
    return out;
}

std::string dotted_code(const std::string& digits) {
    if (digits.size() != 10)
        return digits;
    return digits.substr(0, 2) + "." + digits.substr(2, 2) + "." + digits.substr(4, 2) + "." +
           digits.substr(6, 4);
}

} // namespace riskmap
