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

class CsvReader {
public:
    /// Opens the file and reads the header; delimiter 0 means detect ',' or ';'.
    /// Throws InputError for a missing/unreadable/empty file.
    explicit CsvReader(std::string path, char delimiter = 0);

    const std::vector<std::string>& header() const { return header_; }
    char delimiter() const { return delimiter_; }
    const std::string& path() const { return path_; }

    /// Column index of a header name (exact match after trimming), or throws InputError
    /// listing the columns there are.
    std::size_t column(const std::string& name) const;

    /// Next data row; false at end of file. Blank lines are skipped. Throws InputError naming
    /// the line for an unterminated quote, text after a closing quote or a wrong field count.
    bool next(CsvRow& row);

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
