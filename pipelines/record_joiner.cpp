#include "pipelines/record_joiner.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/period.hpp"
#include "core/village_code.hpp"
#include "pipelines/code_crosswalk.hpp"
#include "pipelines/name_join.hpp"
#include "pipelines/puskesmas_table.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace riskmap {

namespace {
/// Why a row goes to rejects.csv; thrown inside a row, caught by the joiner.
struct RowRejected {
    std::string reason;
};

struct IndicatorColumns {
    std::size_t numerator = 0;
    std::size_t denominator = 0;
};

struct RecordLayout {
    std::size_t code = 0;              ///< the code column, or the name column by name
    std::optional<std::size_t> parent; ///< by name: the parent unit's code column
    std::optional<std::size_t> period;
    std::vector<IndicatorColumns> indicators;
};

RecordLayout layout_of(const io::RowReader& csv, const JobConfig& cfg) {
    RecordLayout layout;
    layout.code = csv.column(!cfg.record_puskesmas.empty() ? cfg.record_puskesmas
                             : !cfg.record_name.empty()    ? cfg.record_name
                                                           : cfg.record_code);
    if (!cfg.record_parent_code.empty())
        layout.parent = csv.column(cfg.record_parent_code);
    if (!cfg.record_period.empty())
        layout.period = csv.column(cfg.record_period);
    for (const auto& ind : cfg.indicators)
        layout.indicators.push_back({csv.column(ind.numerator), csv.column(ind.denominator)});
    return layout;
}

/// Parsed counts of one indicator in one row; nullopt when both cells are empty (the village
/// did not report this indicator). Throws RowRejected for a bad row.
std::optional<std::pair<double, double>>
parse_counts(const io::CsvRow& row, const IndicatorColumns& cols, const IndicatorSpec& spec) {
    const std::string_view num_text = trim(row.fields[cols.numerator]);
    const std::string_view den_text = trim(row.fields[cols.denominator]);
    if (num_text.empty() && den_text.empty())
        return std::nullopt;
    const auto parse = [](std::string_view text, const std::string& column) {
        const auto value = parse_count(text);
        if (!value)
            throw RowRejected{"count '" + std::string(text) + "' in column '" + column +
                              "' is not a non-negative integer"};
        return static_cast<double>(*value);
    };
    const double num = parse(num_text, spec.numerator);
    const double den = parse(den_text, spec.denominator);
    if (spec.model == RateModel::Binomial && num > den)
        throw RowRejected{spec.numerator + " " + std::string(num_text) + " is above " +
                          spec.denominator + " " + std::string(den_text)};
    return std::make_pair(num, den);
}

void check_single_period(const std::set<std::string>& periods, const JobConfig& cfg) {
    if (periods.size() <= 1 || !cfg.period.empty())
        return;
    std::string list;
    for (const auto& p : periods)
        list += (list.empty() ? "" : ", ") + p;
    throw UsageError("'" + cfg.records + "' holds several periods (" + list +
                     "); choose one with inputs.period");
}

void check_duplicates(const std::map<std::string, std::vector<std::size_t>>& lines_of,
                      const std::string& path) {
    std::string list;
    for (const auto& [key, lines] : lines_of) {
        if (lines.size() < 2)
            continue;
        const auto tab = key.find('\t');
        std::string period = key.substr(tab + 1); // "2025Q2", "2025Q2\tJul", "\tJul" or ""
        std::replace(period.begin(), period.end(), '\t', ' ');
        if (!period.empty() && period[0] == ' ')
            period.erase(0, 1);
        list += (list.empty() ? "" : "; ") + dotted_code(key.substr(0, tab)) +
                (period.empty() ? "" : " (" + period + ")") + " at lines";
        for (std::size_t l : lines)
            list += " " + std::to_string(l);
    }
    if (!list.empty())
        throw InputError("'" + path + "': duplicate records for one village and period: " + list);
}

IndicatorCounts empty_counts(std::size_t villages) {
    return {std::vector<double>(villages, 0.0), std::vector<double>(villages, 0.0),
            std::vector<char>(villages, 0)};
}

/// What a row of some period is used for by one indicator.
struct PeriodUse {
    std::size_t indicator = 0;
    bool pooled = false;  ///< inside the indicator's pool window
    bool current = false; ///< the run's own period
    bool leaving = false; ///< the period that left the pool since last quarter
};

/// Each indicator's pool window: pool_periods quarters ending at inputs.period. Periods that
/// are not quarter labels cannot be counted back; they pool nothing (said in a warning).
std::map<std::string, std::vector<PeriodUse>> period_uses(JobState& state) {
    const JobConfig& cfg = state.config;
    std::map<std::string, std::vector<PeriodUse>> uses;
    const auto end = quarter_index(cfg.period);
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const int pool = end ? cfg.indicators[k].pool_periods : 1;
        PoolInfo info;
        for (int j = pool - 1; j >= 0; --j) {
            const std::string p = end ? quarter_label(*end - j) : cfg.period;
            info.periods.push_back(p);
            uses[p].push_back({k, true, j == 0, false});
        }
        if (end) {
            info.leaving = quarter_label(*end - pool);
            uses[info.leaving].push_back({k, false, false, true});
        }
        if (!end && cfg.indicators[k].pool_periods > 1 && !cfg.period.empty())
            state.warn(cfg.indicators[k].name + ": inputs.period '" + cfg.period +
                           "' is not a quarter such as 2025Q3, so its counts are not pooled over "
                           "earlier periods",
                       localise(cfg.indicators[k].name, Language::Indonesian) +
                           ": inputs.period '" + cfg.period +
                           "' bukan triwulan seperti 2025Q3, jadi jumlahnya tidak digabung "
                           "dengan periode sebelumnya");
        state.records().pools.push_back(std::move(info));
    }
    return uses;
}

void add_counts(IndicatorCounts& to, std::size_t village, const std::pair<double, double>& c) {
    to.numerator[village] += c.first;
    to.denominator[village] += c.second;
    to.reported[village] = 1;
}

class RecordJoiner {
public:
    RecordJoiner(JobState& state, const io::RowReader& csv)
        : state_(state), cfg_(state.config), layout_(layout_of(csv, state.config)) {
        const std::size_t n = state.villages().table.size();
        for (std::size_t k = 0; k < cfg_.indicators.size(); ++k) {
            state.records().counts.push_back(empty_counts(n));
            state.records().entering.push_back(empty_counts(n));
            state.records().leaving.push_back(empty_counts(n));
        }
        uses_ = period_uses(state);
        if (!cfg_.code_crosswalk.empty())
            crosswalk_.emplace(cfg_.code_crosswalk, state.villages().unit);
        if (!cfg_.record_name.empty())
            names_.emplace(state.villages().table);
        if (!cfg_.puskesmas_table.empty())
            puskesmas_.emplace(cfg_.puskesmas_table, state.villages().unit);
    }

    void add(const io::CsvRow& row) {
        ++state_.records().tally.rows;
        std::string period = cfg_.period;
        int month = 0;
        if (layout_.period) {
            const std::string text(trim(row.fields[*layout_.period]));
            const auto parsed = parse_record_period(text);
            period = parsed ? parsed->quarter : text; // other labels are matched as written
            month = parsed ? parsed->month : 0;
            periods_.insert(period);
            if (!cfg_.period.empty() && !uses_.count(period)) {
                ++state_.records().tally.other_period;
                return;
            }
        }
        const std::string raw_code(trim(row.fields[layout_.code]));
        try {
            join(row, raw_code, cfg_.period.empty() ? cfg_.period : period, month);
        } catch (const RowRejected& rejected) {
            state_.records().rejects.push_back({row.line, raw_code, rejected.reason});
        }
    }

    void finish(const std::string& path) {
        check_single_period(periods_, cfg_);
        check_duplicates(lines_of_, path);
        check_months(path);
        state_.records().tally.rejected = state_.records().rejects.size();
        for (std::size_t k = 0; k < state_.records().pools.size(); ++k)
            for (const auto& p : state_.records().pools[k].periods)
                if (found_.count(p))
                    state_.records().pools[k].found.push_back(p);
    }

private:
    /// The village a row is for, and the key its duplicates are found by (the records' own
    /// code; the village's code for a row keyed by name).
    std::pair<std::size_t, std::string> area_of(const io::CsvRow& row, const std::string& raw) {
        if (puskesmas_) {
            const auto match = puskesmas_->find(raw);
            if (match.code.empty())
                throw RowRejected{match.problem};
            const auto village = state_.villages().table.find(match.code);
            if (!village)
                throw RowRejected{"puskesmas '" + raw + "' serves " + dotted_code(match.code) +
                                  ", which is not in the villages layer"};
            return {*village, "puskesmas:" + match.key};
        }
        if (names_) {
            const auto match = names_->find(raw, parent_of(row));
            if (!match.village)
                throw RowRejected{match.problem};
            return {*match.village, state_.villages().table[*match.village].code};
        }
        const NormalisedCode code = normalise_area_code(raw, state_.villages().unit);
        if (!code.ok())
            throw RowRejected{code.problem};
        const NormalisedCode target = crosswalk_ ? crosswalk_->polygon_code(code.digits) : code;
        if (!target.ok())
            throw RowRejected{target.problem};
        const auto village = state_.villages().table.find(target.digits);
        if (!village)
            throw RowRejected{"unknown " + code_noun(state_.villages().unit) + " " +
                              dotted_code(target.digits) + " (not in the villages layer)"};
        return {*village, code.digits};
    }

    /// Digits of the row's parent-unit code (name joins), empty when there is none.
    std::string parent_of(const io::CsvRow& row) const {
        if (!layout_.parent)
            return "";
        std::string digits;
        for (char c : trim(row.fields[*layout_.parent]))
            if (c >= '0' && c <= '9')
                digits.push_back(c);
            else if (c != '.' && c != ' ' && c != '-')
                throw RowRejected{"parent code '" + row.fields[*layout_.parent] +
                                  "' is not a Kemendagri code"};
        if (!digits.empty() && !unit_from_digits(digits.size()))
            throw RowRejected{"parent code '" + row.fields[*layout_.parent] + "' has " +
                              std::to_string(digits.size()) + " digits; expected 2, 4 or 6"};
        return digits;
    }

    void join(const io::CsvRow& row, const std::string& raw_code, const std::string& period,
              int month) {
        const auto [village, area_key] = area_of(row, raw_code);
        const auto& uses = uses_.at(period);
        std::vector<std::optional<std::pair<double, double>>> parsed(cfg_.indicators.size());
        for (const PeriodUse& use : uses)
            parsed[use.indicator] = parse_counts(row, layout_.indicators[use.indicator],
                                                 cfg_.indicators[use.indicator]);
        const std::string key = area_key + "\t" + (period == cfg_.period ? "" : period);
        lines_of_[key + (month ? std::string("\t") + month_abbreviation(month) : "")].push_back(
            row.line);
        auto& seen = months_of_[area_key + "\t" + period];
        seen.mask |= 1u << month;
        seen.lines.push_back(row.line);
        for (const PeriodUse& use : uses) {
            const auto& c = parsed[use.indicator];
            if (!c)
                continue;
            if (use.pooled)
                add_counts(state_.records().counts[use.indicator], village, *c);
            if (use.current)
                add_counts(state_.records().entering[use.indicator], village, *c);
            if (use.leaving)
                add_counts(state_.records().leaving[use.indicator], village, *c);
        }
        found_.insert(period);
        ++(period == cfg_.period ? state_.records().tally.joined : state_.records().tally.earlier);
    }

    JobState& state_;
    const JobConfig& cfg_;
    RecordLayout layout_;
    std::optional<CodeCrosswalk> crosswalk_;
    std::optional<NameIndex> names_;
    std::optional<PuskesmasTable> puskesmas_;
    std::map<std::string, std::vector<PeriodUse>> uses_;
    std::set<std::string> periods_, found_;
    std::map<std::string, std::vector<std::size_t>> lines_of_;
    struct Months {
        unsigned mask = 0; ///< bit m: a row of month m (bit 0: a quarterly row)
        std::vector<std::size_t> lines;
    };
    std::map<std::string, Months> months_of_; ///< code \t quarter

    /// Monthly rows are summed to their quarter; a village with both a quarterly row and
    /// monthly rows of one quarter would count twice (an error), and a quarter whose months are
    /// not all there is short (a warning, per quarter, with an example).
    void check_months(const std::string& path) {
        std::map<std::string, std::pair<std::size_t, std::string>> short_quarters;
        for (const auto& [key, seen] : months_of_) {
            const auto tab = key.find('\t');
            const std::string code = dotted_code(key.substr(0, tab));
            const std::string quarter = key.substr(tab + 1);
            if ((seen.mask & 1u) && seen.mask != 1u) {
                std::string lines;
                for (std::size_t l : seen.lines)
                    lines += " " + std::to_string(l);
                throw InputError("'" + path + "': " + code + " has both a quarterly row and " +
                                 "monthly rows for " + quarter + " (lines" + lines +
                                 "); keep one or the other");
            }
            const auto index = quarter_index(quarter);
            if ((seen.mask & 1u) || !index)
                continue;
            std::string months;
            for (int m = 1; m <= 12; ++m)
                if (seen.mask & (1u << m))
                    months += (months.empty() ? "" : ", ") + std::string(month_abbreviation(m));
            const int first = (*index % 4) * 3 + 1;
            const unsigned full = (1u << first) | (1u << (first + 1)) | (1u << (first + 2));
            if (seen.mask == full)
                continue;
            auto& entry = short_quarters[quarter];
            if (entry.first++ == 0)
                entry.second = code + " has " + months + " only";
        }
        for (const auto& [quarter, entry] : short_quarters)
            state_.warn("'" + path + "': " + quarter + " is summed from monthly rows, but " +
                            std::to_string(entry.first) + " village(s) lack a month of it (e.g. " +
                            entry.second + "); their counts for the quarter are short",
                        "'" + path + "': " + quarter + " dijumlahkan dari baris bulanan, tetapi " +
                            std::to_string(entry.first) + " desa kekurangan satu bulannya (mis. " +
                            entry.second + "); jumlah triwulannya kurang");
    }
};
} // namespace

void join_record_rows(JobState& state, io::RowReader& rows) {
    RecordJoiner joiner(state, rows);
    io::CsvRow row;
    while (rows.next(row))
        joiner.add(row);
    joiner.finish(rows.path());
}

} // namespace riskmap
