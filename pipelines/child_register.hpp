#pragma once
/// \file
/// Child-level registers (e-PPGBM-style exports: one row per child measured) aggregated to the
/// counts the joiner takes: children measured and stunted per area and quarter. Stunted means
/// a height-for-age z-score below -2 (WHO), or the register's status words; z-scores outside
/// -6..+6 are implausible and rejected, as in the WHO flagging rules. With a child id, only a
/// child's latest measurement in a quarter counts. No child-level value leaves this file:
/// rejects name the row and the rule, never the value.

#include "core/village_code.hpp"
#include "io/csv.hpp"

#include <memory>
#include <string>
#include <vector>

namespace riskmap {

struct RegisterColumns {
    std::string code;   ///< area code
    std::string period; ///< measurement date or period; empty: every row is the run's quarter
    std::string child;  ///< child id; empty: every row is another child
    std::string haz;    ///< height-for-age z-score; empty: use `status`
    std::string status; ///< status words (Sangat Pendek, Pendek, Normal, Tinggi)
    std::string age;    ///< age in months; empty: not checked
    std::string numerator, denominator; ///< the names the aggregated columns take
};

/// A rejected register row: its line and the reason (no child value in it).
struct RegisterReject {
    std::size_t line = 0;
    std::string code;
    std::string reason;
};

/// What the aggregation saw, for run.json (counts only).
struct RegisterSummary {
    std::size_t rows = 0;     ///< child rows read
    std::size_t used = 0;     ///< measurements counted
    std::size_t repeated = 0; ///< earlier measurements of a child in the same quarter, left out
    std::size_t rejected = 0;
};

/// The register at `rows` as a table of (code, period, numerator, denominator) rows, one per
/// area and quarter, each at the line of its first child row. Rejected child rows go to
/// `rejects`. Throws InputError for missing columns.
std::unique_ptr<io::RowReader> aggregate_register(io::RowReader& rows,
                                                  const RegisterColumns& columns, AreaUnit unit,
                                                  std::vector<RegisterReject>& rejects,
                                                  RegisterSummary& summary);

} // namespace riskmap
