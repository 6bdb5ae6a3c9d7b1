#pragma once
/// \file
/// What a reader of riskmap's public tables could try to recover a count below the minimum
/// (issue 16, item 5): read it, multiply a rate by its denominator, or subtract the published
/// areas from their parent's total.

#include <string>
#include <vector>

namespace riskmap::test {

struct PublicTables {
    std::string areas;             ///< e.g. out/public_villages.csv
    std::string parent;            ///< e.g. out/public_kecamatan.csv; empty without a parent level
    std::size_t parent_digits = 6; ///< code digits shared by an area and its parent
};

/// One line per count the attacks recover below `min_count` (empty: none recovered), each
/// naming the table, the area, the indicator and the attack.
std::vector<std::string> disclosure_attacks(const PublicTables& tables,
                                            const std::vector<std::string>& indicators,
                                            double min_count);

} // namespace riskmap::test
