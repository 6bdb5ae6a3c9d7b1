// io owns GDAL, OGR and HDF5 (issue 15): no file above io includes their headers, nor an io
// header that includes them (io's private headers, found here by the same scan). io links
// GDAL and HDF5 privately, so where their headers are off the default include path (Debian)
// such an include does not compile either; this test names the file and line anywhere.

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

using Names = std::vector<std::string>;

const Names kForeign = {"gdal", "ogr", "cpl_", "hdf5", "H5", "geos_c"};

/// The header a line includes, or "" for any other line. Plain string work: GCC 12 warns
/// inside std::regex under the sanitizers, and warnings are errors.
std::string included(const std::string& line) {
    std::size_t at = line.find_first_not_of(" \t");
    if (at == std::string::npos || line[at] != '#')
        return "";
    at = line.find_first_not_of(" \t", at + 1);
    if (at == std::string::npos || line.compare(at, 7, "include") != 0)
        return "";
    at = line.find_first_of("<\"", at + 7);
    if (at == std::string::npos)
        return "";
    const std::size_t end = line.find_first_of(">\"", at + 1);
    return end == std::string::npos ? "" : line.substr(at + 1, end - at - 1);
}

bool starts_with_any(const std::string& header, const Names& names) {
    for (const auto& n : names)
        if (header.starts_with(n))
            return true;
    return false;
}

/// "file:line: text" of every line of the folder's C++ files that includes a header whose
/// name starts with one of `names`.
std::vector<std::string> includes_of(const fs::path& folder, const Names& names) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp"))
            continue;
        std::ifstream in(entry.path());
        std::string line;
        for (int n = 1; std::getline(in, line); ++n)
            if (starts_with_any(included(line), names))
                found.push_back(entry.path().string() + ":" + std::to_string(n) + ": " + line);
    }
    return found;
}

/// io's private headers ("io/NAME.hpp"): those that include GDAL, OGR or HDF5, or another
/// private header.
Names private_io_headers() {
    const fs::path io = fs::path(RISKMAP_SOURCE_DIR) / "src/io";
    Names names;
    for (bool grew = true; grew;) {
        grew = false;
        Names wanted = kForeign;
        wanted.insert(wanted.end(), names.begin(), names.end());
        for (const auto& line : includes_of(io, wanted)) {
            const std::string file = fs::path(line.substr(0, line.find(':'))).filename().string();
            const std::string name = "io/" + file;
            if (file.ends_with(".hpp") &&
                std::find(names.begin(), names.end(), name) == names.end()) {
                names.push_back(name);
                grew = true;
            }
        }
    }
    return names;
}

std::vector<std::string> foreign_includes(const fs::path& folder) {
    static const Names forbidden = [] {
        Names all = kForeign;
        const Names io = private_io_headers();
        all.insert(all.end(), io.begin(), io.end());
        return all;
    }();
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
    const Names names = private_io_headers();
    const auto has = [&](const char* header) {
        return std::find(names.begin(), names.end(), header) != names.end();
    };
    for (const char* header : {"io/gdal_env.hpp", "io/cube_hdf5.hpp", "io/report_parts.hpp"})
        EXPECT_TRUE(has(header)) << header;
    EXPECT_FALSE(has("io/vector_io.hpp"));
    EXPECT_FALSE(has("io/shapes.hpp"));
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
