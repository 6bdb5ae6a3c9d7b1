// io owns GDAL, OGR and HDF5 (issue 15): no file above io includes their headers or io's own
// GDAL header. The build enforces it too (io links GDAL privately, so such an include does
// not compile); this test names the file and line when it happens.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> foreign_includes(const fs::path& folder) {
    static const std::regex include(
        R"(^\s*#\s*include\s*[<"](gdal|ogr|cpl_|hdf5|H5|geos_c|io/gdal_env\.hpp))");
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp"))
            continue;
        std::ifstream in(entry.path());
        std::string line;
        for (int n = 1; std::getline(in, line); ++n)
            if (std::regex_search(line, include))
                found.push_back(entry.path().string() + ":" + std::to_string(n) + ": " + line);
    }
    return found;
}

} // namespace

TEST(Layering, NoGdalOgrOrHdf5HeaderAboveIo) {
    const fs::path root(RISKMAP_SOURCE_DIR);
    for (const char* folder : {"src/core", "src/sched", "src/cli", "kernels", "pipelines"})
        EXPECT_EQ(foreign_includes(root / folder), std::vector<std::string>{}) << folder;
}

TEST(Layering, TheSyntheticDataGeneratorUsesGeosButNotGdal) {
    // GEOS cuts the national islands into Voronoi villages (src/synth/geos.hpp, its only
    // include of GEOS); GDAL and OGR are reached through io.
    auto found = foreign_includes(fs::path(RISKMAP_SOURCE_DIR) / "src/synth");
    std::erase_if(found, [](const std::string& line) {
        return line.find("src/synth/geos.hpp:") != std::string::npos &&
               line.find("<geos_c.h>") != std::string::npos;
    });
    EXPECT_EQ(found, std::vector<std::string>{});
}

TEST(Layering, TheCheckFindsAForeignInclude) {
    const fs::path folder = fs::temp_directory_path() / "riskmap_layering_probe";
    fs::create_directories(folder);
    std::ofstream(folder / "probe.cpp")
        << "#include \"core/grid.hpp\"\n#include <ogr_geometry.h>\n";
    const auto found = foreign_includes(folder);
    fs::remove_all(folder);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].find("probe.cpp:2:"), std::string::npos);
}
