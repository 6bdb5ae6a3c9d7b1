#include "pipelines/synth_internal.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <set>

namespace riskmap::synth::detail {

namespace {
constexpr std::array<const char*, 24> kPrefixes = {
    "Suka",  "Ci",     "Karang",  "Sido",   "Tegal",   "Mekar", "Banjar", "Pasir",
    "Jati",  "Sumber", "Wono",    "Gunung", "Kali",    "Rejo",  "Sri",    "Tanjung",
    "Margo", "Pager",  "Cempaka", "Bojong", "Sindang", "Kebon", "Muara",  "Lebak"};
constexpr std::array<const char*, 18> kSuffixes = {
    "jaya",  "maju",   "mulya", "sari",  "rejo",  "asih",  "wangi", "harja", "makmur",
    "agung", "rahayu", "tani",  "luhur", "kerta", "mukti", "arum",  "manik", "sentosa"};
// Javanese compass words (south, north, east, west): how real twin villages are told apart.
constexpr std::array<const char*, 4> kQualifiers = {" Kidul", " Lor", " Wetan", " Kulon"};

std::string unique_name(Rng& rng, std::set<std::string>& used) {
    const int pre = rng.index(static_cast<int>(kPrefixes.size()));
    const int suf = rng.index(static_cast<int>(kSuffixes.size()));
    const std::string base = std::string(kPrefixes[static_cast<std::size_t>(pre)]) +
                             kSuffixes[static_cast<std::size_t>(suf)];
    if (used.insert(base).second)
        return base;
    for (const char* q : kQualifiers)
        if (used.insert(base + q).second)
            return base + q;
    for (int n = 2;; ++n)
        if (used.insert(base + " " + std::to_string(n)).second)
            return base + " " + std::to_string(n);
}

struct Centre {
    double x = 0, y = 0;
};

std::vector<Centre> kecamatan_centres(const Preset& p, const Landscape& l, Rng& rng) {
    const Extent& e = l.extent;
    const double spacing = 0.5 * std::sqrt(e.width() * e.height() / p.kecamatan);
    std::vector<Centre> centres;
    for (int attempt = 0; attempt < 100000 && static_cast<int>(centres.size()) < p.kecamatan;
         ++attempt) {
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

// Kecamatan are numbered north to south, then west to east; one with no village is dropped.
std::size_t assign_kecamatan(const Preset& p, const Landscape& l, VillageSet& set, Rng& rng) {
    const auto centres = kecamatan_centres(p, l, rng);
    std::vector<int> used(centres.size(), 0);
    for (auto& v : set.villages)
        if (!v.tiny) {
            v.kecamatan = static_cast<int>(nearest(centres, v.x, v.y));
            used[static_cast<std::size_t>(v.kecamatan)] = 1;
        }
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < centres.size(); ++k)
        if (used[k])
            order.push_back(k);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (centres[a].y != centres[b].y)
            return centres[a].y > centres[b].y;
        return centres[a].x < centres[b].x;
    });
    std::vector<int> rank(centres.size(), -1);
    for (std::size_t i = 0; i < order.size(); ++i)
        rank[order[i]] = static_cast<int>(i);
    for (auto& v : set.villages)
        if (!v.tiny)
            v.kecamatan = rank[static_cast<std::size_t>(v.kecamatan)];
    for (auto& v : set.villages)
        if (v.tiny)
            v.kecamatan = set.villages[static_cast<std::size_t>(v.parent)].kecamatan;
    return order.size();
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

std::string two_digits(int n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
}
} // namespace

void assign_codes(const Preset& p, const Landscape& l, VillageSet& set, Rng& rng) {
    const std::size_t kecamatan = assign_kecamatan(p, l, set, rng);
    sort_villages(set);
    std::set<std::string> used;
    for (std::size_t k = 0; k < kecamatan; ++k)
        set.kecamatan_names.push_back(unique_name(rng, used));
    used.clear();
    int previous = -1, number = 0;
    for (auto& v : set.villages) {
        number = v.kecamatan == previous ? number + 1 : 2001;
        previous = v.kecamatan;
        // Province 32 (Jawa Barat), regency 05; desa numbers start at 2001 (1xxx: kelurahan).
        v.code = "3205" + two_digits(v.kecamatan + 1) + std::to_string(number);
        v.name = unique_name(rng, used);
    }
}

} // namespace riskmap::synth::detail
