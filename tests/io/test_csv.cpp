#include "core/error.hpp"
#include "io/csv.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

using namespace riskmap;
using riskmap::test::TempDir;
using riskmap::test::write_text;

TEST(CsvReader, DetectsSemicolonsAndStripsTheBom) {
    TempDir dir;
    write_text(dir / "r.csv", "\xEF\xBB\xBF"
                              "kode;jumlah\r\n32.05.01.2001;\"1;2\"\r\n");
    io::CsvReader csv(dir / "r.csv");
    EXPECT_EQ(csv.delimiter(), ';');
    EXPECT_EQ(csv.header()[0], "kode");
    io::CsvRow row;
    ASSERT_TRUE(csv.next(row));
    EXPECT_EQ(row.fields[1], "1;2");
    EXPECT_EQ(row.line, 2u);
    EXPECT_FALSE(csv.next(row));
}

TEST(CsvReader, QuotedFieldsMaySpanLinesAndDoubleTheirQuotes) {
    TempDir dir;
    write_text(dir / "r.csv", "a,b\n\"x\ny\",\"say \"\"hi\"\"\"\n\n1,2\n");
    io::CsvReader csv(dir / "r.csv");
    io::CsvRow row;
    ASSERT_TRUE(csv.next(row));
    EXPECT_EQ(row.fields[0], "x\ny");
    EXPECT_EQ(row.fields[1], "say \"hi\"");
    ASSERT_TRUE(csv.next(row));
    EXPECT_EQ(row.line, 5u); // blank line 4 skipped, multi-line record counted
    EXPECT_EQ(row.fields[1], "2");
}

TEST(CsvReader, WrongFieldCountNamesTheLine) {
    TempDir dir;
    write_text(dir / "r.csv", "a,b\n1,2\n1,2,3\n");
    io::CsvReader csv(dir / "r.csv");
    io::CsvRow row;
    ASSERT_TRUE(csv.next(row));
    try {
        csv.next(row);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("line 3: 3 fields where the header has 2"),
                  std::string::npos)
            << e.what();
    }
}

TEST(CsvReader, UnclosedQuoteNamesTheLine) {
    TempDir dir;
    write_text(dir / "r.csv", "a,b\n1,\"2\n3,4\n");
    io::CsvReader csv(dir / "r.csv");
    io::CsvRow row;
    EXPECT_THROW(csv.next(row), InputError);
}

TEST(CsvReader, MissingColumnListsTheColumns) {
    TempDir dir;
    write_text(dir / "r.csv", "kode,n\n");
    io::CsvReader csv(dir / "r.csv");
    try {
        csv.column("kode_desa");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("columns: kode, n"), std::string::npos) << e.what();
    }
}

TEST(CsvReader, MissingAndEmptyFilesAreInputErrors) {
    TempDir dir;
    EXPECT_THROW(io::CsvReader(dir / "none.csv"), InputError);
    write_text(dir / "empty.csv", "");
    EXPECT_THROW(io::CsvReader(dir / "empty.csv"), InputError);
}

TEST(CsvLine, QuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(io::csv_line({"a", "b,c", "say \"x\""}), "a,\"b,c\",\"say \"\"x\"\"\"\n");
}
