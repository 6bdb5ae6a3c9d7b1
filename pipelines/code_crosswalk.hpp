#pragma once
/// \file
/// inputs.code_crosswalk: records keyed by another code system (BPS village codes, or
/// Kemendagri codes from before a village was split or merged) mapped to the polygons' codes.

#include "core/village_code.hpp"

#include <map>
#include <string>
#include <vector>

namespace riskmap {

class CodeCrosswalk {
public:
    /// Reads a CSV whose first column holds the records' codes and whose second the
    /// polygons' codes (header row first, any names). Throws InputError naming the line for a
    /// code that is not one of `unit`, or a pair listed twice.
    CodeCrosswalk(const std::string& path, AreaUnit unit);

    /// The polygon code of a record code (normalised); `problem` says why there is none: not
    /// in the crosswalk, or mapped to several polygons (a split village cannot take one
    /// row's counts).
    NormalisedCode polygon_code(const std::string& record_code) const;

    std::size_t size() const { return to_.size(); }

private:
    std::string path_;
    std::map<std::string, std::vector<std::string>> to_;
};

} // namespace riskmap
