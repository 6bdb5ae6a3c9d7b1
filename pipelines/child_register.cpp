#include "pipelines/child_register.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/period.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace riskmap {

namespace {
/// A z-score as registers write it: '.' or, from Indonesian spreadsheets, ',' as the decimal
/// separator (a z-score has no thousands separator, so a comma can only be the decimal one).
std::optional<double> parse_z(std::string_view text) {
    std::string t(trim(text));
    if (t.find(',') != std::string::npos && t.find('.') == std::string::npos)
        t[t.find(',')] = '.';
    return parse_double(t);
}

std::string lowered(std::string_view text) {
    std::string out(trim(text));
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// Stunted or not from the status words of Indonesian registers and their English forms.
std::optional<bool> stunted_from_status(std::string_view text) {
    const std::string s = lowered(text);
    for (const char* yes : {"sangat pendek", "pendek", "severely stunted", "stunted"})
        if (s == yes)
            return true;
    for (const char* no : {"normal", "tinggi", "tall"})
        if (s == no)
            return false;
    return std::nullopt;
}

struct Rejected {
    std::string reason;
};

struct Column {
    std::optional<std::size_t> index;
    std::string_view cell(const io::CsvRow& row) const {
        return index ? trim(row.fields[*index]) : std::string_view();
    }
};

Column find(const io::RowReader& rows, const std::string& name) {
    return name.empty() ? Column{} : Column{rows.column(name)};
}

/// One measurement after the checks.
struct Measurement {
    std::string code, quarter;
    int when = 0; ///< month * 32 + day: the order of measurements within a quarter
    bool stunted = false;
};

class RegisterAggregator {
public:
    RegisterAggregator(io::RowReader& rows, const RegisterColumns& c, AreaUnit unit)
        : unit_(unit), code_(find(rows, c.code)), period_(find(rows, c.period)),
          child_(find(rows, c.child)), haz_(find(rows, c.haz)), status_(find(rows, c.status)),
          age_(find(rows, c.age)) {
        if (!haz_.index && !status_.index)
            throw UsageError("inputs.records_kind = children needs inputs.child_haz (a "
                             "height-for-age z-score column) or inputs.child_status");
    }

    Measurement read(const io::CsvRow& row) const {
        Measurement m;
        const NormalisedCode code = normalise_area_code(code_.cell(row), unit_);
        if (!code.ok())
            throw Rejected{code.problem};
        m.code = code.digits;
        if (period_.index) {
            const auto p = parse_record_period(period_.cell(row));
            if (!p)
                throw Rejected{"measurement date or period not recognised"};
            m.quarter = p->quarter;
            m.when = p->month * 32 + p->day;
        }
        if (age_.index) {
            const auto age = parse_z(age_.cell(row));
            if (!age || *age < 0 || *age >= 60)
                throw Rejected{"age in months missing or outside 0..59 (not under five)"};
        }
        m.stunted = stunted(row);
        return m;
    }

private:
    bool stunted(const io::CsvRow& row) const {
        if (haz_.index && !haz_.cell(row).empty()) {
            const auto z = parse_z(haz_.cell(row));
            if (!z)
                throw Rejected{"height-for-age z-score is not a number"};
            if (*z < -6 || *z > 6)
                throw Rejected{"height-for-age z-score outside -6..+6 (implausible; WHO flag)"};
            return *z < -2;
        }
        if (status_.index && !status_.cell(row).empty()) {
            if (const auto s = stunted_from_status(status_.cell(row)))
                return *s;
            throw Rejected{"height-for-age status word not recognised (expected Sangat Pendek, "
                           "Pendek, Normal or Tinggi)"};
        }
        throw Rejected{"no height-for-age z-score or status"};
    }

public:
    std::string child(const io::CsvRow& row) const { return std::string(child_.cell(row)); }

private:
    AreaUnit unit_;
    Column code_, period_, child_, haz_, status_, age_;
};

/// The aggregated counts as rows for the joiner.
class CountRows : public io::RowReader {
public:
    CountRows(std::string path, std::vector<std::string> header, std::vector<io::CsvRow> rows)
        : path_(std::move(path)), header_(std::move(header)), rows_(std::move(rows)) {}
    const std::vector<std::string>& header() const override { return header_; }
    const std::string& path() const override { return path_; }
    bool next(io::CsvRow& row) override {
        if (at_ == rows_.size())
            return false;
        row = rows_[at_++];
        return true;
    }

private:
    std::string path_;
    std::vector<std::string> header_;
    std::vector<io::CsvRow> rows_;
    std::size_t at_ = 0;
};

struct Tally {
    std::size_t first_line = 0;
    std::size_t measured = 0, stunted = 0;
};
} // namespace

std::unique_ptr<io::RowReader> aggregate_register(io::RowReader& rows,
                                                  const RegisterColumns& columns, AreaUnit unit,
                                                  std::vector<RegisterReject>& rejects,
                                                  RegisterSummary& summary) {
    const RegisterAggregator reader(rows, columns, unit);
    // (code, quarter, child) -> the latest measurement and its line; children without an id
    // are each their own child (keyed by line).
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<Measurement, std::size_t>>
        latest;
    io::CsvRow row;
    while (rows.next(row)) {
        ++summary.rows;
        try {
            Measurement m = reader.read(row);
            std::string child = reader.child(row);
            if (child.empty())
                child = "\n" + std::to_string(row.line);
            auto key = std::make_tuple(m.code, m.quarter, std::move(child));
            const auto it = latest.find(key);
            if (it == latest.end())
                latest.emplace(std::move(key), std::make_pair(std::move(m), row.line));
            else {
                ++summary.repeated;
                if (m.when >= it->second.first.when)
                    it->second = {std::move(m), std::min(it->second.second, row.line)};
            }
        } catch (const Rejected& r) {
            rejects.push_back(
                {row.line, std::string(trim(row.fields[rows.column(columns.code)])), r.reason});
        }
    }
    summary.rejected = rejects.size();
    std::map<std::pair<std::string, std::string>, Tally> tallies;
    for (const auto& [key, entry] : latest) {
        Tally& t = tallies[{std::get<0>(key), std::get<1>(key)}];
        t.first_line = t.first_line ? std::min(t.first_line, entry.second) : entry.second;
        ++t.measured;
        t.stunted += entry.first.stunted;
    }
    summary.used = latest.size();
    std::vector<io::CsvRow> out;
    for (const auto& [key, t] : tallies)
        out.push_back(
            {t.first_line,
             {key.first, key.second, std::to_string(t.stunted), std::to_string(t.measured)}});
    std::sort(out.begin(), out.end(),
              [](const io::CsvRow& a, const io::CsvRow& b) { return a.line < b.line; });
    const std::string period_name = columns.period.empty() ? "\n(period)" : columns.period;
    return std::make_unique<CountRows>(
        rows.path(),
        std::vector<std::string>{columns.code, period_name, columns.numerator, columns.denominator},
        std::move(out));
}

} // namespace riskmap
