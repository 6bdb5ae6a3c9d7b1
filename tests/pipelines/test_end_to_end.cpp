// The sample district end to end: synth, run with the committed config, and every output read
// back through GDAL/OGR.

#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "support/disclosure_attacks.hpp"
#include "support/fixtures.hpp"
#include "synth/synth.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;

namespace {

/// Generates the district once for all tests of this file and runs the job on it.
class District : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new TempDir;
        synth::SynthOptions opt;
        opt.preset = "district";
        opt.out_dir = *dir / "data";
        synth::generate(opt);
        result = new CommandResult(run_district(*dir / "out", {}));
    }
    static void TearDownTestSuite() {
        delete result;
        delete dir;
    }

    /// `riskmap run` arguments for the district's committed config writing into `out`.
    static std::vector<std::string> district_args(const std::string& out,
                                                  const std::vector<std::string>& extra) {
        auto args = synth_run_args("district.ini", *dir / "data", out);
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    static CommandResult run_district(const std::string& out,
                                      const std::vector<std::string>& extra) {
        return run_riskmap(district_args(out, extra));
    }

    static inline TempDir* dir = nullptr;
    static inline CommandResult* result = nullptr;
};

std::vector<std::string> csv_column(const std::string& text, const std::string& name) {
    std::vector<std::string> rows;
    std::size_t start = 0, index = std::string::npos;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        std::vector<std::string> cells;
        std::size_t p = 0;
        for (std::size_t q; (q = line.find(',', p)) != std::string::npos; p = q + 1)
            cells.push_back(line.substr(p, q - p));
        cells.push_back(line.substr(p));
        if (index == std::string::npos) {
            index = std::find(cells.begin(), cells.end(), name) - cells.begin();
            continue;
        }
        rows.push_back(cells.at(index));
    }
    return rows;
}

} // namespace

TEST_F(District, RunSucceeds) {
    ASSERT_EQ(result->exit_code, 0) << result->output;
}

TEST_F(District, MapsCarryTheInputGridNodataAndDescription) {
    io::init_gdal();
    GDALDatasetUniquePtr pop(
        GDALDataset::Open((*dir / "data/population.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(pop);
    double pop_gt[6];
    pop->GetGeoTransform(pop_gt);
    for (const char* name : {"stunting_rate", "maternal_rate", "stunting_exceed", "maternal_exceed",
                             "risk_index", "priority_class"}) {
        const std::string path = *dir / (std::string("out/") + name + ".tif");
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(ds) << path;
        EXPECT_EQ(ds->GetRasterXSize(), pop->GetRasterXSize());
        EXPECT_EQ(ds->GetRasterYSize(), pop->GetRasterYSize());
        double gt[6];
        ds->GetGeoTransform(gt);
        for (int i = 0; i < 6; ++i)
            EXPECT_DOUBLE_EQ(gt[i], pop_gt[i]) << name;
        EXPECT_TRUE(ds->GetSpatialRef()->IsSame(pop->GetSpatialRef())) << name;
        GDALRasterBand* band = ds->GetRasterBand(1);
        int has_nodata = 0;
        band->GetNoDataValue(&has_nodata);
        EXPECT_TRUE(has_nodata) << name;
        EXPECT_FALSE(std::string(band->GetDescription()).empty()) << name;
        EXPECT_FALSE(std::string(band->GetUnitType()).empty()) << name;
        int bx = 0, by = 0;
        band->GetBlockSize(&bx, &by);
        EXPECT_EQ(bx, 512) << name << " is not tiled";
        EXPECT_STRNE(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), nullptr);
    }
}

TEST_F(District, EveryMapIsAValidCloudOptimisedGeoTiff) {
    // GDAL's own COG layout check (Debian python3-gdal), run on every map written.
    std::size_t maps = 0;
    for (const auto& name : list_dir(*dir / "out")) {
        if (name.size() < 4 || name.substr(name.size() - 4) != ".tif")
            continue;
        ++maps;
        const auto check = run_command(
            "/usr/bin/python3 -m osgeo_utils.samples.validate_cloud_optimized_geotiff -q '" +
            *dir / ("out/" + name) + "'");
        EXPECT_EQ(check.exit_code, 0) << name << ": " << check.output;
        const auto info = run_command("gdalinfo '" + *dir / ("out/" + name) + "'");
        EXPECT_EQ(info.exit_code, 0) << name;
        for (const char* expected :
             {"UTM zone 49S", "NoData Value=", "Overviews:", "Description = "})
            EXPECT_NE(info.output.find(expected), std::string::npos) << name << ": " << expected;
    }
    EXPECT_GE(maps, 12u);
}

TEST_F(District, RasterioReadsEveryMapWithTheInputGrid) {
    const auto check = run_command("/usr/bin/python3 '" + std::string(RISKMAP_SOURCE_DIR) +
                                   "/tests/pipelines/maps_clients.py' '" + *dir / "out" + "' '" +
                                   *dir / "data/population.tif" + "'");
    EXPECT_EQ(check.exit_code, 0) << check.output;
    EXPECT_EQ(check.output.find("FAIL"), std::string::npos) << check.output;
}

TEST_F(District, QgisShowsLabelledLegendsAndTheStyledVillageLayer) {
    // QGIS itself (Debian's python3-qgis, headless): the legend of every map lists labelled
    // classes with units and the target; the village layer opens styled by priority class
    // with readable column names (tests/pipelines/qgis_styles.py).
    const std::string legends = *dir / "legends.png";
    const auto check = run_command(
        "QT_QPA_PLATFORM=offscreen /usr/bin/python3 '" + std::string(RISKMAP_SOURCE_DIR) +
        "/tests/pipelines/qgis_styles.py' '" + *dir / "out" + "' '" + legends + "'");
    EXPECT_EQ(check.exit_code, 0) << check.output;
    EXPECT_EQ(check.output.find("FAIL"), std::string::npos) << check.output;
    EXPECT_GT(std::filesystem::file_size(legends), 10000u);
}

namespace {
/// Headless Chromium (Debian's package) loads the page; the page's own check reports what was
/// drawn (images, filled tables, no overflow), and a screenshot is taken.
void expect_chromium_draws(const std::string& page, const std::string& shot) {
    const std::string browser =
        "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars "
        "--window-size=1100,1600 ";
    const auto dom =
        run_command(browser + "--virtual-time-budget=5000 --dump-dom 'file://" + page + "'");
    ASSERT_EQ(dom.exit_code, 0) << dom.output;
    const auto at = dom.output.find("data-check=\"images=");
    ASSERT_NE(at, std::string::npos) << "the page's check did not run";
    const std::string check = dom.output.substr(at, dom.output.find('"', at + 12) - at);
    EXPECT_NE(check.find("broken=0 emptytables=0 overflow=false"), std::string::npos) << check;
    EXPECT_EQ(check.find("images=0 "), std::string::npos) << check;
    ASSERT_EQ(run_command(browser + "--screenshot='" + shot + "' 'file://" + page + "'").exit_code,
              0);
    EXPECT_GT(std::filesystem::file_size(shot), 50000u); // a blank page compresses to ~5 kB
}
} // namespace

TEST_F(District, ReportRendersInChromiumAndPrintsToPdf) {
    // `riskmap report`: headless Chromium (Debian's package) loads the page, the page's own
    // check reports what was drawn; a screenshot and the PDF printed from it.
    const auto report = run_riskmap({"report", *dir / "out"});
    ASSERT_EQ(report.exit_code, 0) << report.output;
    const std::string page = *dir / "out/report_2025Q3.html";
    ASSERT_TRUE(std::filesystem::exists(page)) << report.output;
    const std::string html = read_text(page);
    // The sample district's config asks for Bahasa Indonesia (output.language = id).
    for (const char* expected :
         {"<html lang=\"id\">", "Angka utama", "Daftar sasaran",
          "Prioritas keseluruhan per kecamatan", "Kualitas data", "Asal data",
          "sha256:", "per 100.000 kelahiran hidup", "Set publik (aman dipublikasikan)",
          "perbedaan antar desa sebagian besar berasal dari prior"})
        EXPECT_NE(html.find(expected), std::string::npos) << expected;
    // run.json's warnings in Indonesian too, not quoted in English.
    EXPECT_EQ(html.find("village differences are mostly the prior"), std::string::npos);
    expect_chromium_draws(page, *dir / "report.png");
    const auto pages = run_command("pdfinfo '" + *dir / "out/report_2025Q3.pdf" + "'");
    ASSERT_EQ(pages.exit_code, 0) << report.output << pages.output;
    const auto p = pages.output.find("Pages:");
    ASSERT_NE(p, std::string::npos) << pages.output;
    EXPECT_GE(std::stoi(pages.output.substr(p + 6)), 3) << pages.output;
}

TEST_F(District, TheSameReportInEnglishRendersToo) {
    const std::string out = *dir / "out_en";
    const auto r = run_district(out, {"--output.language", "en", "--output.report", "true"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string page = out + "/report_2025Q3.html";
    const std::string html = read_text(page);
    for (const char* expected :
         {"<html lang=\"en\">", "Headline figures", "Targeting lists", "Data quality",
          "per 100,000 live births", "Public set (safe to publish)",
          "village differences are mostly the prior"})
        EXPECT_NE(html.find(expected), std::string::npos) << expected;
    expect_chromium_draws(page, *dir / "report_en.png");
    EXPECT_TRUE(std::filesystem::exists(out + "/report_2025Q3.pdf"));
}

TEST_F(District, OgrinfoListsEveryVillage) {
    io::init_gdal();
    GDALDatasetUniquePtr src(
        GDALDataset::Open((*dir / "data/villages.gpkg").c_str(), GDAL_OF_VECTOR));
    const auto villages = src->GetLayer(0)->GetFeatureCount();
    const auto info = run_command("ogrinfo -so '" + *dir / "out/villages.gpkg" + "' villages");
    ASSERT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("Feature Count: " + std::to_string(villages)), std::string::npos)
        << info.output;
    EXPECT_NE(info.output.find("stunting_ebl: Real"), std::string::npos) << info.output;
}

TEST_F(District, PriorityClassHasColorsAndCategoryNames) {
    const auto info = run_command("gdalinfo '" + *dir / "out/priority_class.tif" + "'");
    ASSERT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("Color Table"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("1: 1 highest"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("Overviews:"), std::string::npos) << info.output;
}

TEST_F(District, RatesAreProportionsAndMapsHaveData) {
    const Grid grid = io::read_grid(*dir / "data/population.tif");
    for (const char* name : {"stunting_rate", "maternal_rate", "stunting_exceed", "risk_index"}) {
        const auto values = io::read_band(*dir / (std::string("out/") + name + ".tif"), grid);
        std::size_t valid = 0;
        for (float v : values.values()) {
            if (std::isnan(v))
                continue;
            ++valid;
            ASSERT_GE(v, 0.0f) << name;
            ASSERT_LE(v, 1.0f) << name;
        }
        EXPECT_GT(valid, grid.pixel_count() / 2) << name;
    }
}

TEST_F(District, PriorityClassesAreOneToFive) {
    const Grid grid = io::read_grid(*dir / "data/population.tif");
    const auto classes = io::read_band(*dir / "out/priority_class.tif", grid);
    std::set<int> seen;
    for (float v : classes.values())
        if (!std::isnan(v))
            seen.insert(static_cast<int>(v));
    EXPECT_EQ(seen, (std::set<int>{1, 2, 3, 4, 5}));
}

TEST_F(District, OneTableRowPerVillageAndRanksArePermutations) {
    io::init_gdal();
    GDALDatasetUniquePtr src(
        GDALDataset::Open((*dir / "data/villages.gpkg").c_str(), GDAL_OF_VECTOR));
    const auto villages = src->GetLayer(0)->GetFeatureCount();
    ASSERT_GT(villages, 100);

    const std::string csv = read_text(*dir / "out/villages.csv");
    const auto codes = csv_column(csv, "code");
    EXPECT_EQ(static_cast<GIntBig>(codes.size()), villages);
    EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
    std::vector<long> ranks;
    for (const auto& r : csv_column(csv, "priority_rank"))
        ranks.push_back(std::stol(r));
    std::vector<long> expected(ranks.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        expected[i] = static_cast<long>(i + 1);
    EXPECT_EQ(ranks, expected); // written in rank order, every rank once

    GDALDatasetUniquePtr gpkg(
        GDALDataset::Open((*dir / "out/villages.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(gpkg);
    EXPECT_EQ(gpkg->GetLayer(0)->GetFeatureCount(), villages);
}

TEST_F(District, EveryEventIsOnTheMapsSumsConserved) {
    const std::string json = read_text(*dir / "out/run.json");
    EXPECT_NE(json.find("\"events_outside_grid\": 0"), std::string::npos) << json;
    EXPECT_NE(json.find("\"records_rejected\": 0"), std::string::npos) << json;
}

TEST_F(District, SameInputsGiveTheSameBytesWhateverTheThreadCountAndTileSize) {
    // The district run above used every core and 1024-pixel tiles (one tile); these use one
    // thread, and four 512-pixel tiles on two threads.
    // The last streams its work rasters through files (and checkpoints its tiles) instead of
    // keeping them in memory.
    const std::vector<std::vector<std::string>> variants = {
        {"--threads", "1"},
        {"--threads", "2", "--tile-size", "512"},
        {"--threads", "2", "--tile-size", "512", "--work-memory", "0"}};
    for (std::size_t v = 0; v < variants.size(); ++v) {
        const std::string out = "out_v" + std::to_string(v);
        const auto r = run_district(*dir / out, variants[v]);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        for (const std::string f :
             {"stunting_rate.tif", "stunting_hi.tif", "maternal_exceed.tif", "risk_index.tif",
              "priority_class.tif", "villages.csv", "kecamatan.csv", "villages.gpkg",
              "villages.gal", "stunting_rate.png", "riskmap.nc",
              "riskmap.quarters/riskmap_2025Q3.nc"})
            EXPECT_EQ(read_text(*dir / (out + "/" + f)), read_text(*dir / ("out/" + f)))
                << f << " with " << variants[v][1];
        const std::string report = read_text(*dir / (out + "/run.json"));
        EXPECT_NE(report.find("\"tile_size\": " + (v == 0 ? std::string("1024") : "512")),
                  std::string::npos);
        EXPECT_NE(report.find(v == 2 ? "\"work_in_memory\": false" : "\"work_in_memory\": true"),
                  std::string::npos);
    }
}

namespace {
/// Starts riskmap with `args` without waiting for it.
pid_t spawn_riskmap(const std::vector<std::string>& args) {
    std::vector<std::string> argv_text = {RISKMAP_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (auto& a : argv_text)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

std::size_t checkpoint_tiles(const std::filesystem::path& out) {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(out / ".riskmap-resume", ec))
        n += e.path().extension() == ".tif";
    return n;
}
} // namespace

TEST_F(District, AKilledRunResumesFromItsFinishedTilesWithTheSameBytes) {
    const std::filesystem::path out = *dir / "out_killed";
    // In the background, killed as soon as a tile has been checkpointed (a grid this small
    // keeps its work in memory and is not checkpointed unless told to stream).
    const auto args = district_args(
        out.string(), {"--tile-size", "512", "--threads", "1", "--work-memory", "0", "--quiet"});
    const pid_t pid = spawn_riskmap(args);
    ASSERT_GT(pid, 0);
    int status = 0;
    bool exited = false;
    while (checkpoint_tiles(out) == 0 && !exited) {
        exited = waitpid(pid, &status, WNOHANG) == pid;
        usleep(5000);
    }
    ASSERT_FALSE(exited) << "the run ended before a tile was checkpointed";
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    for (const auto& f : list_dir(out))
        EXPECT_EQ(f[0], '.') << f << " is under a final name after the kill";

    const auto r = run_district(
        out, {"--tile-size", "512", "--threads", "1", "--work-memory", "0", "--resume"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string report = read_text(out / "run.json");
    EXPECT_EQ(report.find("\"tiles_resumed\": 0"), std::string::npos) << report;
    for (const std::string f :
         {"stunting_rate.tif", "stunting_hi.tif", "maternal_exceed.tif", "risk_index.tif",
          "priority_class.tif", "villages.csv", "kecamatan.csv", "stunting_rate.png"})
        EXPECT_EQ(read_text(out / f), read_text(*dir / ("out/" + f))) << f;
    EXPECT_FALSE(std::filesystem::exists(out / ".riskmap-resume"));
}

namespace {
std::vector<std::string> split_commas(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t p = 0;
    for (std::size_t q; (q = line.find(',', p)) != std::string::npos; p = q + 1)
        cells.push_back(line.substr(p, q - p));
    cells.push_back(line.substr(p));
    return cells;
}

std::string digits(const std::string& code) {
    std::string out;
    for (char c : code)
        if (c >= '0' && c <= '9')
            out += c;
    return out;
}

/// The records with the maternal deaths of villages a and b exchanged in every period both
/// report (the last column; names may hold quoted commas, so periods count from the end).
std::string swap_deaths(const std::string& records, const std::string& a, const std::string& b) {
    std::vector<std::string> lines;
    std::istringstream in(records);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    std::map<std::string, std::pair<std::size_t, std::size_t>> rows; // period -> (a, b) lines
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto cells = split_commas(lines[i]);
        const std::string code = digits(cells.front()), period = cells[cells.size() - 5];
        if (code == a)
            rows[period].first = i;
        if (code == b)
            rows[period].second = i;
    }
    for (const auto& [period, pair] : rows) {
        if (pair.first == 0 || pair.second == 0)
            continue;
        std::string& la = lines[pair.first];
        std::string& lb = lines[pair.second];
        const std::size_t ca = la.rfind(','), cb = lb.rfind(',');
        const std::string da = la.substr(ca + 1), db = lb.substr(cb + 1);
        la = la.substr(0, ca + 1) + db;
        lb = lb.substr(0, cb + 1) + da;
    }
    std::string out;
    for (const auto& line : lines)
        out += line + "\n";
    return out;
}
} // namespace

TEST_F(District, PublicTablesGiveNoCountBelowTheMinimumBack) {
    ASSERT_EQ(result->exit_code, 0) << result->output;
    const std::vector<std::string> indicators{"stunting", "maternal"};
    EXPECT_EQ(
        disclosure_attacks({*dir / "out/public_villages.csv", *dir / "out/public_kecamatan.csv"},
                           indicators, 5),
        std::vector<std::string>{});
    EXPECT_FALSE(
        disclosure_attacks({*dir / "out/villages.csv", *dir / "out/kecamatan.csv"}, indicators, 5)
            .empty())
        << "the sample district should have small counts to protect";
}

TEST_F(District, PublicTablesDoNotMoveWhenWithheldDeathsMoveBetweenVillages) {
    ASSERT_EQ(result->exit_code, 0) << result->output;
    // Two villages of one kecamatan, both withheld, with different (pooled) death counts.
    std::map<std::string, std::string> deaths;
    for (const auto& row : csv_rows(*dir / "out/villages.csv"))
        deaths[row.at("code")] = row.at("maternal_num");
    std::map<std::string, std::vector<std::string>> withheld; // kecamatan -> villages
    for (const auto& row : csv_rows(*dir / "out/public_villages.csv"))
        if (row.at("maternal_withheld") == "1")
            withheld[row.at("code").substr(0, 6)].push_back(row.at("code"));
    std::string a, b;
    for (const auto& [kecamatan, codes] : withheld)
        for (std::size_t i = 1; i < codes.size() && a.empty(); ++i)
            if (deaths[codes[0]] != deaths[codes[i]])
                a = codes[0], b = codes[i];
    ASSERT_FALSE(a.empty()) << "no two withheld villages of a kecamatan differ";

    const std::string swapped = *dir / "swapped_records.csv";
    write_text(swapped, swap_deaths(read_text(*dir / "data/records.csv"), a, b));
    auto args = district_args(*dir / "out_swapped", {});
    *(std::find(args.begin(), args.end(), "--inputs.records") + 1) = swapped;
    const auto r = run_riskmap(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::map<std::string, std::string> after;
    for (const auto& row : csv_rows(*dir / "out_swapped/villages.csv"))
        after[row.at("code")] = row.at("maternal_num");
    ASSERT_EQ(after[a], deaths[b]) << "the swap did not reach the internal table";
    ASSERT_EQ(after[b], deaths[a]);
    for (const char* name : {"public_villages.csv", "public_kecamatan.csv"})
        EXPECT_EQ(read_text(*dir / (std::string("out/") + name)),
                  read_text(*dir / (std::string("out_swapped/") + name)))
            << name << ": a public number depends on a withheld count (" << a << ", " << b << ")";
}
