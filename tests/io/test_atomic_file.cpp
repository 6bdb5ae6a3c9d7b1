// io::replace_file, the one way a single file is replaced: whole or not at all.

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

using namespace riskmap;
using namespace riskmap::test;

namespace {

namespace fs = std::filesystem;

TEST(ReplaceFile, NewContentReplacesTheOldAndNoTemporaryStays) {
    TempDir dir;
    const std::string path = dir / "table.csv";
    write_text(path, "old\n");
    for (const bool durable : {false, true}) {
        io::replace_file_text(path, durable ? "durable\n" : "new\n", {"write", {}, durable});
        EXPECT_EQ(read_text(path), durable ? "durable\n" : "new\n");
        EXPECT_EQ(list_dir(dir.path().string()), std::vector<std::string>{"table.csv"});
    }
}

TEST(ReplaceFile, AFailedWriteLeavesTheOldFileAndRemovesThePart) {
    TempDir dir;
    const std::string path = dir / "map.tif";
    write_text(path, "old\n");
    const auto fail_half_way = [](const std::string& part) {
        write_text(part, "half");
        throw std::runtime_error("disk gone");
    };
    EXPECT_THROW(io::replace_file(path, fail_half_way), std::runtime_error);
    EXPECT_EQ(read_text(path), "old\n");
    EXPECT_EQ(list_dir(dir.path().string()), std::vector<std::string>{"map.tif"});
}

TEST(ReplaceFile, AFailedRenameNamesTheFileAndRemovesTheTemporary) {
    TempDir dir;
    const std::string path = dir / "trace.csv";
    fs::create_directories(path + "/in-the-way"); // rename(2) cannot replace a full folder
    const std::string temporary = dir / ".trace.csv.tmp";
    try {
        io::replace_file_text(path, "rows\n", {"write the trace", temporary});
        FAIL() << "the rename over a folder succeeded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot write the trace '" + path + "': "),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(fs::exists(temporary));
    EXPECT_TRUE(fs::is_directory(path + "/in-the-way"));
}

} // namespace
