#include "pipelines/join_records.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/period.hpp"
#include "io/csv.hpp"
#include "io/sheet_reader.hpp"
#include "pipelines/record_joiner.hpp"

#include <algorithm>
#include <set>

namespace riskmap {

namespace {

/// inputs.records_kind = children: the register's columns, and only the indicator it feeds.
void bind_register(const Settings& s, JobConfig& c) {
    c.children = s.choice("inputs.records_kind", {"counts", "children"}) == "children";
    if (!c.children)
        return;
    c.child_id = s.text("inputs.child_id");
    c.child_haz = s.text("inputs.child_haz");
    c.child_status = s.text("inputs.child_status");
    c.child_age = s.text("inputs.child_age");
    const std::string name = s.text("inputs.register_indicator");
    const auto it = std::find_if(c.indicators.begin(), c.indicators.end(),
                                 [&](const IndicatorSpec& i) { return i.name == name; });
    if (it == c.indicators.end() || it->model != RateModel::Binomial)
        throw UsageError("inputs.register_indicator '" + name +
                         "' must name a binomial indicator of the job (a child register holds "
                         "children measured and stunted)");
    if (c.child_haz.empty() && c.child_status.empty())
        throw UsageError("inputs.records_kind = children needs inputs.child_haz (a "
                         "height-for-age z-score column) or inputs.child_status");
    c.indicators = {*it};
}

/// Rows are joined one way: by code (through a crosswalk or not), by name or by puskesmas.
void bind_join_way(const Settings& s, JobConfig& c) {
    c.code_crosswalk = s.path("inputs.code_crosswalk");
    const int joins =
        !c.record_name.empty() + !c.code_crosswalk.empty() + !c.record_puskesmas.empty();
    if (joins > 1)
        throw UsageError("inputs.record_name, inputs.record_puskesmas and inputs.code_crosswalk "
                         "exclude each other: rows are joined one way");
    if (c.record_puskesmas.empty() != c.puskesmas_table.empty())
        throw UsageError("inputs.record_puskesmas and inputs.puskesmas_table go together");
}

void bind_delimiter(const Settings& s, JobConfig& c) {
    const std::string d = s.choice("inputs.delimiter", {"auto", ",", ";", "tab"});
    c.delimiter = d == "auto" ? char(0) : d == "tab" ? '\t' : d[0];
}

// Options whose bind is nullptr are read by another's: the register's by
// inputs.records_kind, inputs.pool_periods by each indicator's.
const Option kOptions[] = {
    {"inputs.records", nullptr, "records: CSV (',' or ';'), or a spreadsheet (.xlsx, .ods, .xls)",
     [](const Settings& s, JobConfig& c) { c.records = s.path("inputs.records"); },
     Option::Kind::Path},
    {"inputs.records_sheet", "", "the records' sheet in a spreadsheet (optional when it has one)",
     [](const Settings& s, JobConfig& c) { c.records_sheet = s.text("inputs.records_sheet"); }},
    {"inputs.record_name", "",
     "join records by this village-name column instead of codes (names compared without case, "
     "punctuation or prefixes such as Desa/Kel.; needs inputs.village_name)",
     [](const Settings& s, JobConfig& c) { c.record_name = s.text("inputs.record_name"); }},
    {"inputs.record_parent_code", "",
     "by name: the column with each row's kecamatan (or regency) code, to tell apart villages "
     "of the same name",
     [](const Settings& s, JobConfig& c) {
         c.record_parent_code = s.text("inputs.record_parent_code");
     }},
    {"inputs.record_puskesmas", "",
     "join records by this puskesmas column instead of codes: each row's counts go to the area "
     "inputs.puskesmas_table lists for it (rows of one area are summed)",
     [](const Settings& s, JobConfig& c) {
         c.record_puskesmas = s.text("inputs.record_puskesmas");
     }},
    {"inputs.puskesmas_table", "",
     "CSV of puskesmas name and the code of the area it serves (its kecamatan in a "
     "kecamatan-level run)",
     [](const Settings& s, JobConfig& c) { c.puskesmas_table = s.path("inputs.puskesmas_table"); },
     Option::Kind::Path},
    {"inputs.code_crosswalk", "",
     "CSV mapping the records' codes (first column: BPS, or Kemendagri before a split) to the "
     "polygons' codes (second column); unmatched and ambiguous codes are rejected by line",
     bind_join_way, Option::Kind::Path},
    {"inputs.records_kind", "counts",
     "counts: one row per area and period; children: a child-level register (one row per "
     "measurement) aggregated to children measured and stunted",
     bind_register},
    {"inputs.register_indicator", "stunting",
     "children: the (binomial) indicator the register's counts feed; the only one mapped", nullptr},
    {"inputs.child_id", "",
     "children: child id column; a child's latest measurement per quarter "
     "counts (empty: every row is another child)",
     nullptr},
    {"inputs.child_haz", "", "children: height-for-age z-score column (stunted below -2)", nullptr},
    {"inputs.child_status", "",
     "children: status column (Sangat Pendek, Pendek, Normal, Tinggi) where no z-score is given",
     nullptr},
    {"inputs.child_age", "", "children: age in months column (rows outside 0..59 rejected)",
     nullptr},
    {"inputs.record_code", "kode_desa", "code column in the records",
     [](const Settings& s, JobConfig& c) { c.record_code = s.text("inputs.record_code"); }},
    {"inputs.record_period", "", "period column in the records (optional)",
     [](const Settings& s, JobConfig& c) { c.record_period = s.text("inputs.record_period"); }},
    {"inputs.period", "", "this run's quarter, e.g. 2025Q3",
     [](const Settings& s, JobConfig& c) { c.period = s.text("inputs.period"); }},
    {"inputs.delimiter", "auto", "records delimiter: auto, ',', ';' or tab", bind_delimiter},
    {"inputs.on_reject", "report", "report: rejected rows to rejects.csv; fail: exit 3",
     [](const Settings& s, JobConfig& c) {
         c.on_reject = s.choice("inputs.on_reject", {"report", "fail"}) == "fail"
                           ? RejectPolicy::Fail
                           : RejectPolicy::Report;
     }},
    {"inputs.pool_periods", "auto",
     "sum each village's counts over this many periods ending at inputs.period; auto: 4 (a "
     "rolling year) for poisson indicators, 1 for binomial ones",
     nullptr},
};

std::string reject_summary(const JobState& state) {
    std::string text;
    for (std::size_t i = 0; i < state.records().rejects.size() && i < 10; ++i)
        text += "\n  line " + std::to_string(state.records().rejects[i].line) + ": " +
                state.records().rejects[i].reason;
    if (state.records().rejects.size() > 10)
        text += "\n  ... and " + std::to_string(state.records().rejects.size() - 10) + " more";
    return text;
}

void warn_short_pools(JobState& state) {
    for (std::size_t k = 0; k < state.records().pools.size(); ++k) {
        const PoolInfo& pool = state.records().pools[k];
        if (pool.found.size() == pool.periods.size())
            continue;
        std::string missing;
        for (const auto& p : pool.periods)
            if (std::find(pool.found.begin(), pool.found.end(), p) == pool.found.end())
                missing += (missing.empty() ? "" : ", ") + p;
        const std::string found = std::to_string(pool.found.size());
        const std::string all = std::to_string(pool.periods.size());
        state.warn(state.config.indicators[k].name + ": counts pooled over " + found + " of " +
                       all + " periods; the records hold no rows for " + missing,
                   localise(state.config.indicators[k].name, Language::Indonesian) +
                       ": jumlah digabung dari " + found + " dari " + all +
                       " periode; data tidak memuat baris untuk " + missing);
    }
}

std::unique_ptr<io::RowReader> counts_from_register(JobState& state, io::RowReader& rows) {
    const JobConfig& cfg = state.config;
    const IndicatorSpec& ind = cfg.indicators.front();
    std::vector<RegisterReject> rejects;
    RegisterSummary summary;
    auto counts =
        aggregate_register(rows,
                           {cfg.record_code, cfg.record_period, cfg.child_id, cfg.child_haz,
                            cfg.child_status, cfg.child_age, ind.numerator, ind.denominator},
                           state.villages().unit, rejects, summary);
    for (auto& r : rejects)
        state.records().rejects.push_back({r.line, std::move(r.code), std::move(r.reason)});
    state.records().register_summary = summary;
    return counts;
}
} // namespace

Options JoinRecords::options() const {
    return kOptions;
}

std::vector<std::string> record_quarters(const JobConfig& cfg) {
    if (cfg.record_period.empty())
        throw UsageError("--periods needs inputs.record_period, the records' period column");
    const auto table = io::open_records(cfg.records, cfg.delimiter, cfg.records_sheet);
    const std::size_t column = table->column(cfg.record_period);
    std::set<int> quarters;
    io::CsvRow row;
    while (table->next(row))
        if (const auto p = parse_record_period(trim(row.fields[column])))
            quarters.insert(*quarter_index(p->quarter));
    if (quarters.empty())
        throw InputError("'" + cfg.records + "': no quarter, month or date in column '" +
                         cfg.record_period + "'");
    std::vector<std::string> out;
    for (int q : quarters)
        out.push_back(quarter_label(q));
    return out;
}

void JoinRecords::run(JobState& state) {
    auto table =
        io::open_records(state.config.records, state.config.delimiter, state.config.records_sheet);
    if (state.config.children)
        table = counts_from_register(state, *table);
    const io::RowReader& csv = *table;
    join_record_rows(state, *table);
    warn_short_pools(state);
    if (state.records().tally.joined == 0)
        throw InputError("'" + csv.path() + "': no record could be joined to a village" +
                         reject_summary(state));
    if (state.records().rejects.empty())
        return;
    const std::string summary = "'" + csv.path() +
                                "': " + std::to_string(state.records().rejects.size()) +
                                " record(s) rejected:" + reject_summary(state);
    if (state.config.on_reject == RejectPolicy::Fail)
        throw InputError(summary + "\n(inputs.on_reject = fail; nothing was written)");
    state.warn(summary + "\n  (all listed in rejects.csv)",
               "'" + csv.path() + "': " + std::to_string(state.records().rejects.size()) +
                   " baris data ditolak; semuanya tercantum di rejects.csv");
}

} // namespace riskmap
