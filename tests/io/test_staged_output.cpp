// All-or-nothing output folders: what a run killed at each step of its commit leaves, and how
// the next run into the folder deals with it. A killed run is stood in for by a staging folder
// named after a process that has ended.

#include "core/error.hpp"
#include "io/staged_output.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

namespace {
namespace fs = std::filesystem;

/// The staging folder a killed run left: named after a process that has ended.
std::string dead_staging(const std::string& out) {
    const pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, nullptr, 0);
    const std::string staging = out + "/.riskmap-staging-" + std::to_string(dead) + "-0";
    fs::create_directories(staging);
    return staging;
}

class StagedOutputFolder : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(out);
        for (const char* name : {"a.csv", "b.csv", "c.csv"})
            write_text(out + "/" + name, std::string("old ") + name);
    }
    TempDir dir;
    std::string out = dir / "out";
};
} // namespace

TEST_F(StagedOutputFolder, ACommitCutShortIsFinishedByTheNextRun) {
    // Killed after renaming a.csv: its journal lists all three, b and c are still staged.
    const std::string staging = dead_staging(out);
    write_text(staging + "/.commit", "a.csv\nb.csv\nc.csv\n");
    write_text(out + "/a.csv", "new a.csv");
    write_text(staging + "/b.csv", "new b.csv");
    write_text(staging + "/c.csv", "new c.csv");
    const io::StagedOutput next(out);
    EXPECT_FALSE(fs::exists(staging));
    for (const char* name : {"a.csv", "b.csv", "c.csv"})
        EXPECT_EQ(read_text(out + "/" + name), std::string("new ") + name);
}

TEST_F(StagedOutputFolder, ARunKilledBeforeItsJournalWasCompleteIsDiscarded) {
    const std::string staging = dead_staging(out);
    write_text(staging + "/.commit.draft", "a.csv\nb.csv\n");
    write_text(staging + "/a.csv", "new a.csv");
    write_text(staging + "/b.csv", "half of b");
    const io::StagedOutput next(out);
    EXPECT_FALSE(fs::exists(staging));
    for (const char* name : {"a.csv", "b.csv", "c.csv"})
        EXPECT_EQ(read_text(out + "/" + name), std::string("old ") + name);
}

TEST_F(StagedOutputFolder, CommitMovesEveryStagedFileAndLeavesNoStaging) {
    {
        io::StagedOutput run(out);
        io::write_file(run.path("a.csv"), "new a.csv");
        io::write_file(run.path("d.csv"), "new d.csv");
        run.prepare_commit();
        run.commit();
    }
    EXPECT_EQ(read_text(out + "/a.csv"), "new a.csv");
    EXPECT_EQ(read_text(out + "/b.csv"), "old b.csv");
    EXPECT_EQ(read_text(out + "/d.csv"), "new d.csv");
    EXPECT_EQ(list_dir(out), (std::vector<std::string>{"a.csv", "b.csv", "c.csv", "d.csv"}));
}

TEST_F(StagedOutputFolder, AFailedRunLeavesNoStaging) {
    try {
        io::StagedOutput run(out);
        io::write_file(run.path("a.csv"), "new a.csv");
        throw Error("a later stage failed");
    } catch (const Error&) {
    }
    EXPECT_EQ(list_dir(out), (std::vector<std::string>{"a.csv", "b.csv", "c.csv"}));
    EXPECT_EQ(read_text(out + "/a.csv"), "old a.csv");
}

TEST_F(StagedOutputFolder, WriteFileNamesTheFileAndTheSystemsReason) {
    try {
        io::write_file(dir / "no/such/folder/x.csv", "text");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no/such/folder/x.csv': No such file or directory"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(StagedOutputFolder, WriteFileReportsAFileSizeLimit) {
    // In a child: the limit and the ignored SIGXFSZ must not reach the test process.
    const std::string path = dir / "big.csv";
    const std::string message_path = dir / "message.txt";
    const pid_t child = fork();
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{4096, 4096};
        setrlimit(RLIMIT_FSIZE, &limit);
        try {
            io::write_file(path, std::string(10000, 'x'));
        } catch (const Error& e) {
            setrlimit(RLIMIT_FSIZE, &limit);
            const std::string what = e.what();
            io::write_file(message_path, what.substr(0, 4000));
            _exit(0);
        }
        _exit(1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the write did not fail";
    EXPECT_NE(read_text(message_path).find("big.csv': File too large"), std::string::npos)
        << read_text(message_path);
}
