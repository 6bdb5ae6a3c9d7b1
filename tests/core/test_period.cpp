#include "core/period.hpp"

#include <gtest/gtest.h>

using riskmap::parse_record_period;

namespace {
std::string read(const char* text) {
    const auto p = parse_record_period(text);
    return p ? p->quarter + "/" + std::to_string(p->month) : "none";
}
} // namespace

TEST(RecordPeriod, QuartersInTheFormsExportsWrite) {
    for (const char* text : {"2025Q3", "2025q3", "2025-Q3", "2025 Q3", "Q3 2025", "q3-2025"})
        EXPECT_EQ(read(text), "2025Q3/0") << text;
}

TEST(RecordPeriod, MonthsAreReadWithTheirQuarter) {
    for (const char* text : {"2025-07", "2025/07", "07/2025", "7/2025", "Juli 2025", "JULI 2025",
                             "Jul 2025", "July 2025", "2025 Juli"})
        EXPECT_EQ(read(text), "2025Q3/7") << text;
    EXPECT_EQ(read("Agustus 2025"), "2025Q3/8");
    EXPECT_EQ(read("Mei 2025"), "2025Q2/5");
    EXPECT_EQ(read("Desember 2024"), "2024Q4/12");
    EXPECT_EQ(read("Januari 2025"), "2025Q1/1");
    EXPECT_EQ(read("Okt 2025"), "2025Q4/10");
}

TEST(RecordPeriod, DatesGiveTheirMonth) {
    for (const char* text : {"2025-09-30", "2025/09/30", "30/09/2025", "30-09-2025",
                             "2025-09-30T08:15:00", "30/09/2025 08:15", "30 September 2025"})
        EXPECT_EQ(read(text), "2025Q3/9") << text;
}

TEST(RecordPeriod, OtherTextIsNotAPeriod) {
    for (const char* text : {"", "2025", "2025-13", "2025Q5", "13/2025", "Juli", "semester 1",
                             "32/09/2025", "2025-07-15-01", "Q3", "99999Q3"})
        EXPECT_EQ(read(text), "none") << text;
}
