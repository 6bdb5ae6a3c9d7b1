// Every INI file shipped in configs/ parses, with no unknown key or invalid value.

#include "cli/run_options.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace riskmap;

TEST(ShippedConfigs, EveryConfigParses) {
    std::size_t count = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(RISKMAP_SOURCE_DIR) + "/configs")) {
        if (entry.path().extension() != ".ini")
            continue;
        ++count;
        EXPECT_NO_THROW(cli::parse_run_options({"--config", entry.path().string()}))
            << entry.path();
    }
    EXPECT_GE(count, 2u);
}
