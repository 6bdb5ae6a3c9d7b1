#include "pipelines/run_report.hpp"

#include "core/numbers.hpp"
#include "sched/ranks.hpp"
#include "sched/tiles.hpp"

#include <sys/resource.h>

#include <cmath>

#include <cstdio>

#ifndef RISKMAP_VERSION
#define RISKMAP_VERSION "unknown"
#endif

namespace riskmap {

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

namespace {
std::string number(double v) {
    const std::string s = format_double(v);
    return s.empty() ? "null" : s;
}

/// Up to 20 village pairs closer than a metre (or snap_m) that are not neighbours: codes and
/// metres.
std::string near_pairs_json(const JobState& s) {
    std::string out = "[";
    for (std::size_t i = 0; i < s.neighbours().near_unlinked.size() && i < 20; ++i) {
        const io::NearPair& p = s.neighbours().near_unlinked[i];
        out += (i ? ", " : "") + std::string("[") +
               json_string(s.villages().table[std::size_t(p.a)].code) + ", " +
               json_string(s.villages().table[std::size_t(p.b)].code) + ", " +
               format_double(p.distance_m, 3) + "]";
    }
    return out + "]";
}

/// Child-level records: counts of rows only, never a child's value.
std::string register_json(const JobState& s) {
    if (!s.records().register_summary)
        return "";
    const RegisterSummary& r = *s.records().register_summary;
    return ", \"children\": {\"rows\": " + std::to_string(r.rows) +
           ", \"measurements_counted\": " + std::to_string(r.used) +
           ", \"repeated_measurements_left_out\": " + std::to_string(r.repeated) +
           ", \"rows_rejected\": " + std::to_string(r.rejected) + "}";
}

std::string counts_json(const JobState& s) {
    std::size_t without = 0;
    for (std::size_t i = 0; i < s.villages().table.size(); ++i) {
        bool any = false;
        for (const auto& c : s.records().counts)
            any = any || c.reported[i];
        without += !any;
    }
    return "{\"villages\": " + std::to_string(s.villages().table.size()) +
           ", \"records_read\": " + std::to_string(s.records().tally.rows) +
           ", \"records_other_period\": " + std::to_string(s.records().tally.other_period) +
           ", \"records_joined\": " + std::to_string(s.records().tally.joined) +
           ", \"records_earlier\": " + std::to_string(s.records().tally.earlier) +
           ", \"records_rejected\": " + std::to_string(s.records().tally.rejected) +
           register_json(s) + ", \"villages_without_records\": " + std::to_string(without) +
           ", \"villages_without_neighbours\": " + std::to_string(s.neighbours().islands) +
           ", \"neighbour_pairs_snapped\": " + std::to_string(s.neighbours().snapped.size()) +
           ", \"near_pairs_not_linked\": " + std::to_string(s.neighbours().near_unlinked.size()) +
           ", \"near_pairs_examples\": " + near_pairs_json(s) +
           ", \"events_outside_grid\": " + number(s.pixel_maps().unplaced_events) + "}";
}

std::string priors_json(const JobState& s) {
    std::string out = "{";
    for (std::size_t k = 0; k < s.config.indicators.size(); ++k) {
        const auto& p = s.scores().villages.scores[k].prior;
        out += (k ? ", " : "") + json_string(s.config.indicators[k].name) +
               ": {\"mean\": " + number(p.mean) + ", \"variance\": " + number(p.variance) +
               ", \"alpha\": " + number(p.alpha) + ", \"beta\": " + number(p.beta) + "}";
    }
    return out + "}";
}

std::string strings_json(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + json_string(items[i]);
    return out + "]";
}

/// The integrated hyperparameters of one indicator over one set of areas, with the grid
/// (m, kappa, weight) every posterior is a mixture over, and the self-check.
std::string hyper_json(const IndicatorScores& s) {
    const auto& h = s.hyper;
    std::string grid = "[";
    for (std::size_t i = 0; i < h.points.size(); ++i)
        grid += (i ? ", " : "") + std::string("[") + format_double(h.points[i].mean) + ", " +
                format_double(h.points[i].kappa) + ", " + format_double(h.points[i].weight) + ", " +
                format_double(h.points[i].spatial) + "]";
    grid += "]";
    const auto& c = s.self_check;
    const auto share = [&](double inside) {
        return c.areas > 0 ? number(inside / c.areas) : "null";
    };
    // grid: [m, kappa, weight, spatial strength beta] per point.
    return "{\"areas\": " + number(h.areas) + ", \"events\": " + number(h.events) +
           ", \"exposure\": " + number(h.exposure) + ", \"mean_rate\": " + number(h.mean_m()) +
           ", \"kappa_mean\": " + number(h.mean_kappa()) +
           ", \"kappa_mode\": " + number(h.mode_kappa) +
           ", \"signal_share\": " + number(s.exchangeable.signal_share()) +
           ", \"kappa_total\": " + number(s.exchangeable.mean_kappa()) +
           ", \"spatial_weight\": {\"0\": " + number(h.spatial_weight(0)) +
           ", \"0.5\": " + number(h.spatial_weight(0.5)) +
           ", \"1\": " + number(h.spatial_weight(1)) + "}" +
           ", \"self_check\": {\"areas_simulated\": " + number(c.areas) +
           ", \"coverage_50\": " + share(c.inside50) + ", \"coverage_80\": " + share(c.inside80) +
           ", \"coverage_95\": " + share(c.inside95) + "}, \"grid\": " + grid + "}";
}

std::string uncertainty_json(const JobState& s) {
    if (!s.config.uncertainty.integrated)
        return "{\"method\": \"plugin\"}";
    std::string out = "{\"method\": \"integrated\"";
    for (std::size_t k = 0; k < s.config.indicators.size(); ++k) {
        const PoolInfo& pool = s.records().pools[k];
        out += ", " + json_string(s.config.indicators[k].name) +
               ": {\"pooled_periods\": " + strings_json(pool.periods) +
               ", \"periods_found\": " + strings_json(pool.found) +
               ", \"compared_with\": " + json_string(pool.leaving) +
               ", \"villages\": " + hyper_json(s.scores().villages.scores[k]);
        if (const auto parent = parent_unit(s.villages().unit))
            out += ", " + json_string(unit_name(*parent)) + ": " +
                   hyper_json(s.scores().parents.scores[k]);
        out += "}";
    }
    return out + "}";
}

/// Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB).
double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string resources_json(const JobState& s) {
    return "{\"ranks\": " + std::to_string(sched::ranks()) +
           ", \"threads\": " + std::to_string(sched::worker_threads()) +
           ", \"tile_size\": " + std::to_string(s.zones().tile_size) +
           ", \"tiles\": " + std::to_string(s.zones().tiles) +
           ", \"tiles_resumed\": " + std::to_string(s.pixel_maps().tiles_resumed) +
           ", \"work_in_memory\": " + (s.pixel_maps().work_in_memory ? "true" : "false") +
           ", \"peak_rss_mib\": " + format_double(std::round(peak_rss_mib() * 10) / 10) + "}";
}

std::string list_json(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + json_string(items[i]);
    return out + "]";
}

/// The level the run mapped, where it was read from, and the table above it.
/// What the public set withheld, per indicator: {"stunting": {"published": .., ...}, ...}.
std::string withheld_json(const PublicAreas& p, const JobConfig& cfg) {
    std::string out = "{";
    for (std::size_t k = 0; k < p.withheld.size(); ++k) {
        std::size_t n[4] = {0, 0, 0, 0};
        for (const auto w : p.withheld[k])
            ++n[static_cast<int>(w)];
        out += (k ? ", " : "") + json_string(cfg.indicators[k].name) +
               ": {\"published\": " + std::to_string(n[0]) +
               ", \"below_minimum\": " + std::to_string(n[1]) +
               ", \"complementary\": " + std::to_string(n[2]) +
               ", \"not_reported\": " + std::to_string(n[3]) + "}";
    }
    return out + "}";
}

std::string public_json(const JobState& s) {
    if (!s.scores().public_villages)
        return "null";
    const auto parent = parent_unit(s.villages().unit);
    std::string out = "{\"min_count\": " + number(s.config.min_count) +
                      ", \"areas\": " + withheld_json(*s.scores().public_villages, s.config);
    if (parent && s.scores().public_parents)
        out += ", \"parent_table\": " + json_string("public_" + parent_table_name(*parent)) +
               ", \"parents\": " + withheld_json(*s.scores().public_parents, s.config);
    return out + "}";
}

std::string areas_json(const JobState& s) {
    const auto parent = parent_unit(s.villages().unit);
    return std::string("{\"unit\": ") + json_string(unit_name(s.villages().unit)) +
           ", \"unit_from\": " + json_string(s.config.unit ? "inputs.unit" : "code length") +
           ", \"count\": " + std::to_string(s.villages().table.size()) +
           ", \"parent_table\": " + (parent ? json_string(parent_table_name(*parent)) : "null") +
           "}";
}
} // namespace

std::string run_report_json(const JobState& s, const std::vector<std::string>& outputs) {
    std::string config = "{";
    for (std::size_t i = 0; i < s.config.resolved.size(); ++i)
        config += (i ? ", " : "") + json_string(s.config.resolved[i].first) + ": " +
                  json_string(s.config.resolved[i].second);
    config += "}";
    std::string timings = "{";
    for (std::size_t i = 0; i < s.timings.size(); ++i)
        timings += (i ? ", " : "") + json_string(s.timings[i].first) + ": " +
                   format_double(s.timings[i].second, 4);
    timings += "}";
    std::string grid = "null";
    if (s.has_rasters)
        grid = "{\"width\": " + std::to_string(s.grid().grid.width) +
               ", \"height\": " + std::to_string(s.grid().grid.height) +
               ", \"geographic\": " + (s.grid().grid.geographic ? "true" : "false") + "}";
    std::string inputs = "{";
    for (std::size_t i = 0; i < s.digests().checksums.size(); ++i)
        inputs += (i ? ", " : "") + json_string(s.digests().checksums[i].first) + ": " +
                  json_string("sha256:" + s.digests().checksums[i].second);
    inputs += "}";
    return "{\n  \"riskmap_version\": " + json_string(RISKMAP_VERSION) +
           ",\n  \"config_file\": " + json_string(s.config.config_path) +
           ",\n  \"areas\": " + areas_json(s) + ",\n  \"inputs\": " + inputs +
           ",\n  \"config\": " + config + ",\n  \"counts\": " + counts_json(s) +
           ",\n  \"grid\": " + grid + ",\n  \"priors\": " + priors_json(s) +
           ",\n  \"uncertainty\": " + uncertainty_json(s) + ",\n  \"timings_s\": " + timings +
           ",\n  \"resources\": " + resources_json(s) + ",\n  \"public\": " + public_json(s) +
           ",\n  \"warnings\": " + list_json(s.warnings) +
           ",\n  \"warnings_id\": " + list_json(s.warnings_id) +
           ",\n  \"outputs\": " + list_json(outputs) + "\n}\n";
}

} // namespace riskmap
