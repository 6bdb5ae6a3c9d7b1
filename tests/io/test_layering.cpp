// io owns GDAL, OGR and HDF5 (issue 15): no file above io includes their headers, nor an io
// header that includes them (io's private headers, found here by the same scan). io links
// GDAL and HDF5 privately, so where their headers are off the default include path (Debian)
// such an include does not compile either; this test names the file and line anywhere.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const char* const kForeign = R"(gdal|ogr|cpl_|hdf5|H5|geos_c)";

/// "file:line: text" of every line of the folder's C++ files that includes a header whose
/// name starts with one of the `names` alternatives.
std::vector<std::string> includes_of(const fs::path& folder, const std::string& names) {
    const std::regex include(R"(^\s*#\s*include\s*[<"]()" + names + ")");
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

/// io's private headers: those that include GDAL, OGR or HDF5, or another private header.
std::string private_io_headers() {
    const fs::path io = fs::path(RISKMAP_SOURCE_DIR) / "src/io";
    std::string names = "$^"; // matches nothing
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& line : includes_of(io, std::string(kForeign) + "|" + names)) {
            const std::string file = fs::path(line.substr(0, line.find(':'))).filename().string();
            const std::string name = "io/" + std::regex_replace(file, std::regex(R"(\.)"), R"(\.)");
            if (file.ends_with(".hpp") && names.find(name) == std::string::npos) {
                names += "|" + name;
                grew = true;
            }
        }
    }
    return names;
}

std::vector<std::string> foreign_includes(const fs::path& folder) {
    static const std::string forbidden = std::string(kForeign) + "|" + private_io_headers();
    return includes_of(folder, forbidden);
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

TEST(Layering, IoKeepsItsGdalAndHdf5HeadersPrivate) {
    const std::string names = private_io_headers();
    for (const char* header : {"io/gdal_env", "io/cube_hdf5", "io/report_parts"})
        EXPECT_NE(names.find(header), std::string::npos) << header << " in " << names;
    EXPECT_EQ(names.find("io/vector_io"), std::string::npos) << names;
    EXPECT_EQ(names.find("io/shapes"), std::string::npos) << names;
}

TEST(Layering, TheCheckFindsAForeignInclude) {
    const fs::path folder =
        fs::temp_directory_path() / ("riskmap_layering_probe_" + std::to_string(::getpid()));
    fs::create_directories(folder);
    std::ofstream(folder / "probe.cpp")
        << "#include \"core/grid.hpp\"\n#include <ogr_geometry.h>\n";
    const auto found = foreign_includes(folder);
    fs::remove_all(folder);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].find("probe.cpp:2:"), std::string::npos);
}
