#include "core/language.hpp"

#include <gtest/gtest.h>

using namespace riskmap;

TEST(Language, CodesAreEnAndId) {
    EXPECT_EQ(parse_language("en"), Language::English);
    EXPECT_EQ(parse_language("id"), Language::Indonesian);
    EXPECT_FALSE(parse_language("ID"));
    EXPECT_FALSE(parse_language("indonesian"));
}

TEST(Language, EnglishIsUnchanged) {
    const std::string label = "180 per 100,000 live births (target)";
    EXPECT_EQ(localise(label, Language::English), label);
}

TEST(Language, LegendLabelsAndTitlesInBahasaIndonesia) {
    const auto id = [](const std::string& s) { return localise(s, Language::Indonesian); };
    EXPECT_EQ(id("180 per 100,000 live births (target)"),
              "180 per 100.000 kelahiran hidup (target)");
    EXPECT_EQ(id("14 % of children measured"), "14 % anak yang diukur");
    EXPECT_EQ(id("95 % chance or more"), "95 % peluang atau lebih");
    EXPECT_EQ(id("1 highest"), "1 tertinggi");
    EXPECT_EQ(id("2 higher"), "2 lebih tinggi"); // "higher" before "high"
    EXPECT_EQ(id("very low (< 2.5 % of children measured)"),
              "sangat rendah (< 2,5 % anak yang diukur)");
    EXPECT_EQ(id("-2.4 percentage points"), "-2,4 poin persen");
    EXPECT_EQ(id("priority class change 2025Q2 to 2025Q3"),
              "perubahan kelas prioritas 2025Q2 ke 2025Q3");
    EXPECT_EQ(id("maternal posterior mean 2025Q3"), "kematian ibu rata-rata posterior 2025Q3");
    EXPECT_EQ(id("maternal rate, per 100,000 live births"),
              "angka kematian ibu, per 100.000 kelahiran hidup");
    EXPECT_EQ(id("P(stunting rate > target 0.14)"), "P(prevalensi stunting > target 0,14)");
}

TEST(Language, OnlyWholeWordsAndSeparatorsBetweenDigits) {
    const auto id = [](const std::string& s) { return localise(s, Language::Indonesian); };
    EXPECT_EQ(id("tomorrow"), "tomorrow"); // "to" only as a word
    EXPECT_EQ(id("lowland"), "lowland");   // "low" only as a word
    EXPECT_EQ(id("1, 2. 3"), "1, 2. 3");   // not numbers' separators
    EXPECT_EQ(id("1,600.5 and 0.35"), "1.600,5 and 0,35");
    EXPECT_EQ(localise_number("100,000", Language::Indonesian), "100.000");
    EXPECT_EQ(localise_number("0.35", Language::English), "0.35");
}
