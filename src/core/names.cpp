#include "core/names.hpp"

#include <algorithm>
#include <vector>

namespace riskmap {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

namespace {
bool is_word_char(char c) {
    // Bytes of UTF-8 sequences (>= 0x80) belong to letters such as "é"; keep them.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           static_cast<unsigned char>(c) >= 0x80;
}
} // namespace

std::string normalised_name(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (is_word_char(c))
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        else if (!out.empty() && out.back() != ' ')
            out.push_back(' ');
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    for (const char* prefix :
         {"desa ", "ds ", "kelurahan ", "kel ", "kecamatan ", "kec ", "puskesmas ", "pkm "}) {
        const std::string_view p(prefix);
        if (out.size() > p.size() && out.compare(0, p.size(), p) == 0) {
            out.erase(0, p.size());
            break;
        }
    }
    // "Karang Anyar", "Karang-Anyar" and "Karanganyar" are one village in different exports.
    out.erase(std::remove(out.begin(), out.end(), ' '), out.end());
    return out;
}

std::vector<std::string> closest_names(const std::string& normalised,
                                       const std::vector<NamedCandidate>& candidates) {
    const std::size_t limit = std::max<std::size_t>(2, normalised.size() / 3);
    std::vector<std::pair<std::size_t, std::size_t>> near; // distance, candidate
    for (std::size_t i = 0; i < candidates.size(); ++i)
        if (const std::size_t d = edit_distance(normalised, candidates[i].normalised); d <= limit)
            near.emplace_back(d, i);
    std::stable_sort(near.begin(), near.end());
    std::vector<std::string> out;
    for (std::size_t k = 0; k < near.size() && k < 3; ++k)
        out.push_back(candidates[near[k].second].shown);
    return out;
}

} // namespace riskmap
