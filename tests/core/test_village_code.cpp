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

TEST(VillageCode, CodesASpreadsheetWroteAsNumbersAreRecognisedWhenNoDigitIsLost) {
    for (const char* raw : {"3205012001.0", "3205012001.00", "3.205012001E9", "3.205012001e+09",
                            " 3.205012001E+9 "}) {
        const auto code = normalise_village_code(raw);
        EXPECT_TRUE(code.ok()) << raw << ": " << code.problem;
        EXPECT_EQ(code.digits, "3205012001") << raw;
    }
    const auto rounded = normalise_village_code("3.20501E+09");
    EXPECT_FALSE(rounded.ok());
    EXPECT_NE(rounded.problem.find("lost its last 4 digit(s); store the code column as text"),
              std::string::npos)
        << rounded.problem;
    EXPECT_FALSE(normalise_village_code("3.2050120015E9").ok()); // not a whole number
    EXPECT_FALSE(normalise_village_code("3205012001.5").ok());
    EXPECT_FALSE(normalise_village_code("").ok());
    EXPECT_EQ(riskmap::normalise_area_code("3205.0", riskmap::AreaUnit::Regency).digits, "3205");
}

TEST(VillageCode, KecamatanIsTheFirstSixDigits) {
    EXPECT_EQ(riskmap::kecamatan_of("3205012001"), "320501");
    EXPECT_EQ(riskmap::dotted_code("3205012001"), "32.05.01.2001");
}

TEST(AreaCode, EachKemendagriLevelHasItsDigitCount) {
    using riskmap::AreaUnit;
    EXPECT_EQ(riskmap::normalise_area_code("32.05.01", AreaUnit::Kecamatan).digits, "320501");
    EXPECT_EQ(riskmap::normalise_area_code("3205", AreaUnit::Regency).digits, "3205");
    EXPECT_EQ(riskmap::normalise_area_code("32", AreaUnit::Province).digits, "32");
    const auto wrong = riskmap::normalise_area_code("3205012001", AreaUnit::Kecamatan);
    EXPECT_FALSE(wrong.ok());
    EXPECT_NE(wrong.problem.find("kecamatan code '3205012001' has 10 digits; expected 6"),
              std::string::npos)
        << wrong.problem;
    EXPECT_EQ(riskmap::unit_from_digits(6), AreaUnit::Kecamatan);
    EXPECT_FALSE(riskmap::unit_from_digits(5));
}

TEST(AreaCode, AVillageRunSaysWhichUnitAShortCodeWouldNeed) {
    const auto kecamatan = normalise_village_code("32.05.01");
    EXPECT_NE(kecamatan.problem.find("for a kecamatan-level layer set inputs.unit"),
              std::string::npos)
        << kecamatan.problem;
    const auto other = normalise_village_code("12");
    EXPECT_NE(other.problem.find("for a province-level layer"), std::string::npos) << other.problem;
    const auto five = normalise_village_code("35101");
    EXPECT_NE(five.problem.find("inputs.unit = any"), std::string::npos) << five.problem;
}

TEST(AreaCode, FreeFormIdsAreTrimmedAndKeepTheirCase) {
    using riskmap::AreaUnit;
    EXPECT_EQ(riskmap::normalise_area_code("  Zone-7b ", AreaUnit::Any).digits, "Zone-7b");
    EXPECT_EQ(riskmap::normalise_area_code("12", AreaUnit::Any).digits, "12");
    EXPECT_FALSE(riskmap::normalise_area_code(" \t", AreaUnit::Any).ok());
    EXPECT_FALSE(riskmap::parent_unit(AreaUnit::Any));
    EXPECT_FALSE(riskmap::parent_unit(AreaUnit::Province));
}

TEST(AreaCode, ParentsAndDottedFormsAtEveryLevel) {
    using riskmap::AreaUnit;
    EXPECT_EQ(riskmap::parent_code("3205012001", AreaUnit::Village), "320501");
    EXPECT_EQ(riskmap::parent_code("320501", AreaUnit::Kecamatan), "3205");
    EXPECT_EQ(riskmap::parent_code("3205", AreaUnit::Regency), "32");
    EXPECT_EQ(riskmap::dotted_code("320501"), "32.05.01");
    EXPECT_EQ(riskmap::dotted_code("3205"), "32.05");
    EXPECT_EQ(riskmap::dotted_code("32"), "32");
    EXPECT_EQ(riskmap::dotted_code("Zone-7b"), "Zone-7b");
}

TEST(AreaCode, FreeFormIdsOfACodesLengthAreNotDotted) {
    EXPECT_EQ(riskmap::dotted_code("zone b"), "zone b");
    EXPECT_EQ(riskmap::dotted_code("AB"), "AB");
}
