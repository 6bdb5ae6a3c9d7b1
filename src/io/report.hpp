#pragma once
/// \file
/// The quarterly report for a district meeting: one self-contained HTML file per quarter,
/// written from a run's output folder (run.json, the tables, the quicklooks): headline
/// figures with their uncertainty, the maps, the targeting lists with their key and the
/// certainty of each rank, what changed since last quarter, data quality and provenance.

#include <optional>
#include <string>

namespace riskmap::io {

/// Writes `OUT_DIR/report_<period>.html` (via a temporary name) and returns its path.
/// Throws InputError when `out_dir` is not a riskmap output folder.
std::string write_report(const std::string& out_dir);

/// Prints the report to `<same name>.pdf` with headless Chromium (Debian's `chromium`) when it
/// is installed; returns the PDF's path, or nothing when there is no Chromium. Throws Error
/// when Chromium is there but fails.
std::optional<std::string> print_report_pdf(const std::string& html_path);

} // namespace riskmap::io
