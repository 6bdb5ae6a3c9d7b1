#pragma once
/// \file
/// Records from spreadsheets (XLSX, ODS, XLS) through GDAL/OGR's drivers, as text cells under
/// the sheet's first row, so the joiner treats them exactly as CSV fields.

#include "io/csv.hpp"

#include <memory>
#include <string>

namespace riskmap::io {

/// True for the file names read as spreadsheets: .xlsx, .ods, .xls (any case).
bool is_spreadsheet(const std::string& path);

/// The records table at `path`: a spreadsheet's sheet (`sheet`, or its only one) or a CSV
/// file (`delimiter` 0: detected). Throws InputError naming the file (and the sheets there are
/// when the choice is ambiguous).
std::unique_ptr<RowReader> open_records(const std::string& path, char delimiter,
                                        const std::string& sheet);

} // namespace riskmap::io
