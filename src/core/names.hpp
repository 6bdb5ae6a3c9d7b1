#pragma once
/// \file
/// Place names as exports write them: matching by a normalised form, and the distance that
/// finds the closest candidates for a misspelt one.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace riskmap {

/// Levenshtein distance (insertions, deletions, substitutions of bytes).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The form names are compared in: ASCII letters lower case, a leading administrative prefix
/// dropped ("Desa", "Ds.", "Kelurahan", "Kel.", "Kecamatan", "Kec.", "Puskesmas", "PKM"), then
/// punctuation and blanks dropped: "DESA  Suka-Maju" -> "sukamaju".
std::string normalised_name(std::string_view name);

/// A candidate for closest_names: the text to show and its normalised name.
struct NamedCandidate {
    std::string shown;
    std::string normalised;
};

/// Up to three candidates nearest to `normalised` (edit distance), within a third of its
/// length and at least 2 edits: "sukamju" finds "Sukamaju"; a name from elsewhere finds
/// nothing rather than noise. Nearest first, ties in the candidates' order.
std::vector<std::string> closest_names(const std::string& normalised,
                                       const std::vector<NamedCandidate>& candidates);

} // namespace riskmap
