#include "io/report.hpp"
#include "io/report_parts.hpp"

#include "core/error.hpp"
#include "core/language.hpp"
#include "core/numbers.hpp"
#include "io/atomic_file.hpp"
#include "io/csv.hpp"
#include "io/map_style.hpp"
#include "io/staged_output.hpp"

#include <cpl_json.h>
#include <cpl_string.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

namespace riskmap::io {

namespace fs = std::filesystem;
using namespace report_detail;

namespace {
std::string headline(const Speak& s, const CsvTable& villages, const Indicator& ind,
                     const CPLJSONObject& uncertainty) {
    const double num = villages.sum(ind.name + "_num"), den = villages.sum(ind.name + "_den");
    std::size_t likely_above = 0;
    for (std::size_t r = 0; r < villages.rows.size(); ++r)
        likely_above += villages.number(r, ind.name + "_exceed").value_or(0) >= 0.8;
    const double signal =
        uncertainty.GetObj(ind.name).GetObj("villages").GetDouble("signal_share", -1);
    std::string out =
        "<div class=\"card\"><h3>" + s.words(ind.name) + "</h3><p class=\"big\">" +
        (den > 0 ? s.rate(num / den, ind) : s.t("no data", "tidak ada data")) + "</p><p>" +
        s.num(num) + " " + s.words(ind.cases) + s.t(" of ", " dari ") + s.num(den) + "; target " +
        s.rate(ind.target, ind) + "</p><p>" + s.count(likely_above) + s.t(" of ", " dari ") +
        s.count(villages.rows.size()) +
        s.t(" villages above the target with at least 80 % certainty; ",
            " desa di atas target dengan kepastian minimal 80 %; ") +
        s.num(villages.sum(ind.name + "_excess")) + s.t(" expected excess ", " kelebihan ") +
        s.words(ind.cases) + s.t(" a quarter", " yang diperkirakan per triwulan") + "</p>";
    if (signal >= 0 && signal < 0.5)
        out += "<p class=\"warn\">" +
               s.t("Little information: about ", "Informasi sedikit: hanya sekitar ") +
               s.num(std::round(signal * 100)) +
               s.t(" % of the variation between villages is signal; intervals are wide and "
                   "ranks uncertain.",
                   " % variasi antardesa adalah sinyal; interval lebar dan peringkat tidak "
                   "pasti.") +
               "</p>";
    return out + "</div>\n";
}

std::string image(const fs::path& png, const std::string& caption) {
    std::ifstream in(png, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    char* encoded = CPLBase64Encode(static_cast<int>(bytes.size()),
                                    reinterpret_cast<const GByte*>(bytes.data()));
    std::string out = "<figure><img alt=\"" + caption + "\" src=\"data:image/png;base64," +
                      encoded + "\"><figcaption>" + caption + "</figcaption></figure>\n";
    CPLFree(encoded);
    return out;
}

std::string maps(const Speak& s, const fs::path& dir, const std::vector<Indicator>& inds) {
    std::vector<std::pair<std::string, std::string>> wanted = {
        {"priority_class", s.t("Priority class (1 highest)", "Kelas prioritas (1 tertinggi)")},
        {"priority_class_change", s.t("Priority class change since last quarter",
                                      "Perubahan kelas prioritas sejak triwulan lalu")}};
    for (const auto& ind : inds) {
        const std::string name = s.words(ind.name) + ": ";
        wanted.emplace_back(ind.name + "_mean",
                            name + s.t("posterior mean rate", "angka rata-rata posterior"));
        wanted.emplace_back(ind.name + "_exceed",
                            name + s.t("P(rate > target)", "P(angka > target)"));
        wanted.emplace_back(ind.name + "_p_increase", name + s.t("P(rate rose)", "P(angka naik)"));
    }
    std::string out = "<section><h2>" + s.t("Maps", "Peta") + "</h2><div class=\"maps\">\n";
    for (const auto& [name, caption] : wanted)
        if (fs::exists(dir / (name + ".png")))
            out += image(dir / (name + ".png"), caption);
    return out + "</div></section>\n";
}

/// "1 × 93.3 + 200 × 0.25": the score from the table's own excess columns.
std::string score_key(const Speak& s, const CsvTable& t, std::size_t r,
                      const std::vector<Indicator>& inds) {
    std::string key;
    for (const auto& ind : inds)
        key += (key.empty() ? "" : " + ") + s.num(ind.weight, 6) + " × " +
               s.num(t.number(r, ind.name + "_excess"));
    return key;
}

std::string rank_interval(const Speak& s, const CsvTable& t, std::size_t r,
                          const std::string& prefix) {
    return s.num(t.number(r, prefix + "_rank_lo"), 6) + "–" +
           s.num(t.number(r, prefix + "_rank_hi"), 6);
}

std::string list_head(const Speak& s, const std::string& noun, const std::string& middle) {
    return "<table class=\"list\"><thead><tr><th>" + s.t("rank", "peringkat") + "</th><th>" +
           s.t("code", "kode") + "</th><th>" + noun + "</th>" + middle + "<th>" +
           s.t("rank, 95 %", "peringkat, 95 %") + "</th><th>P(top)</th></tr></thead><tbody>\n";
}

std::string overall_list(const Speak& s, const CsvTable& t, const std::vector<Indicator>& inds,
                         const std::string& noun, std::size_t count) {
    std::string out = list_head(
        s, noun,
        "<th>" + s.t("score = Σ weight × excess cases", "skor = Σ bobot × kasus berlebih") +
            "</th>");
    for (std::size_t r = 0; r < std::min(count, t.rows.size()); ++r)
        out += "<tr><td>" + xml_escape(t.text(r, "priority_rank")) + "</td><td>" +
               xml_escape(t.text(r, "code")) + "</td><td>" + xml_escape(t.text(r, "name")) +
               "</td><td>" + s.num(t.number(r, "priority_score")) + " = " +
               score_key(s, t, r, inds) + "</td><td>" + rank_interval(s, t, r, "priority") +
               "</td><td>" + s.num(t.number(r, "priority_p_top"), 2) + "</td></tr>\n";
    return out + "</tbody></table>\n";
}

std::vector<std::size_t> ranked_by(const CsvTable& t, const std::string& column) {
    std::vector<std::size_t> order;
    for (std::size_t r = 0; r < t.rows.size(); ++r)
        if (t.number(r, column))
            order.push_back(r);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return *t.number(a, column) < *t.number(b, column);
    });
    return order;
}

std::string programme_list(const Speak& s, const CsvTable& t, const Indicator& ind,
                           std::size_t count) {
    std::string out =
        "<h3>" + s.words(ind.name) + s.t(": by expected excess ", ": menurut kelebihan ") +
        s.words(ind.cases) + "</h3>" +
        list_head(s, s.t("name", "nama"),
                  "<th>" + s.t("posterior mean (95 %)", "rata-rata posterior (95 %)") +
                      "</th><th>" + s.t("excess", "kelebihan") + "</th>");
    const auto order = ranked_by(t, ind.name + "_rank");
    for (std::size_t k = 0; k < std::min(count, order.size()); ++k) {
        const std::size_t r = order[k];
        const auto rate = [&](const std::string& suffix) {
            const auto v = t.number(r, ind.name + suffix);
            return v ? s.num(*v * ind.scale) : std::string("–");
        };
        out += "<tr><td>" + xml_escape(t.text(r, ind.name + "_rank")) + "</td><td>" +
               xml_escape(t.text(r, "code")) + "</td><td>" + xml_escape(t.text(r, "name")) +
               "</td><td>" + rate("_mean") + " (" + rate("_lo") + "–" + rate("_hi") + ") " +
               s.words(ind.unit) + "</td><td>" + s.num(t.number(r, ind.name + "_excess")) +
               "</td><td>" + rank_interval(s, t, r, ind.name) + "</td><td>" +
               s.num(t.number(r, ind.name + "_p_top"), 2) + "</td></tr>\n";
    }
    return out + "</tbody></table>\n";
}

std::string change_line(const Speak& s, const CsvTable& t, const Indicator& ind,
                        const CPLJSONObject& uncertainty) {
    std::size_t up = 0, down = 0, known = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r)
        if (const auto p = t.number(r, ind.name + "_p_increase")) {
            ++known;
            up += *p >= 0.95;
            down += *p <= 0.05;
        }
    if (known == 0)
        return {};
    return "<p>" + s.words(ind.name) + s.t(" (compared with ", " (dibandingkan dengan ") +
           xml_escape(uncertainty.GetObj(ind.name).GetString("compared_with", "-")) +
           s.t("): rose with at least 95 % certainty in ",
               "): naik dengan kepastian minimal 95 % di ") +
           s.count(up) + s.t(" villages, fell in ", " desa, turun di ") + s.count(down) +
           s.t(" of ", " dari ") + s.count(known) +
           s.t(". When nothing changed, about 5 % of villages land on either side by chance.",
               ". Bila tidak ada perubahan, sekitar 5 % desa tetap jatuh di tiap sisi karena "
               "kebetulan.") +
           "</p>\n";
}

std::string changes(const Speak& s, const CsvTable& t, const std::vector<Indicator>& inds,
                    const CPLJSONObject& uncertainty) {
    std::string lines;
    for (const auto& ind : inds)
        lines += change_line(s, t, ind, uncertainty);
    if (lines.empty())
        lines = "<p>" +
                s.t("No earlier quarter in the cube: nothing to compare with yet.",
                    "Belum ada triwulan sebelumnya di kubus: belum ada pembanding.") +
                "</p>\n";
    return "<section><h2>" +
           s.t("What changed since last quarter", "Perubahan sejak triwulan lalu") + "</h2>\n" +
           lines + "</section>\n";
}

std::string self_checks(const Speak& s, const CPLJSONObject& root,
                        const std::vector<Indicator>& inds) {
    std::string out;
    for (const auto& ind : inds) {
        const CPLJSONObject check =
            root.GetObj("uncertainty").GetObj(ind.name).GetObj("villages").GetObj("self_check");
        if (check.IsValid())
            out += "<p>" + s.t("Self-check, ", "Pemeriksaan mandiri, ") + s.words(ind.name) +
                   s.t(": simulated villages fall inside their 95 % intervals ",
                       ": desa simulasi jatuh di dalam interval 95 % sebanyak ") +
                   s.num(std::round(check.GetDouble("coverage_95") * 1000) / 10, 4) +
                   s.t(" % of the time (95 % expected).", " % (diharapkan 95 %).") + "</p>\n";
    }
    return out;
}

std::string rejected_rows(const Speak& s, const fs::path& dir) {
    const CsvTable rejects = read_csv(dir / "rejects.csv");
    if (rejects.rows.empty())
        return {};
    std::string out = "<table class=\"list\"><thead><tr><th>" + s.t("line", "baris") + "</th><th>" +
                      s.t("code", "kode") + "</th><th>" + s.t("reason", "alasan") +
                      "</th></tr></thead><tbody>\n";
    for (std::size_t r = 0; r < std::min<std::size_t>(10, rejects.rows.size()); ++r)
        out += "<tr><td>" + xml_escape(rejects.text(r, "line")) + "</td><td>" +
               xml_escape(rejects.text(r, "code")) + "</td><td>" +
               xml_escape(rejects.text(r, "reason")) + "</td></tr>\n";
    return out + "</tbody></table><p>" +
           s.t("All rejected rows: rejects.csv.", "Semua baris yang ditolak: rejects.csv.") +
           "</p>\n";
}

/// What the public set (output.public) withheld, per indicator and level.
std::string publication(const Speak& s, const CPLJSONObject& root,
                        const std::vector<Indicator>& inds) {
    const CPLJSONObject pub = root.GetObj("public");
    if (!pub.IsValid() || pub.GetType() != CPLJSONObject::Type::Object)
        return {};
    const auto n = [&](const CPLJSONObject& o, const char* key) {
        return s.count(static_cast<std::size_t>(std::max(0, o.GetInteger(key))));
    };
    std::string out =
        "<p>" +
        s.t("Public set (safe to publish): public_villages.csv and public_villages.gpkg",
            "Set publik (aman dipublikasikan): public_villages.csv dan public_villages.gpkg") +
        (pub.GetString("parent_table").empty() ? ""
                                               : ", " + xml_escape(pub.GetString("parent_table"))) +
        s.t(". No count below ", ". Tidak ada jumlah di bawah ") +
        s.num(pub.GetDouble("min_count")) +
        s.t(" can be read or worked out from them; their estimates use the published counts only.",
            " yang dapat dibaca atau dihitung darinya; estimasinya hanya memakai jumlah yang "
            "dipublikasikan.") +
        "</p>\n<ul>\n";
    for (const auto& ind : inds) {
        const CPLJSONObject areas = pub.GetObj("areas").GetObj(ind.name);
        const CPLJSONObject parents = pub.GetObj("parents").GetObj(ind.name);
        out += "<li>" + s.words(ind.name) + ": " + n(areas, "below_minimum") +
               s.t(" village counts withheld below the minimum, ",
                   " jumlah desa disembunyikan karena di bawah batas, ") +
               n(areas, "complementary") +
               s.t(" more to protect a published total", " lagi untuk melindungi total");
        if (parents.IsValid())
            out += "; " + n(parents, "below_minimum") +
                   s.t(" kecamatan counts withheld", " jumlah kecamatan disembunyikan");
        out += ".</li>\n";
    }
    return out + "</ul>\n";
}

std::string data_quality(const Speak& s, const fs::path& dir, const CPLJSONObject& root,
                         const std::vector<Indicator>& inds) {
    const CPLJSONObject counts = root.GetObj("counts");
    const auto n = [&](const char* key) {
        return s.count(static_cast<std::size_t>(std::max(0, counts.GetInteger(key))));
    };
    std::string out = "<section><h2>" + s.t("Data quality", "Kualitas data") + "</h2><p>" +
                      n("villages") + s.t(" villages; records read ", " desa; baris dibaca ") +
                      n("records_read") + s.t(", joined ", ", tergabung ") + n("records_joined") +
                      s.t(", rejected ", ", ditolak ") + n("records_rejected") +
                      s.t("; villages without records ", "; desa tanpa laporan ") +
                      n("villages_without_records") + ".</p>\n" + self_checks(s, root, inds) +
                      publication(s, root, inds) + rejected_rows(s, dir);
    // run.json's warnings in the report's language (older run.json files: English only).
    const CPLJSONArray english = root.GetArray("warnings");
    const CPLJSONArray indonesian = root.GetArray("warnings_id");
    const bool translated = s.lang == Language::Indonesian && indonesian.IsValid() &&
                            indonesian.Size() == english.Size();
    const CPLJSONArray& warnings = translated ? indonesian : english;
    if (warnings.Size() > 0) {
        out += "<ul class=\"warn\">\n";
        for (const auto& w : warnings)
            out += "<li>" + xml_escape(w.ToString()) + "</li>\n";
        out += "</ul>\n";
    }
    return out + "</section>\n";
}

std::string provenance(const Speak& s, const CPLJSONObject& root) {
    std::string out = "<section><h2>" + s.t("Provenance", "Asal data") + "</h2><p>riskmap " +
                      xml_escape(root.GetString("riskmap_version")) + ", config " +
                      xml_escape(root.GetString("config_file")) +
                      "</p><table class=\"list\"><thead><tr><th>" + s.t("input", "masukan") +
                      "</th><th>checksum</th></tr></thead><tbody>\n";
    for (const auto& input : root.GetObj("inputs").GetChildren())
        out += "<tr><td>" + xml_escape(input.GetName()) + "</td><td class=\"hash\">" +
               xml_escape(input.ToString()) + "</td></tr>\n";
    return out + "</tbody></table></section>\n";
}

const char* kStyle = R"(<style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; margin: 1.5em; max-width: 60em; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; border-bottom: 1px solid #999; }
.cards { display: flex; flex-wrap: wrap; gap: 1em; }
.card { flex: 1 1 18em; border: 1px solid #ccc; padding: 0.5em 1em; }
.big { font-size: 20pt; margin: 0.2em 0; }
.warn { color: #a50026; }
.maps { display: flex; flex-wrap: wrap; gap: 1em; }
figure { flex: 1 1 26em; margin: 0; } figure img { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 9pt; }
th, td { border: 1px solid #ccc; padding: 2px 4px; text-align: left; overflow-wrap: anywhere; }
.hash { font-family: monospace; font-size: 7pt; }
@media print { section { break-inside: avoid-page; } figure { break-inside: avoid; } }
</style>
)";

// Lets a headless browser report what it drew: images that failed, tables left empty, and a
// page wider than the window (a table pushing the layout out).
const char* kSelfCheck = R"(<script>
window.addEventListener('load', () => {
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length;
  const empty = [...document.querySelectorAll('table.list tbody')]
      .filter(t => t.rows.length === 0).length;
  const overflow = document.documentElement.scrollWidth > window.innerWidth + 1;
  document.body.dataset.check = 'images=' + document.images.length + ' broken=' + broken +
      ' emptytables=' + empty + ' overflow=' + overflow;
});
</script>
)";

std::string parent_table(const fs::path& dir) {
    for (const char* name : {"kecamatan.csv", "regency.csv", "province.csv"})
        if (fs::exists(dir / name))
            return name;
    return {};
}

std::string targeting(const Speak& s, const fs::path& dir, const CsvTable& villages,
                      const std::vector<Indicator>& inds) {
    std::string out =
        "<section><h2>" + s.t("Targeting lists", "Daftar sasaran") + "</h2><p>" +
        s.t("Ranked by expected excess cases above the target; the score weighs each "
            "programme's cases by its priority weight. \"rank, 95 %\" and P(top) say how sure "
            "each rank is.",
            "Diurutkan menurut kelebihan kasus di atas target yang diperkirakan; skor menimbang "
            "kasus tiap program dengan bobot prioritasnya. \"peringkat, 95 %\" dan P(top) "
            "menunjukkan seberapa pasti tiap peringkat.") +
        "</p>\n<h3>" + s.t("Overall priority", "Prioritas keseluruhan") + "</h3>\n" +
        overall_list(s, villages, inds, s.t("village", "desa"), 15);
    for (const auto& ind : inds)
        out += programme_list(s, villages, ind, 10);
    if (const std::string parent = parent_table(dir); !parent.empty()) {
        const std::string noun = parent.substr(0, parent.size() - 4);
        out += "<h3>" + s.t("Overall priority by ", "Prioritas keseluruhan per ") +
               xml_escape(noun) + "</h3>\n" +
               overall_list(s, read_csv(dir / parent), inds, xml_escape(noun), 10);
    }
    return out + "</section>\n";
}
} // namespace

std::string write_report(const std::string& out_dir) {
    const fs::path dir(out_dir);
    CPLJSONDocument doc;
    if (!fs::exists(dir / "run.json") || !doc.Load((dir / "run.json").string()))
        throw InputError("'" + out_dir + "' is not a riskmap output folder (no readable run.json)");
    const CPLJSONObject root = doc.GetRoot();
    const CPLJSONObject config = root.GetObj("config");
    const std::string period = config.GetString("inputs.period", "");
    const auto inds = indicators(config);
    const CsvTable villages = read_csv(dir / "villages.csv");
    const Speak s{
        parse_language(config.GetString("output.language", "en")).value_or(Language::English)};
    std::string page = "<!DOCTYPE html>\n<html lang=\"" + s.t("en", "id") +
                       "\"><head><meta charset=\"utf-8\"><title>riskmap " + xml_escape(period) +
                       "</title>\n" + kStyle + kSelfCheck + "</head><body>\n";
    page += "<h1>" +
            s.t("Stunting and maternal health: quarterly risk report ",
                "Stunting dan kesehatan ibu: laporan risiko triwulan ") +
            xml_escape(period) + "</h1>\n<section><h2>" + s.t("Headline figures", "Angka utama") +
            "</h2><div class=\"cards\">\n";
    for (const auto& ind : inds)
        page += headline(s, villages, ind, root.GetObj("uncertainty"));
    page += "</div></section>\n" + maps(s, dir, inds) + targeting(s, dir, villages, inds) +
            changes(s, villages, inds, root.GetObj("uncertainty")) +
            data_quality(s, dir, root, inds) + provenance(s, root) + "</body></html>\n";
    const fs::path path = dir / ("report_" + (period.empty() ? "run" : period) + ".html");
    replace_file_text(path, page, {"write", dir / ("." + path.filename().string() + ".tmp")});
    return path.string();
}

} // namespace riskmap::io
