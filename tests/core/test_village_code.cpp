#include "core/village_code.hpp"

#include <gtest/gtest.h>

using riskmap::normalise_village_code;

TEST(VillageCode, DotsSpacesAndDashesAreIgnored) {
    for (const char* raw :
         {"3205012001", "32.05.01.2001", "32 05 01 2001", "32-05-01-2001", " 32.05.01.2001 "}) {
        const auto code = normalise_village_code(raw);
        EXPECT_TRUE(code.ok()) << raw << ": " << code.problem;
        EXPECT_EQ(code.digits, "3205012001") << raw;
    }
}

TEST(VillageCode, WrongDigitCountIsRejectedWithTheCount) {
    const auto code = normalise_village_code("32.05.01.201");
    EXPECT_FALSE(code.ok());
    EXPECT_NE(code.problem.find("9 digits"), std::string::npos) << code.problem;
    EXPECT_TRUE(code.digits.empty());
}

TEST(VillageCode, LettersAreRejected) {
    const auto code = normalise_village_code("32.05.O1.2001");
    EXPECT_FALSE(code.ok());
    EXPECT_NE(code.problem.find("'O'"), std::string::npos) << code.problem;
}

TEST(VillageCode, SpreadsheetFloatIsRejected) {
    EXPECT_FALSE(normalise_village_code("3205012001.0").ok());
    EXPECT_FALSE(normalise_village_code("").ok());
}

TEST(VillageCode, KecamatanIsTheFirstSixDigits) {
    EXPECT_EQ(riskmap::kecamatan_of("3205012001"), "320501");
    EXPECT_EQ(riskmap::dotted_code("3205012001"), "32.05.01.2001");
}
