#pragma once
/// \file
/// inputs.record_name: records keyed by village name (SIGIZI-style tables, dashboard extracts)
/// joined to the polygons' names in normalised form (core/names.hpp), within a parent unit
/// when the records give its code. Unmatched and ambiguous names are rejected with the
/// closest candidates, never guessed.

#include "core/village_code.hpp"
#include "core/village_table.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace riskmap {

class NameIndex {
public:
    /// Throws UsageError when the villages carry no names (inputs.village_name).
    explicit NameIndex(const VillageTable& villages);

    struct Match {
        std::optional<std::size_t> village;
        std::string problem; ///< why there is none: no such name, or several
    };

    /// The village called `name`, among those whose code starts with `parent` (digits of a
    /// kecamatan or regency code; empty: all of them).
    Match find(std::string_view name, const std::string& parent) const;

private:
    std::string closest(const std::string& name, const std::string& parent) const;
    std::string listed(const std::vector<std::size_t>& villages) const;

    const VillageTable& villages_;
    std::vector<std::string> normalised_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
};

} // namespace riskmap
