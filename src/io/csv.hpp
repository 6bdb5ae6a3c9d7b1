#pragma once
/// \file
/// CSV as spreadsheets write it: UTF-8 with or without BOM, ',' or ';' (detected from the
/// header), RFC 4180 quoting with fields that may span lines, CRLF or LF.

#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

namespace riskmap::io {

struct CsvRow {
    std::size_t line = 0; ///< 1-based physical line where the row starts
    std::vector<std::string> fields;
};

/// A table of text cells under a header row, whatever file holds it (CSV, a spreadsheet).
class RowReader {
public:
    virtual ~RowReader() = default;

    virtual const std::vector<std::string>& header() const = 0;
    virtual const std::string& path() const = 0;

    /// Column index of a header name (exact match after trimming), or throws InputError
    /// listing the columns there are.
    std::size_t column(const std::string& name) const;

    /// Next data row, as many fields as the header, `line` where a user finds it (the CSV
    /// line, the spreadsheet row); false at the end. Blank rows are skipped.
    virtual bool next(CsvRow& row) = 0;
};

class CsvReader : public RowReader {
public:
    /// Opens the file and reads the header; delimiter 0 means detect ',' or ';'.
    /// Throws InputError for a missing/unreadable/empty file.
    explicit CsvReader(std::string path, char delimiter = 0);

    const std::vector<std::string>& header() const override { return header_; }
    char delimiter() const { return delimiter_; }
    const std::string& path() const override { return path_; }

    /// Throws InputError naming the line for an unterminated quote, text after a closing
    /// quote or a wrong field count.
    bool next(CsvRow& row) override;

private:
    bool read_record(std::vector<std::string>& fields, std::size_t& start_line);
    [[noreturn]] void fail(std::size_t line, const std::string& problem) const;

    std::string path_;
    std::ifstream in_;
    char delimiter_ = ',';
    std::size_t line_ = 1;
    std::vector<std::string> header_;
};

/// One CSV line with quoting where needed, terminated by "\n".
std::string csv_line(const std::vector<std::string>& fields, char delimiter = ',');

} // namespace riskmap::io
