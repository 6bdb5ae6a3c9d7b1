#include "core/village_table.hpp"

namespace riskmap {

bool VillageTable::add(Village village) {
    const auto [it, inserted] = index_.emplace(village.code, villages_.size());
    if (inserted)
        villages_.push_back(std::move(village));
    return inserted;
}

std::optional<std::size_t> VillageTable::find(const std::string& code) const {
    const auto it = index_.find(code);
    if (it == index_.end())
        return std::nullopt;
    return it->second;
}

} // namespace riskmap
