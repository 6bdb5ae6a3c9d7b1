#include "cli/run_options.hpp"
#include "core/error.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

using namespace riskmap;
using namespace riskmap::test;

namespace {
const char* kConfig = R"(# comment line
[inputs]
villages = v.gpkg
records = sub/r.csv
period = 2025Q3

[indicator.stunting]
target = 0.2

[smoothing]
bandwidth_m = 1500
)";
} // namespace

TEST(RunOptions, FileValuesDefaultsAndRelativePaths) {
    TempDir dir;
    write_text(dir / "job.ini", kConfig);
    const auto req = cli::parse_run_options({"--config", dir / "job.ini"});
    const JobConfig& c = req.config;
    EXPECT_EQ(c.villages, dir / "v.gpkg");
    EXPECT_EQ(c.records, dir / "sub/r.csv");
    EXPECT_EQ(c.period, "2025Q3");
    EXPECT_DOUBLE_EQ(c.bandwidth_m, 1500);
    ASSERT_EQ(c.indicators.size(), 1u); // only the indicator the file declares
    EXPECT_EQ(c.indicators[0].name, "stunting");
    EXPECT_DOUBLE_EQ(c.indicators[0].target, 0.2);
    EXPECT_EQ(c.indicators[0].numerator, "children_stunted");
    EXPECT_EQ(c.indicators[0].model, RateModel::Binomial);
}

TEST(RunOptions, CommandLineWinsOverTheFile) {
    TempDir dir;
    write_text(dir / "job.ini", kConfig);
    const auto req = cli::parse_run_options({"--config", dir / "job.ini", "--smoothing.bandwidth_m",
                                             "3000", "--indicator.maternal.target", "0.0007"});
    EXPECT_DOUBLE_EQ(req.config.bandwidth_m, 3000);
    ASSERT_EQ(req.config.indicators.size(), 2u);
    EXPECT_EQ(req.config.indicators[1].model, RateModel::Poisson);
    EXPECT_DOUBLE_EQ(req.config.indicators[1].target, 0.0007);
}

TEST(RunOptions, DumpConfigListsResolvedValues) {
    TempDir dir;
    write_text(dir / "job.ini", kConfig);
    const auto req = cli::parse_run_options({"--config", dir / "job.ini", "--dump-config"});
    EXPECT_TRUE(req.dump_config);
    const std::string ini_text = cli::dump_config(req.config);
    EXPECT_NE(ini_text.find("[smoothing]\nbandwidth_m = 1500\n"), std::string::npos) << ini_text;
}

TEST(RunOptions, UnknownKeyNamesFileAndLine) {
    TempDir dir;
    write_text(dir / "job.ini", std::string(kConfig) + "[output]\ndirr = x\n");
    try {
        cli::parse_run_options({"--config", dir / "job.ini"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("line 13: unknown key 'output.dirr'"),
                  std::string::npos)
            << e.what();
    }
}

TEST(RunOptions, InvalidChoicesQuoteTheValue) {
    TempDir dir;
    write_text(dir / "job.ini", kConfig);
    try {
        cli::parse_run_options(
            {"--config", dir / "job.ini", "--indicator.stunting.model", "gauss"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("must be one of 'binomial', 'poisson', not 'gauss'"),
                  std::string::npos)
            << e.what();
    }
}

TEST(RunOptions, AnotherIndicatorSetsItsOwnModelTargetAndPopulationShare) {
    // It once inherited stunting's target and population share without a word (issue 15).
    TempDir dir;
    write_text(dir / "job.ini", kConfig);
    std::vector<std::string> args{"--config",
                                  dir / "job.ini",
                                  "--indicator.anaemia.numerator",
                                  "anaemic",
                                  "--indicator.anaemia.denominator",
                                  "tested"};
    for (const char* key : {"model", "target", "population_share"}) {
        try {
            cli::parse_run_options(args);
            FAIL() << key;
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find("'indicator.anaemia." + std::string(key) +
                                                 "' is required"),
                      std::string::npos)
                << e.what();
        }
        args.insert(args.end(), {std::string("--indicator.anaemia.") + key,
                                 key == std::string("model") ? "binomial" : "0.3"});
    }
    const auto opts = cli::parse_run_options(args);
    const auto& anaemia = opts.config.indicators.back();
    EXPECT_EQ(anaemia.name, "anaemia");
    EXPECT_DOUBLE_EQ(anaemia.target, 0.3);
    EXPECT_DOUBLE_EQ(anaemia.population_share, 0.3);
    EXPECT_DOUBLE_EQ(anaemia.display_scale, 1);
}

TEST(RunOptions, RequiredInputsAreNamed) {
    EXPECT_THROW(cli::parse_run_options({"--inputs.records", "r.csv"}), UsageError);
}

TEST(RunOptions, ThreadsTileSizeAndWorkMemoryAreKeysTheFlagsOverride) {
    TempDir dir;
    write_text(dir / "job.ini",
               std::string(kConfig) + "[run]\nthreads = 3\ntile_size = 2048\nwork_memory = 0\n");
    const auto from_file = cli::parse_run_options({"--config", dir / "job.ini"});
    EXPECT_EQ(from_file.config.threads, 3);
    EXPECT_EQ(from_file.config.tile_size, 2048);
    EXPECT_EQ(from_file.config.work_memory_mib, 0);
    const auto req = cli::parse_run_options(
        {"--config", dir / "job.ini", "--threads", "2", "--tile-size", "512"});
    EXPECT_EQ(req.config.threads, 2);
    EXPECT_EQ(req.config.tile_size, 512);
    // --dump-config and run.json show what the run used.
    EXPECT_NE(
        cli::dump_config(req.config).find("[run]\nthreads = 2\ntile_size = 512\nwork_memory = 0\n"),
        std::string::npos)
        << cli::dump_config(req.config);
}

TEST(RunOptions, ABadTileSizeInTheFileNamesItsLine) {
    TempDir dir;
    write_text(dir / "job.ini", std::string(kConfig) + "[run]\ntile_size = 700\n");
    try {
        cli::parse_run_options({"--config", dir / "job.ini"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("line 13: the value of 'run.tile_size' (--tile-size) "
                                             "must be a multiple of 512 up to 65536, not '700'"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(cli::parse_run_options({"--config", dir / "job.ini", "--threads", "many"}),
                 UsageError);
}

TEST(RunOptions, ABadShorthandNamesItsKeyAndFlag) {
    TempDir dir;
    write_text(dir / "job.ini", kConfig);
    const auto message = [&](const char* flag, const char* value) {
        try {
            cli::parse_run_options({"--config", dir / "job.ini", flag, value});
        } catch (const UsageError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("--threads", "many"), "the value of 'run.threads' (--threads) must be a "
                                            "whole number from 0 to 4096, not 'many'");
    EXPECT_EQ(message("--work-memory", "-1"), "the value of 'run.work_memory' (--work-memory) "
                                              "must be a whole number of MiB, not '-1'");
}
