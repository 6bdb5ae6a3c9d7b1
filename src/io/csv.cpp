#include "io/csv.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"

#include <algorithm>
#include <filesystem>

namespace riskmap::io {

namespace {
char detect_delimiter(const std::string& first_line) {
    std::size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (char c : first_line) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',')
            ++commas;
        else if (!quoted && c == ';')
            ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
}
} // namespace

CsvReader::CsvReader(std::string path, char delimiter) : path_(std::move(path)) {
    if (!std::filesystem::exists(path_))
        throw InputError("'" + path_ + "': file not found");
    in_.open(path_, std::ios::binary);
    if (!in_)
        throw InputError("'" + path_ + "': cannot be opened for reading");
    std::string first;
    std::getline(in_, first);
    if (first.rfind("\xEF\xBB\xBF", 0) == 0)
        first.erase(0, 3);
    delimiter_ = delimiter ? delimiter : detect_delimiter(first);
    in_.clear();
    in_.seekg(0);
    if (in_.peek() == 0xEF) // skip the BOM again for the real read
        in_.ignore(3);
    std::size_t start = 0;
    if (!read_record(header_, start))
        throw InputError("'" + path_ + "': file is empty; expected a header row");
    for (auto& h : header_)
        h = std::string(trim(h));
}

std::size_t RowReader::column(const std::string& name) const {
    const auto& names = header();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end())
        return static_cast<std::size_t>(it - names.begin());
    std::string have;
    for (const auto& h : names)
        have += (have.empty() ? "" : ", ") + h;
    throw InputError("'" + path() + "': no column '" + name + "' in the header (columns: " + have +
                     ")");
}

void CsvReader::fail(std::size_t line, const std::string& problem) const {
    throw InputError("'" + path_ + "' line " + std::to_string(line) + ": " + problem);
}

bool CsvReader::read_record(std::vector<std::string>& fields, std::size_t& start_line) {
    fields.clear();
    start_line = line_;
    std::string field;
    bool quoted = false, after_quote = false, any = false;
    int ch;
    while ((ch = in_.get()) != EOF) {
        const char c = static_cast<char>(ch);
        any = true;
        if (quoted) {
            if (c == '"') {
                if (in_.peek() == '"') {
                    field.push_back('"');
                    in_.get();
                } else {
                    quoted = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n')
                    ++line_;
                field.push_back(c);
            }
            continue;
        }
        if (c == delimiter_) {
            fields.push_back(std::move(field));
            field.clear();
            after_quote = false;
        } else if (c == '\n') {
            ++line_;
            break;
        } else if (c == '\r') {
            continue;
        } else if (c == '"' &&
                   std::all_of(field.begin(), field.end(), [](char x) { return x == ' '; }) &&
                   !after_quote) {
            field.clear();
            quoted = true;
        } else if (after_quote && c != ' ') {
            fail(line_, "text after a closing quote; quotes inside a field must be doubled");
        } else {
            field.push_back(c);
        }
    }
    if (quoted)
        fail(start_line, "quoted field is not closed before the end of the file");
    if (!any)
        return false;
    fields.push_back(std::move(field));
    return true;
}

bool CsvReader::next(CsvRow& row) {
    while (read_record(row.fields, row.line)) {
        if (row.fields.size() == 1 && trim(row.fields[0]).empty())
            continue;
        if (row.fields.size() != header_.size())
            fail(row.line, std::to_string(row.fields.size()) + " fields where the header has " +
                               std::to_string(header_.size()) + " (delimiter '" +
                               std::string(1, delimiter_) + "')");
        return true;
    }
    return false;
}

std::string csv_line(const std::vector<std::string>& fields, char delimiter) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out.push_back(delimiter);
        const std::string& f = fields[i];
        if (f.find_first_of(std::string("\"\n\r") + delimiter) == std::string::npos) {
            out += f;
            continue;
        }
        out.push_back('"');
        for (char c : f) {
            if (c == '"')
                out.push_back('"');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('\n');
    return out;
}

} // namespace riskmap::io
