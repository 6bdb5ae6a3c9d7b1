#pragma once
/// \file
/// Accuracy of riskmap's estimates against the true risk surfaces `riskmap synth` writes:
/// RMSE, rank correlation and 95 % interval coverage per estimator and indicator.

#include <map>
#include <string>
#include <vector>

namespace riskmap::accuracy {

struct Row {
    std::string indicator;
    std::string estimator; ///< crude, global EB, local EB, kernel <run>
    std::size_t villages = 0;
    double rmse = 0;         ///< over villages, in the indicator's rate (proportion)
    double rank_corr = 0;    ///< Spearman, against the true village rates
    double coverage = -1;    ///< share of true rates inside the 95 % interval; -1: none
    std::string coverage_of; ///< "villages" or "pixels (population-weighted)"
    /// Share of the true top fifth of villages by excess cases (population at risk x (true
    /// rate - target)+) that this estimator's top fifth finds; -1: not evaluated.
    double top_found = -1;
};

/// Numeric cells of a CSV by column name, rows keyed by their code (normalised to 10 digits
/// when `village_codes`, else as written, trimmed); empty or text cells are NaN.
using CodeTable = std::map<std::string, std::map<std::string, double>>;
CodeTable read_code_table(const std::string& path, const std::string& code_column,
                          bool village_codes = true);

/// Evaluates the village estimators of runs[0] and the kernel estimate of every run against
/// the truth in `truth_dir` (a `riskmap synth` folder). Kernel estimates are compared per
/// village as the population-weighted mean of the rate map over the village's pixels, and
/// their intervals per pixel against the true surface.
std::vector<Row> evaluate(const std::string& truth_dir, const std::vector<std::string>& runs);

/// Markdown table of the rows.
std::string markdown(const std::vector<Row>& rows);

/// The rows as CSV (C locale numbers), for scripts that average over seeds.
std::string csv(const std::vector<Row>& rows);

/// Spearman rank correlation (average ranks for ties).
double spearman(const std::vector<double>& a, const std::vector<double>& b);

} // namespace riskmap::accuracy
