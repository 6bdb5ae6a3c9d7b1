#include "pipelines/name_join.hpp"

#include "core/error.hpp"
#include "core/names.hpp"

#include <algorithm>

namespace riskmap {

namespace {
bool in_parent(const std::string& code, const std::string& parent) {
    return code.compare(0, parent.size(), parent) == 0;
}
} // namespace

NameIndex::NameIndex(const VillageTable& villages) : villages_(villages) {
    for (std::size_t i = 0; i < villages.size(); ++i) {
        normalised_.push_back(normalised_name(villages[i].name));
        if (!normalised_.back().empty())
            by_name_[normalised_.back()].push_back(i);
    }
    if (by_name_.empty())
        throw UsageError("inputs.record_name joins records by name, but the villages have no "
                         "names; set inputs.village_name to their name field");
}

NameIndex::Match NameIndex::find(std::string_view raw, const std::string& parent) const {
    const std::string name = normalised_name(raw);
    if (name.empty())
        return {std::nullopt, "empty village name"};
    std::vector<std::size_t> hits;
    if (const auto it = by_name_.find(name); it != by_name_.end())
        for (std::size_t v : it->second)
            if (in_parent(villages_[v].code, parent))
                hits.push_back(v);
    const std::string quoted = "'" + std::string(raw) + "'";
    const std::string where = parent.empty() ? "" : " in " + dotted_code(parent);
    if (hits.size() == 1)
        return {hits.front(), ""};
    if (hits.size() > 1)
        return {std::nullopt, "village name " + quoted + " matches " + std::to_string(hits.size()) +
                                  " villages" + where + " (" + listed(hits) +
                                  "); add the kecamatan code column " +
                                  "(inputs.record_parent_code) or use codes"};
    return {std::nullopt, "no village named " + quoted + where + closest(name, parent)};
}

std::string NameIndex::closest(const std::string& name, const std::string& parent) const {
    std::vector<NamedCandidate> candidates;
    for (std::size_t v = 0; v < normalised_.size(); ++v)
        if (in_parent(villages_[v].code, parent) && !normalised_[v].empty())
            candidates.push_back(
                {villages_[v].name + " " + dotted_code(villages_[v].code), normalised_[v]});
    std::string out;
    for (const std::string& shown : closest_names(name, candidates))
        out += (out.empty() ? "" : ", ") + shown;
    return out.empty() ? "" : " (closest: " + out + ")";
}

std::string NameIndex::listed(const std::vector<std::size_t>& villages) const {
    std::string out;
    for (std::size_t v : villages)
        out += (out.empty() ? "" : ", ") + villages_[v].name + " " + dotted_code(villages_[v].code);
    return out;
}

} // namespace riskmap
