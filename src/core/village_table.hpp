#pragma once
/// \file
/// Villages with their codes and, per indicator, the joined counts of this period.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace riskmap {

struct Village {
    std::string code; ///< 10 digits
    std::string name;
    std::int64_t feature_id = -1; ///< OGR FID in the villages source
};

/// Per-village counts of one indicator; villages without a record have reported = false.
struct IndicatorCounts {
    std::vector<double> numerator;
    std::vector<double> denominator;
    std::vector<char> reported;
};

class VillageTable {
public:
    /// Adds a village; returns false when the code is already present.
    bool add(Village village);
    std::optional<std::size_t> find(const std::string& code) const;
    std::size_t size() const { return villages_.size(); }
    const Village& operator[](std::size_t i) const { return villages_[i]; }
    const std::vector<Village>& villages() const { return villages_; }

private:
    std::vector<Village> villages_;
    std::unordered_map<std::string, std::size_t> index_;
};

} // namespace riskmap
