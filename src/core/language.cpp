#include "core/language.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace riskmap {

namespace {
// English display phrases riskmap writes and their Indonesian, longest first so that
// "priority class change" wins over "priority class" and "very high" over "high". Terms as
// Indonesian health offices use them (Kemenkes: "Angka Kematian Ibu", "prevalensi stunting",
// "kelahiran hidup").
const std::vector<std::pair<std::string, std::string>>& phrases() {
    static const auto table = [] {
        std::vector<std::pair<std::string, std::string>> t = {
            {"priority class change", "perubahan kelas prioritas"},
            {"priority class", "kelas prioritas"},
            {"population fifths", "seperlima penduduk"},
            {"positive: higher priority now", "positif: prioritas lebih tinggi sekarang"},
            {"prevalence class of the posterior mean", "kelas prevalensi dari rata-rata posterior"},
            {"prevalence class", "kelas prevalensi"},
            {"posterior mean", "rata-rata posterior"},
            {"95 % interval, low end", "batas bawah interval 95 %"},
            {"95 % interval, high end", "batas atas interval 95 %"},
            {"2.5 % posterior quantile", "kuantil posterior 2,5 %"},
            {"97.5 % posterior quantile", "kuantil posterior 97,5 %"},
            {"above target", "di atas target"},
            {"rate change", "perubahan angka"},
            {"kernel rate", "angka kernel"},
            {"kernel bandwidth", "lebar pita kernel"},
            {"risk index", "indeks risiko"},
            {"weighted exceedance and sanitation",
             "peluang melampaui target dan sanitasi, berbobot"},
            {"periods pooled", "periode digabung"},
            {"under the kernel", "di bawah kernel"},
            {"effective", "efektif"},
            {"increase", "kenaikan"},
            {"percentage points", "poin persen"},
            {"no change", "tidak berubah"},
            {"no data", "tidak ada data"},
            {"% chance or more", "% peluang atau lebih"},
            {"% chance", "% peluang"},
            {"or more", "atau lebih"},
            {"of children measured", "anak yang diukur"},
            {"children measured", "anak yang diukur"},
            {"children stunted", "anak stunting"},
            {"live births", "kelahiran hidup"},
            {"maternal deaths", "kematian ibu"},
            {"maternal rate", "angka kematian ibu"},
            {"stunting rate", "prevalensi stunting"},
            {"maternal", "kematian ibu"},
            {"very high", "sangat tinggi"},
            {"very low", "sangat rendah"},
            {"highest", "tertinggi"},
            {"lowest", "terendah"},
            {"higher", "lebih tinggi"},
            {"lower", "lebih rendah"},
            {"high", "tinggi"},
            {"low", "rendah"},
            {"medium", "sedang"},
            {"same", "sama"},
            {"index", "indeks"},
            {"classes", "kelas"},
            {"rate", "angka"},
            {"to", "ke"},
            // the village layer's column names
            {"village code", "kode desa"},
            {"kecamatan code", "kode kecamatan"},
            {"Name", "Nama"},
            {"population (persons)", "penduduk (jiwa)"},
            {"sanitation coverage", "cakupan sanitasi"},
            {"proportion", "proporsi"},
            {"count", "jumlah"},
            {"crude rate", "angka kasar"},
            {"global EB rate", "angka EB global"},
            {"local EB rate", "angka EB lokal"},
            {"neighbourhood relative rate", "angka relatif lingkungan"},
            {"expected cases", "kasus yang diperkirakan"},
            {"excess cases above target", "kasus berlebih di atas target"},
            {"weighted excess cases", "kasus berlebih berbobot"},
            {"rank by excess cases", "peringkat menurut kasus berlebih"},
            {"overall priority rank", "peringkat prioritas keseluruhan"},
            {"priority score", "skor prioritas"},
            {"overall rank", "peringkat keseluruhan"},
            {"overall", "keseluruhan"},
            {"rank", "peringkat"},
            {"in the top fifth", "di seperlima teratas"},
            {"in the top", "di antara teratas"},
            {"rose since last quarter", "naik sejak triwulan lalu"},
            {"last quarter", "triwulan lalu"},
            {"context", "konteks"},
            {"interval", "interval"},
            {"count withheld", "jumlah disembunyikan"},
            {"below the minimum", "di bawah batas minimum"},
            {"protects a total", "melindungi total"}};
        std::stable_sort(t.begin(), t.end(), [](const auto& a, const auto& b) {
            return a.first.size() > b.first.size();
        });
        return t;
    }();
    return table;
}

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

/// `phrase` at `at` in `text`, not inside a longer word.
bool phrase_at(const std::string& text, std::size_t at, const std::string& phrase) {
    if (text.compare(at, phrase.size(), phrase) != 0)
        return false;
    const bool starts = at == 0 || !word_char(text[at - 1]) || !word_char(phrase.front());
    const std::size_t end = at + phrase.size();
    const bool ends = end == text.size() || !word_char(text[end]) || !word_char(phrase.back());
    return starts && ends;
}

std::string replace_phrases(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto& table = phrases();
        const auto hit = std::find_if(table.begin(), table.end(),
                                      [&](const auto& p) { return phrase_at(text, i, p.first); });
        if (hit == table.end()) {
            out += text[i++];
            continue;
        }
        out += hit->second;
        i += hit->first.size();
    }
    return out;
}

bool digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

/// Swaps the separators of every number ("1,600.5" -> "1.600,5"); a comma or point counts
/// only between digits, so "1, 2" and sentence ends stay as they are.
std::string swap_separators(const std::string& text) {
    std::string out = text;
    for (std::size_t i = 1; i + 1 < out.size(); ++i)
        if ((out[i] == '.' || out[i] == ',') && digit(out[i - 1]) && digit(out[i + 1]))
            out[i] = out[i] == '.' ? ',' : '.';
    return out;
}
} // namespace

std::optional<Language> parse_language(std::string_view code) {
    if (code == "en")
        return Language::English;
    if (code == "id")
        return Language::Indonesian;
    return std::nullopt;
}

std::string localise_number(const std::string& number, Language lang) {
    return lang == Language::English ? number : swap_separators(number);
}

std::string localise(const std::string& english, Language lang) {
    if (lang == Language::English)
        return english;
    return swap_separators(replace_phrases(english));
}

} // namespace riskmap
