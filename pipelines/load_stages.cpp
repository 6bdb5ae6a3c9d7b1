#include "pipelines/load_stages.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/village_code.hpp"
#include "io/checksum.hpp"
#include "io/csv.hpp"

#include <filesystem>

#include <map>
#include <optional>
#include <set>

namespace riskmap {

void ChecksumInputs::run(JobState& state) {
    const JobConfig& cfg = state.config;
    for (const std::string* path :
         {&cfg.villages, &cfg.records, &cfg.population, &cfg.sanitation}) {
        // A missing file is reported by the stage that reads it, with its own context.
        if (path->empty() || !std::filesystem::exists(*path))
            continue;
        for (auto& entry : io::dataset_checksums(*path))
            state.checksums.push_back(std::move(entry));
    }
}

void LoadVillages::run(JobState& state) {
    const JobConfig& cfg = state.config;
    state.villages = io::read_villages(io::VillageSource{
        cfg.villages, cfg.villages_layer, cfg.village_code, cfg.village_name, cfg.repair_geometry});
}

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
    std::size_t code = 0;
    std::optional<std::size_t> period;
    std::vector<IndicatorColumns> indicators;
};

RecordLayout layout_of(const io::CsvReader& csv, const JobConfig& cfg) {
    RecordLayout layout;
    layout.code = csv.column(cfg.record_code);
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
    for (const auto& [code, lines] : lines_of) {
        if (lines.size() < 2)
            continue;
        list += (list.empty() ? "" : "; ") + dotted_code(code) + " at lines";
        for (std::size_t l : lines)
            list += " " + std::to_string(l);
    }
    if (!list.empty())
        throw InputError("'" + path + "': duplicate records for one village and period: " + list);
}

class RecordJoiner {
public:
    RecordJoiner(JobState& state, const io::CsvReader& csv)
        : state_(state), cfg_(state.config), layout_(layout_of(csv, state.config)) {
        const std::size_t n = state.villages.table.size();
        for (std::size_t k = 0; k < cfg_.indicators.size(); ++k)
            state.counts.push_back({std::vector<double>(n, 0.0), std::vector<double>(n, 0.0),
                                    std::vector<char>(n, 0)});
    }

    void add(const io::CsvRow& row) {
        ++state_.records.rows;
        if (layout_.period) {
            const std::string period(trim(row.fields[*layout_.period]));
            periods_.insert(period);
            if (!cfg_.period.empty() && period != cfg_.period) {
                ++state_.records.other_period;
                return;
            }
        }
        const std::string raw_code(trim(row.fields[layout_.code]));
        try {
            join(row, raw_code);
        } catch (const RowRejected& rejected) {
            state_.rejects.push_back({row.line, raw_code, rejected.reason});
        }
    }

    void finish(const std::string& path) {
        check_single_period(periods_, cfg_);
        check_duplicates(lines_of_, path);
        state_.records.rejected = state_.rejects.size();
    }

private:
    void join(const io::CsvRow& row, const std::string& raw_code) {
        const NormalisedCode code = normalise_village_code(raw_code);
        if (!code.ok())
            throw RowRejected{code.problem};
        const auto village = state_.villages.table.find(code.digits);
        if (!village)
            throw RowRejected{"unknown village code " + dotted_code(code.digits) +
                              " (not in the villages layer)"};
        std::vector<std::optional<std::pair<double, double>>> parsed;
        for (std::size_t k = 0; k < cfg_.indicators.size(); ++k)
            parsed.push_back(parse_counts(row, layout_.indicators[k], cfg_.indicators[k]));
        lines_of_[code.digits].push_back(row.line);
        for (std::size_t k = 0; k < parsed.size(); ++k) {
            if (!parsed[k])
                continue;
            state_.counts[k].numerator[*village] = parsed[k]->first;
            state_.counts[k].denominator[*village] = parsed[k]->second;
            state_.counts[k].reported[*village] = 1;
        }
        ++state_.records.joined;
    }

    JobState& state_;
    const JobConfig& cfg_;
    RecordLayout layout_;
    std::set<std::string> periods_;
    std::map<std::string, std::vector<std::size_t>> lines_of_;
};

std::string reject_summary(const JobState& state) {
    std::string text;
    for (std::size_t i = 0; i < state.rejects.size() && i < 10; ++i)
        text +=
            "\n  line " + std::to_string(state.rejects[i].line) + ": " + state.rejects[i].reason;
    if (state.rejects.size() > 10)
        text += "\n  ... and " + std::to_string(state.rejects.size() - 10) + " more";
    return text;
}
} // namespace

void JoinRecords::run(JobState& state) {
    io::CsvReader csv(state.config.records, state.config.delimiter);
    RecordJoiner joiner(state, csv);
    io::CsvRow row;
    while (csv.next(row))
        joiner.add(row);
    joiner.finish(csv.path());
    if (state.records.joined == 0)
        throw InputError("'" + csv.path() + "': no record could be joined to a village" +
                         reject_summary(state));
    if (state.rejects.empty())
        return;
    const std::string summary = "'" + csv.path() + "': " + std::to_string(state.rejects.size()) +
                                " record(s) rejected:" + reject_summary(state);
    if (state.config.on_reject == RejectPolicy::Fail)
        throw InputError(summary + "\n(inputs.on_reject = fail; nothing was written)");
    state.warnings.push_back(summary + "\n  (all listed in rejects.csv)");
}

} // namespace riskmap
