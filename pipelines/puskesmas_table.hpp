#pragma once
/// \file
/// inputs.puskesmas_table: records keyed by puskesmas (health centre) name, as many dashboard
/// extracts are, summed to the area each puskesmas serves (its kecamatan in a kecamatan-level
/// run, its village where it serves one). A CSV of `puskesmas,code` rows.

#include "core/names.hpp"
#include "core/village_code.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace riskmap {

class PuskesmasTable {
public:
    /// Throws InputError naming the line for a bad code, an empty name, or one puskesmas
    /// listed twice with different areas.
    PuskesmasTable(const std::string& path, AreaUnit unit);

    struct Match {
        std::string code;    ///< the area's code, empty when there is none
        std::string key;     ///< the puskesmas' normalised name (duplicates are found by it)
        std::string problem; ///< not in the table (with the closest names)
    };

    Match find(std::string_view name) const;

private:
    static std::string_view trim_view(std::string_view s);

    std::string path_;
    std::unordered_map<std::string, std::string> code_of_; ///< normalised name -> area code
    std::vector<NamedCandidate> names_;                    ///< as written, normalised
};

} // namespace riskmap
