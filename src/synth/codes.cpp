#include "synth/internal.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <set>

namespace riskmap::synth::detail {

namespace {
// Village names join a prefix and a suffix. A preset draws from the first entries only, so the
// lists can grow for larger presets without renaming the villages of smaller ones.
constexpr std::array<const char*, 64> kPrefixes = {
    "Suka",   "Ci",     "Karang",  "Sido",   "Tegal",   "Mekar", "Banjar",  "Pasir",
    "Jati",   "Sumber", "Wono",    "Gunung", "Kali",    "Rejo",  "Sri",     "Tanjung",
    "Margo",  "Pager",  "Cempaka", "Bojong", "Sindang", "Kebon", "Muara",   "Lebak",
    "Ranca",  "Situ",   "Leuwi",   "Parung", "Negla",   "Sirna", "Babakan", "Panca",
    "Wangun", "Bina",   "Giri",    "Sumur",  "Kuta",    "Sinar", "Purwa",   "Tirta",
    "Kadu",   "Rawa",   "Mandala", "Nagara", "Langen",  "Cinta", "Linggar", "Taman",
    "Teluk",  "Hegar",  "Warga",   "Wana",   "Bukit",   "Sela",  "Bantar",  "Dayeuh",
    "Lemah",  "Pulo",   "Sagara",  "Padang", "Tugu",    "Cipta", "Arga",    "Puspa"};
constexpr std::array<const char*, 64> kSuffixes = {
    "jaya",    "maju",    "mulya",   "sari",    "rejo",    "asih",   "wangi",    "harja",
    "makmur",  "agung",   "rahayu",  "tani",    "luhur",   "kerta",  "mukti",    "arum",
    "manik",   "sentosa", "mandiri", "laksana", "raharja", "wening", "galih",    "asri",
    "indah",   "endah",   "rasa",    "manah",   "lestari", "bakti",  "karya",    "murni",
    "resmi",   "kencana", "wibawa",  "sejati",  "utama",   "permai", "ayu",      "sakti",
    "anyar",   "jambu",   "bodas",   "kembang", "waru",    "gede",   "kidang",   "lega",
    "sirah",   "pinang",  "kalapa",  "nangka",  "gadung",  "tebu",   "ringin",   "pandan",
    "muncang", "haur",    "sawah",   "batu",    "kuning",  "salam",  "cempedak", "nagrak"};
// Javanese compass words (south, north, east, west) come first: how real twin villages are
// told apart. Sundanese and Indonesian ones follow for the large presets.
constexpr std::array<const char*, 13> kQualifiers = {
    " Kidul", " Lor",  " Wetan", " Kulon", " Tengah", " Girang", " Hilir",
    " Hulu",  " Baru", " Timur", " Barat", " Utara",  " Selatan"};

} // namespace

Namer::Namer(const Preset& p)
    : prefixes_(std::clamp(p.name_prefixes, 1, static_cast<int>(kPrefixes.size()))),
      suffixes_(std::clamp(p.name_suffixes, 1, static_cast<int>(kSuffixes.size()))) {}

// A qualifier, then a number, tells a repeated name apart.
std::string Namer::unique(Rng& rng) {
    const int pre = rng.index(prefixes_);
    const int suf = rng.index(suffixes_);
    std::string base = std::string(kPrefixes[static_cast<std::size_t>(pre)]) +
                       kSuffixes[static_cast<std::size_t>(suf)];
    if (used_.insert(base).second)
        return base;
    for (const char* q : kQualifiers)
        if (used_.insert(base + q).second)
            return base + q;
    for (int n = 2;; ++n)
        if (used_.insert(base + " " + std::to_string(n)).second)
            return base + " " + std::to_string(n);
}

namespace {
struct Centre {
    double x = 0, y = 0;
};

std::vector<Centre> spread_centres(const Landscape& l, int count, Rng& rng) {
    const Extent& e = l.extent;
    const double spacing = 0.5 * std::sqrt(e.width() * e.height() / count);
    std::vector<Centre> centres;
    for (int attempt = 0; attempt < 100000 && static_cast<int>(centres.size()) < count; ++attempt) {
        Centre c;
        c.x = rng.uniform(e.xmin, e.xmax);
        c.y = rng.uniform(e.ymin, e.ymax);
        const bool crowded = std::any_of(centres.begin(), centres.end(), [&](const Centre& o) {
            return std::hypot(o.x - c.x, o.y - c.y) < spacing;
        });
        if (!crowded && !l.water(c.x, c.y))
            centres.push_back(c);
    }
    return centres;
}

std::size_t nearest(const std::vector<Centre>& centres, double x, double y) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < centres.size(); ++k)
        if (std::hypot(centres[k].x - x, centres[k].y - y) <
            std::hypot(centres[best].x - x, centres[best].y - y))
            best = k;
    return best;
}

// By squared distance: relaxing needs a near centre fast, not the exact rule of nearest().
std::size_t closest(const std::vector<Centre>& centres, const Centre& q) {
    std::size_t best = 0;
    double best_d2 = HUGE_VAL;
    for (std::size_t k = 0; k < centres.size(); ++k) {
        const double dx = centres[k].x - q.x, dy = centres[k].y - q.y;
        if (dx * dx + dy * dy < best_d2) {
            best = k;
            best_d2 = dx * dx + dy * dy;
        }
    }
    return best;
}

// Lloyd's algorithm: each centre moves to the mean of the points closest to it, so groups even
// out where points crowd (towns); a centre without points stays where it is.
void relax(std::vector<Centre>& centres, const std::vector<Centre>& points, int iterations) {
    for (int it = 0; it < iterations; ++it) {
        std::vector<Centre> sum(centres.size());
        std::vector<int> count(centres.size(), 0);
        for (const auto& q : points) {
            const std::size_t k = closest(centres, q);
            sum[k].x += q.x;
            sum[k].y += q.y;
            ++count[k];
        }
        for (std::size_t k = 0; k < centres.size(); ++k)
            if (count[k] > 0)
                centres[k] = {sum[k].x / count[k], sum[k].y / count[k]};
    }
}

// Rank of each used centre (-1 if unused): by group, then north to south, then west to east.
std::vector<int> rank_centres(const std::vector<Centre>& centres, const std::vector<int>& used,
                              const std::vector<int>& group) {
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < centres.size(); ++k)
        if (used[k])
            order.push_back(k);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (group[a] != group[b])
            return group[a] < group[b];
        if (centres[a].y != centres[b].y)
            return centres[a].y > centres[b].y;
        return centres[a].x < centres[b].x;
    });
    std::vector<int> rank(centres.size(), -1);
    for (std::size_t i = 0; i < order.size(); ++i)
        rank[order[i]] = static_cast<int>(i);
    return rank;
}

// Regency rank of each used kecamatan centre: the nearest regency seat, as kecamatan gather
// villages. A single regency needs no seat and draws nothing.
std::vector<int> group_regencies(const Preset& p, const Landscape& l,
                                 const std::vector<Centre>& kecamatan, const std::vector<int>& used,
                                 Rng& rng) {
    if (p.regencies <= 1)
        return std::vector<int>(kecamatan.size(), 0);
    auto seats = spread_centres(l, p.regencies, rng);
    std::vector<Centre> used_centres;
    for (std::size_t k = 0; k < kecamatan.size(); ++k)
        if (used[k])
            used_centres.push_back(kecamatan[k]);
    relax(seats, used_centres, p.relax_iterations);
    std::vector<int> regency(kecamatan.size(), -1), held(seats.size(), 0);
    for (std::size_t k = 0; k < kecamatan.size(); ++k)
        if (used[k]) {
            regency[k] = static_cast<int>(nearest(seats, kecamatan[k].x, kecamatan[k].y));
            held[static_cast<std::size_t>(regency[k])] = 1;
        }
    const auto rank = rank_centres(seats, held, std::vector<int>(seats.size(), 0));
    for (auto& r : regency)
        if (r >= 0)
            r = rank[static_cast<std::size_t>(r)];
    return regency;
}

std::string two_digits(int n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
}

// Province 32 (Jawa Barat); kecamatan are numbered 01.. within their regency.
std::vector<std::string> kecamatan_codes(const Preset& p, const std::vector<int>& rank,
                                         const std::vector<int>& regency) {
    std::vector<int> regency_of(static_cast<std::size_t>(
        std::count_if(rank.begin(), rank.end(), [](int r) { return r >= 0; })));
    for (std::size_t k = 0; k < rank.size(); ++k)
        if (rank[k] >= 0)
            regency_of[static_cast<std::size_t>(rank[k])] = regency[k];
    std::vector<std::string> codes;
    for (std::size_t i = 0, within = 0; i < regency_of.size(); ++i) {
        within = i > 0 && regency_of[i] == regency_of[i - 1] ? within + 1 : 1;
        const int code = p.first_regency + regency_of[i];
        if (code > 99 || within > 99)
            throw Error("synth: preset '" + p.name + "' needs more than 99 regencies or 99 " +
                        "kecamatan in a regency; Kemendagri codes have two digits for each");
        codes.push_back("32" + two_digits(code) + two_digits(static_cast<int>(within)));
    }
    return codes;
}

// Kecamatan are numbered by regency, then north to south, then west to east; one with no
// village is dropped, and so is a regency with no kecamatan.
void assign_kecamatan(const Preset& p, const Landscape& l, VillageSet& set, Rng& rng) {
    auto centres = spread_centres(l, p.kecamatan, rng);
    std::vector<Centre> seeds;
    for (const auto& v : set.villages)
        if (!v.tiny)
            seeds.push_back({v.x, v.y});
    relax(centres, seeds, p.relax_iterations);
    std::vector<int> used(centres.size(), 0);
    for (auto& v : set.villages)
        if (!v.tiny) {
            v.kecamatan = static_cast<int>(nearest(centres, v.x, v.y));
            used[static_cast<std::size_t>(v.kecamatan)] = 1;
        }
    const auto regency = group_regencies(p, l, centres, used, rng);
    const auto rank = rank_centres(centres, used, regency);
    for (auto& v : set.villages)
        if (!v.tiny)
            v.kecamatan = rank[static_cast<std::size_t>(v.kecamatan)];
    for (auto& v : set.villages)
        if (v.tiny)
            v.kecamatan = set.villages[static_cast<std::size_t>(v.parent)].kecamatan;
    set.kecamatan_codes = kecamatan_codes(p, rank, regency);
}

// Within a kecamatan, villages run north to south, then west to east; tiny ones come last, as
// villages split off later get the next free number.
void sort_villages(VillageSet& set) {
    auto& vs = set.villages;
    std::vector<std::size_t> order(vs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (vs[a].kecamatan != vs[b].kecamatan)
            return vs[a].kecamatan < vs[b].kecamatan;
        if (vs[a].tiny != vs[b].tiny)
            return !vs[a].tiny;
        if (vs[a].y != vs[b].y)
            return vs[a].y > vs[b].y;
        return vs[a].x < vs[b].x;
    });
    std::vector<int> new_index(vs.size());
    std::vector<Village> sorted;
    for (std::size_t i = 0; i < order.size(); ++i) {
        new_index[order[i]] = static_cast<int>(i);
        sorted.push_back(std::move(vs[order[i]]));
    }
    for (auto& v : sorted)
        if (v.parent >= 0)
            v.parent = new_index[static_cast<std::size_t>(v.parent)];
    vs = std::move(sorted);
}
} // namespace

void assign_codes(const Preset& p, const Landscape& l, VillageSet& set, Rng& rng) {
    assign_kecamatan(p, l, set, rng);
    sort_villages(set);
    Namer kecamatan_namer(p);
    for (std::size_t k = 0; k < set.kecamatan_codes.size(); ++k)
        set.kecamatan_names.push_back(kecamatan_namer.unique(rng));
    Namer village_namer(p);
    int previous = -1, number = 0;
    for (auto& v : set.villages) {
        number = v.kecamatan == previous ? number + 1 : 2001;
        previous = v.kecamatan;
        if (number > 9999)
            throw Error("synth: more than 7999 villages in kecamatan " +
                        set.kecamatan_codes[static_cast<std::size_t>(v.kecamatan)]);
        // Desa numbers start at 2001 (1xxx: kelurahan).
        v.code =
            set.kecamatan_codes[static_cast<std::size_t>(v.kecamatan)] + std::to_string(number);
        v.name = village_namer.unique(rng);
    }
}

} // namespace riskmap::synth::detail
