#include "io/cube.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/tiles.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <zlib.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

using namespace riskmap;
using riskmap::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// A smooth field with a NaN corner, different for every seed.
Layer<float> field(const Grid& grid, float seed) {
    Layer<float> values(grid.width, grid.height);
    for (int r = 0; r < grid.height; ++r)
        for (int c = 0; c < grid.width; ++c)
            values(r, c) = seed + 0.01f * static_cast<float>(r) + 0.001f * static_cast<float>(c);
    values(0, 0) = std::nanf("");
    return values;
}

Table villages(const std::vector<std::string>& codes, double base) {
    Table table;
    table.add_text("code").text = codes;
    std::vector<double> counts, rates;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        counts.push_back(i == 1 ? std::nan("") : base + static_cast<double>(i));
        rates.push_back(i == 2 ? std::nan("") : base / 100 + 0.001 * static_cast<double>(i));
    }
    table.add_integer("stunting_num", counts);
    table.add_real("stunting_eb", rates);
    return table;
}

/// Writes one quarter with layers "rate" and "exceed" (values seed and seed + 1).
void write(const std::string& cube, const Grid& grid, const std::string& period, float seed) {
    const Layer<float> rate = field(grid, seed), exceed = field(grid, seed + 1);
    io::cube_write_quarter(
        cube, grid, period,
        {{"rate", &rate, "stunting rate", "1"}, {"exceed", &exceed, "P(rate > target)", "1"}},
        villages({"3205012001", "3205012002", "3205012003"}, std::round(seed * 100)));
}

std::string bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void expect_same(const Layer<float>& a, const Layer<float>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(std::isnan(a[i]) && std::isnan(b[i]))) {
            ASSERT_EQ(a[i], b[i]) << "pixel " << i;
        }
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "no InputError";
}

std::string quarter_file(const TempDir& dir, const std::string& period) {
    return dir / ("riskmap.quarters/riskmap_" + period + ".nc");
}

} // namespace

TEST(Cube, AppendingAQuarterLeavesTheFirstByteIdentical) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    const Grid grid = test::utm_grid(300, 270, 100.0); // two chunks across, two down
    write(cube, grid, "2025Q2", 0.1f);
    const std::string before = bytes(quarter_file(dir, "2025Q2"));
    write(cube, grid, "2025Q3", 0.2f);
    EXPECT_EQ(bytes(quarter_file(dir, "2025Q2")), before);
    EXPECT_EQ(io::cube_periods(cube), (std::vector<std::string>{"2025Q2", "2025Q3"}));
    expect_same(io::cube_read_layer(cube, "2025Q2", "rate", grid), field(grid, 0.1f));
    expect_same(io::cube_read_layer(cube, "2025Q3", "exceed", grid), field(grid, 1.2f));
}

TEST(Cube, LayersStreamedInStripsSkipAllNaNChunksAndReadBackWhole) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    const Grid grid = test::utm_grid(600, 300, 100.0); // 3 x 2 chunks
    Layer<float> sea = field(grid, 0.3f);
    for (int r = 0; r < 300; ++r)
        for (int c = 256; c < 600; ++c)
            sea(r, c) = std::nanf(""); // the right chunks are all NaN, the left ones are not
    const auto strips = [&](int row, int rows, float* out) {
        std::copy(sea.data() + std::size_t(row) * 600, sea.data() + std::size_t(row + rows) * 600,
                  out);
    };
    io::cube_write_quarter(cube, grid, "2025Q2", {{"rate", nullptr, "rate", "1", strips}},
                           villages({"3205012001"}, 1));
    expect_same(io::cube_read_layer(cube, "2025Q2", "rate", grid), sea);
    const auto window = io::cube_read_window(cube, "2025Q2", "rate", grid, {250, 10, 20, 5});
    EXPECT_EQ(window(0, 0), sea(10, 250));
    EXPECT_TRUE(std::isnan(window(4, 19)));
}

namespace {
/// Every chunk of `layer` in a quarter file as stored (filter mask, then the bytes).
std::vector<std::string> raw_chunks(const std::string& file, const char* layer, const Grid& grid) {
    std::vector<std::string> out;
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t ds = H5Dopen2(f, layer, H5P_DEFAULT);
    for (hsize_t row = 0; row < hsize_t(grid.height); row += 256)
        for (hsize_t col = 0; col < hsize_t(grid.width); col += 256) {
            const hsize_t offset[3] = {0, row, col};
            hsize_t size = 0;
            EXPECT_GE(H5Dget_chunk_storage_size(ds, offset, &size), 0);
            std::string bytes(size, '\0');
            std::uint32_t mask = 0;
            EXPECT_GE(H5Dread_chunk(ds, H5P_DEFAULT, offset, &mask, bytes.data()), 0);
            out.push_back(std::to_string(mask) + ":" + bytes);
        }
    H5Dclose(ds);
    H5Fclose(f);
    return out;
}

/// A stored chunk decoded by hand, as the declared filters (shuffle, then deflate) say.
std::vector<float> decode_chunk(const std::string& stored, std::size_t values) {
    std::vector<unsigned char> shuffled(values * sizeof(float));
    uLongf size = static_cast<uLongf>(shuffled.size());
    EXPECT_EQ(uncompress(shuffled.data(), &size, reinterpret_cast<const Bytef*>(stored.data()),
                         stored.size()),
              Z_OK);
    EXPECT_EQ(size, shuffled.size());
    std::vector<float> out(values);
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    for (std::size_t i = 0; i < values; ++i)
        for (std::size_t k = 0; k < sizeof(float); ++k)
            bytes[i * sizeof(float) + k] = shuffled[k * values + i];
    return out;
}
} // namespace

TEST(Cube, TheSchedulersThreadsGiveTheChunksOfOneThread) {
    // io runs its chunk encoder on the pipeline the caller injects (riskmap: the scheduler's);
    // the chunks must not depend on it, layer by layer, streamed or in memory.
    TempDir dir;
    const Grid grid = test::utm_grid(900, 700, 100.0);
    const Layer<float> rate = field(grid, 0.4f), exceed = field(grid, 0.7f);
    const auto strips = [&](int row, int rows, float* out) {
        std::copy(exceed.data() + std::size_t(row) * 900,
                  exceed.data() + std::size_t(row + rows) * 900, out);
    };
    const std::vector<io::CubeLayer> layers{{"rate", &rate, "rate", "1"},
                                            {"exceed", nullptr, "P", "1", strips}};
    const auto table = villages({"3205012001"}, 1);
    io::cube_write_quarter(dir / "one.nc", grid, "2025Q2", layers, table);
    const sched::ThreadLimit four(4);
    io::cube_write_quarter(dir / "many.nc", grid, "2025Q2", layers, table, sched::ordered_runner());
    for (const char* name : {"rate", "exceed"})
        EXPECT_TRUE(raw_chunks(dir / "one.quarters/one_2025Q2.nc", name, grid) ==
                    raw_chunks(dir / "many.quarters/many_2025Q2.nc", name, grid))
            << name;
}

TEST(Cube, StoredChunksAreTheShuffledZlibStreamsTheLayerDeclares) {
    // riskmap encodes chunks itself on every thread and stores them as they are: any reader
    // must be able to decode them with the standard shuffle + deflate filters, edges padded
    // with the fill value as HDF5 pads them. In-memory and streamed layers give the same bytes.
    TempDir dir;
    const Grid grid = test::utm_grid(600, 300, 100.0); // partial chunks on the right and below
    const Layer<float> values = field(grid, 0.4f);
    const auto strips = [&](int row, int rows, float* out) {
        std::copy(values.data() + std::size_t(row) * 600,
                  values.data() + std::size_t(row + rows) * 600, out);
    };
    const auto table = villages({"3205012001"}, 1);
    io::cube_write_quarter(dir / "a.nc", grid, "2025Q2", {{"rate", &values, "rate", "1"}}, table);
    io::cube_write_quarter(dir / "b.nc", grid, "2025Q2", {{"rate", nullptr, "rate", "1", strips}},
                           table);
    const auto in_memory = raw_chunks(dir / "a.quarters/a_2025Q2.nc", "rate", grid);
    const auto streamed = raw_chunks(dir / "b.quarters/b_2025Q2.nc", "rate", grid);
    ASSERT_EQ(in_memory.size(), 6u);
    EXPECT_TRUE(in_memory == streamed);
    for (std::size_t k = 0; k < streamed.size(); ++k) {
        ASSERT_EQ(streamed[k].substr(0, 2), "0:") << "chunk " << k << " skipped a filter";
        const auto chunk = decode_chunk(streamed[k].substr(2), 256 * 256);
        const int row0 = int(k / 3) * 256, col0 = int(k % 3) * 256;
        for (int r = 0; r < 256; ++r)
            for (int c = 0; c < 256; ++c) {
                const float stored = chunk[std::size_t(r) * 256 + std::size_t(c)];
                const bool inside = row0 + r < 300 && col0 + c < 600;
                const float expected = inside ? values(row0 + r, col0 + c) : std::nanf("");
                if (std::isnan(expected))
                    ASSERT_TRUE(std::isnan(stored)) << k << " " << r << " " << c;
                else
                    ASSERT_EQ(stored, expected) << k << " " << r << " " << c;
            }
    }
}

TEST(Cube, LayersFromChunkFilesGiveTheBytesOfLayersEncodedInPlace) {
    TempDir dir;
    const Grid grid = test::utm_grid(600, 530, 100.0); // 3 x 3 chunks, the last ones partial
    Layer<float> rate = field(grid, 0.4f);
    for (int r = 0; r < 256; ++r)
        for (int c = 256; c < 512; ++c)
            rate(r, c) = std::nanf(""); // an all-NaN chunk, not stored
    const Layer<float> exceed = field(grid, 1.4f);
    const Table table = villages({"3205012001", "3205012002"}, 3);
    const std::string plain = dir / "plain/riskmap.nc", copied = dir / "copied/riskmap.nc";
    io::cube_write_quarter(plain, grid, "2025Q2",
                           {{"rate", &rate, "rate", "1"}, {"exceed", &exceed, "exceed", "1"}},
                           table);
    // "rate" encoded beforehand (as an MPI rank does), "exceed" in place.
    const std::string chunks = dir / "rate.cube-chunks";
    io::cube_encode_layer(grid, {"rate", &rate, "rate", "1"}, chunks, 2);
    io::CubeLayer from_file{"rate", nullptr, "rate", "1"};
    from_file.chunk_file = chunks;
    io::cube_write_quarter(copied, grid, "2025Q2", {from_file, {"exceed", &exceed, "exceed", "1"}},
                           table);
    EXPECT_EQ(bytes(dir / "copied/riskmap.quarters/riskmap_2025Q2.nc"),
              bytes(dir / "plain/riskmap.quarters/riskmap_2025Q2.nc"));
    expect_same(io::cube_read_layer(copied, "2025Q2", "rate", grid), rate);
}

TEST(Cube, ATruncatedOrForeignChunkFileIsAnErrorNamingIt) {
    TempDir dir;
    const Grid grid = test::utm_grid(300, 270, 100.0);
    const Layer<float> rate = field(grid, 0.5f);
    const std::string chunks = dir / "rate.cube-chunks";
    io::cube_encode_layer(grid, {"rate", &rate, "rate", "1"}, chunks, 1);
    io::CubeLayer from_file{"rate", nullptr, "rate", "1"};
    from_file.chunk_file = chunks;
    const auto error_of = [&](const Grid& g) {
        try {
            io::cube_write_quarter(dir / "c.nc", g, "2025Q2", {from_file}, villages({"1"}, 1));
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    // Another grid has another chunk count.
    EXPECT_NE(error_of(test::utm_grid(600, 270, 100.0)).find("not this grid's"), std::string::npos);
    fs::resize_file(chunks, fs::file_size(chunks) - 3);
    const std::string message = error_of(grid);
    EXPECT_NE(message.find(chunks), std::string::npos) << message;
    EXPECT_NE(message.find("incomplete"), std::string::npos) << message;
}

TEST(Cube, RerunningAQuarterReplacesOnlyThatQuarter) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    const Grid grid = test::utm_grid(20, 10);
    write(cube, grid, "2025Q1", 0.1f);
    write(cube, grid, "2025Q2", 0.2f);
    const std::string first = bytes(quarter_file(dir, "2025Q1"));
    write(cube, grid, "2025Q2", 0.7f);
    EXPECT_EQ(bytes(quarter_file(dir, "2025Q1")), first);
    EXPECT_EQ(io::cube_periods(cube), (std::vector<std::string>{"2025Q1", "2025Q2"}));
    expect_same(io::cube_read_layer(cube, "2025Q2", "rate", grid), field(grid, 0.7f));
    expect_same(io::cube_read_layer(cube, "2025Q1", "rate", grid), field(grid, 0.1f));
    EXPECT_EQ(io::cube_read_villages(cube, "2025Q2").columns[1].number[0], 70);
}

TEST(Cube, SameQuarterWrittenTwiceGivesTheSameBytes) {
    TempDir dir;
    const Grid grid = test::utm_grid(20, 10);
    write(dir / "a.nc", grid, "2025Q1", 0.1f);
    write(dir / "b.nc", grid, "2025Q1", 0.1f);
    EXPECT_EQ(bytes(dir / "a.quarters/a_2025Q1.nc"), bytes(dir / "b.quarters/b_2025Q1.nc"));
}

TEST(Cube, AnotherGridIsAnInputErrorAndChangesNothing) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    const Grid grid = test::utm_grid(20, 10);
    write(cube, grid, "2025Q1", 0.1f);
    const std::string master = bytes(cube);
    const std::string shape = message_of([&] { write(cube, test::utm_grid(20, 11), "2025Q2", 0); });
    EXPECT_NE(shape.find("is on a grid of 20 x 10 pixels"), std::string::npos) << shape;
    EXPECT_NE(shape.find("this grid is 20 x 11 pixels"), std::string::npos) << shape;
    Grid moved = grid;
    moved.geotransform[0] += 50;
    EXPECT_THROW(write(cube, moved, "2025Q2", 0), InputError);
    Grid other_crs = grid;
    other_crs.crs_wkt = test::geographic_grid(1, 1, 0.01).crs_wkt;
    const std::string crs = message_of([&] { write(cube, other_crs, "2025Q2", 0); });
    EXPECT_NE(crs.find("UTM zone 49S"), std::string::npos) << crs;
    EXPECT_THROW(io::cube_read_layer(cube, "2025Q1", "rate", moved), InputError);
    EXPECT_EQ(bytes(cube), master);
    EXPECT_EQ(io::cube_periods(cube), std::vector<std::string>{"2025Q1"});
}

TEST(Cube, MalformedPeriodIsAnInputErrorNamingIt) {
    TempDir dir;
    const Grid grid = test::utm_grid(4, 3);
    for (const std::string period : {"2025Q5", "2025Q0", "2025-3", "25Q3", "2025q3", ""}) {
        const std::string what = message_of([&] { write(dir / "c.nc", grid, period, 0); });
        EXPECT_NE(what.find("period '" + period + "' is not a quarter"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(dir / "c.nc"));
}

TEST(Cube, UnknownPeriodOrLayerIsAnInputErrorListingWhatThereIs) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    const Grid grid = test::utm_grid(4, 3);
    EXPECT_TRUE(io::cube_periods(cube).empty());
    write(cube, grid, "2024Q4", 0.1f);
    write(cube, grid, "2025Q1", 0.1f);
    const std::string period =
        message_of([&] { io::cube_read_layer(cube, "2025Q2", "rate", grid); });
    EXPECT_NE(period.find("has no quarter 2025Q2 (it has: 2024Q4, 2025Q1)"), std::string::npos)
        << period;
    const std::string layer =
        message_of([&] { io::cube_read_layer(cube, "2025Q1", "risk", grid); });
    EXPECT_NE(layer.find("has no layer 'risk' in 2025Q1 (it has: rate, exceed)"), std::string::npos)
        << layer;
    EXPECT_THROW(io::cube_read_villages(cube, "2023Q1"), InputError);
}

TEST(Cube, VillageTablesRoundTripWithMissingValues) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    write(cube, test::utm_grid(4, 3), "2025Q3", 42); // villages numbered from 4200
    const Table table = io::cube_read_villages(cube, "2025Q3");
    const Table expected = villages({"3205012001", "3205012002", "3205012003"}, 4200);
    ASSERT_EQ(table.columns.size(), 3u);
    EXPECT_EQ(table.columns[0].name, "code");
    EXPECT_EQ(table.columns[0].kind, TableColumn::Kind::Text);
    EXPECT_EQ(table.columns[0].text, expected.columns[0].text);
    for (std::size_t c = 1; c < 3; ++c) {
        EXPECT_EQ(table.columns[c].name, expected.columns[c].name);
        EXPECT_EQ(table.columns[c].kind, expected.columns[c].kind);
        for (std::size_t i = 0; i < 3; ++i) {
            const double got = table.columns[c].number[i], want = expected.columns[c].number[i];
            EXPECT_TRUE(got == want || (std::isnan(got) && std::isnan(want))) << c << "," << i;
        }
    }
}

TEST(Cube, InvalidLayerNamesAndShapesAreRejected) {
    TempDir dir;
    const Grid grid = test::utm_grid(4, 3);
    const Layer<float> ok(4, 3), wrong(3, 4);
    const Table none;
    EXPECT_THROW(
        io::cube_write_quarter(dir / "c.nc", grid, "2025Q1", {{"time", &ok, "", ""}}, none), Error);
    EXPECT_THROW(io::cube_write_quarter(dir / "c.nc", grid, "2025Q1", {{"a b", &ok, "", ""}}, none),
                 Error);
    EXPECT_THROW(
        io::cube_write_quarter(dir / "c.nc", grid, "2025Q1", {{"r", &wrong, "", ""}}, none), Error);
}

// ---------------------------------------------------------------------------------------------
// Interrupted appends

TEST(Cube, AppendKilledMidWayLeavesTheEarlierQuartersIntact) {
    TempDir dir;
    const std::string cube = dir / "riskmap.nc";
    const Grid grid = test::utm_grid(1500, 1500); // large enough to be caught while writing
    write(cube, grid, "2025Q1", 0.1f);
    const std::string first = bytes(quarter_file(dir, "2025Q1")), master = bytes(cube);

    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const Layer<float> a = field(grid, 0.3f);
        std::vector<io::CubeLayer> layers;
        for (const std::string name : {"a", "b", "c", "d", "e", "f", "g", "h"})
            layers.push_back({name, &a, name, "1"});
        try {
            io::cube_write_quarter(cube, grid, "2025Q2", layers, Table{});
        } catch (...) {
            _exit(1);
        }
        _exit(0);
    }
    // Kill the writer while its temporary quarter file exists.
    bool caught = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!caught && std::chrono::steady_clock::now() < deadline &&
           waitpid(child, nullptr, WNOHANG) == 0) {
        for (const auto& name : test::list_dir(dir / "riskmap.quarters"))
            caught = caught || name.find(".tmp-") != std::string::npos;
        if (!caught)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ASSERT_TRUE(caught) << "the writer finished before it could be interrupted";

    EXPECT_EQ(io::cube_periods(cube), std::vector<std::string>{"2025Q1"});
    EXPECT_EQ(bytes(cube), master);
    EXPECT_EQ(bytes(quarter_file(dir, "2025Q1")), first);
    expect_same(io::cube_read_layer(cube, "2025Q1", "rate", grid), field(grid, 0.1f));
    EXPECT_FALSE(fs::exists(quarter_file(dir, "2025Q2")));

    // The next write sweeps the killed writer's temporary file away.
    write(cube, grid, "2025Q2", 0.2f);
    for (const auto& name : test::list_dir(dir / "riskmap.quarters"))
        EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
    EXPECT_EQ(io::cube_periods(cube), (std::vector<std::string>{"2025Q1", "2025Q2"}));
    EXPECT_EQ(bytes(quarter_file(dir, "2025Q1")), first);
}

TEST(Cube, QuarterFinishedButNotYetListedIsListedByTheNextWrite) {
    // A writer killed between its two renames leaves a complete quarter file that the master
    // does not list; the cube stays valid and the next write lists it.
    TempDir dir;
    const Grid grid = test::utm_grid(8, 6);
    write(dir / "done.nc", grid, "2025Q1", 0.1f);
    write(dir / "done.nc", grid, "2025Q2", 0.2f);
    write(dir / "riskmap.nc", grid, "2025Q1", 0.1f);
    fs::copy_file(dir / "done.quarters/done_2025Q2.nc", quarter_file(dir, "2025Q2"));
    test::write_text(dir / ".riskmap.nc.tmp-999999", "half a master");
    EXPECT_EQ(io::cube_periods(dir / "riskmap.nc"), std::vector<std::string>{"2025Q1"});
    write(dir / "riskmap.nc", grid, "2025Q3", 0.3f);
    EXPECT_EQ(io::cube_periods(dir / "riskmap.nc"),
              (std::vector<std::string>{"2025Q1", "2025Q2", "2025Q3"}));
    expect_same(io::cube_read_layer(dir / "riskmap.nc", "2025Q2", "rate", grid), field(grid, 0.2f));
    EXPECT_FALSE(fs::exists(dir / ".riskmap.nc.tmp-999999"));
}

// ---------------------------------------------------------------------------------------------
// Real clients: netCDF4 and xarray (tests/io/cube_clients.py), GDAL's netCDF driver

namespace {

/// Debian's interpreter, where python3-netcdf4 and python3-xarray are installed, even when a
/// pyenv python3 comes first on PATH; RISKMAP_PYTHON overrides.
std::string python() {
    if (const char* p = std::getenv("RISKMAP_PYTHON"))
        return p;
    return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

std::string json_number(double v) {
    return std::isnan(v) ? "null" : format_double(v);
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s)
        out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

/// What cube_clients.py compares the cube with.
std::string expectations(const Grid& grid, const std::vector<std::string>& periods,
                         const std::vector<std::string>& dates,
                         const std::vector<std::string>& ends, const std::string& layer,
                         const std::vector<Layer<float>>& values) {
    std::string gt, per, dat, end, vals, codes;
    for (double v : grid.geotransform)
        gt += (gt.empty() ? "" : ",") + json_number(v);
    for (std::size_t t = 0; t < periods.size(); ++t) {
        per += (t ? "," : "") + json_string(periods[t]);
        dat += (t ? "," : "") + json_string(dates[t]);
        end += (t ? "," : "") + json_string(ends[t]);
        codes += std::string(t ? "," : "") + "[\"3205012001\",\"3205012002\",\"3205012003\"]";
        std::string flat;
        for (float v : values[t].values())
            flat += (flat.empty() ? "" : ",") + json_number(v);
        vals += (t ? ",[" : "[") + flat + "]";
    }
    return "{\"width\":" + std::to_string(grid.width) +
           ",\"height\":" + std::to_string(grid.height) + ",\"geotransform\":[" + gt +
           "],\"crs_wkt\":" + json_string(grid.crs_wkt) + ",\"periods\":[" + per + "],\"dates\":[" +
           dat + "],\"ends\":[" + end + "],\"layer\":" + json_string(layer) + ",\"values\":[" +
           vals + "],\"codes\":[" + codes + "]}";
}

std::string quoted(const std::string& s) {
    return "'" + s + "'";
}

/// Two quarters, written out of order (the cube sorts them), and what the clients expect.
std::string write_two_quarters(const TempDir& dir, const Grid& grid) {
    const std::string cube = dir / "riskmap.nc";
    write(cube, grid, "2025Q3", 0.3f);
    write(cube, grid, "2024Q4", 0.1f);
    test::write_text(dir / "expected.json",
                     expectations(grid, {"2024Q4", "2025Q3"}, {"2024-10-01", "2025-07-01"},
                                  {"2025-01-01", "2025-10-01"}, "rate",
                                  {field(grid, 0.1f), field(grid, 0.3f)}));
    return cube;
}

/// netCDF4 and xarray read `file` as tests/io/cube_clients.py expects; run from another
/// folder, so that relative paths inside the file resolve against the file's own folder.
void expect_python_clients_read(const TempDir& dir, const std::string& file) {
    const auto py =
        test::run_command("cd / && " + python() + " " +
                          quoted(std::string(RISKMAP_SOURCE_DIR) + "/tests/io/cube_clients.py") +
                          " " + quoted(file) + " " + quoted(dir / "expected.json"));
    EXPECT_EQ(py.exit_code, 0) << py.output;
}

void expect_clients_read(const TempDir& dir, const Grid& grid) {
    const std::string cube = write_two_quarters(dir, grid);
    expect_python_clients_read(dir, cube);

    const std::string name = "NETCDF:\"" + cube + "\":rate";
    const auto info = test::run_command("gdalinfo " + quoted(name));
    EXPECT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("NETCDF_DIM_time_VALUES={9040,9313}"), std::string::npos)
        << info.output;

    io::init_gdal();
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    std::array<double, 6> gt{};
    ASSERT_EQ(ds->GetGeoTransform(gt.data()), CE_None);
    for (int i = 0; i < 6; ++i) // GDAL recomputes it from the coordinates: 1e-9 pixel
        EXPECT_NEAR(gt[i], grid.geotransform[i], 1e-9 * std::abs(grid.geotransform[1])) << i;
    OGRSpatialReference want;
    want.importFromWkt(grid.crs_wkt.c_str());
    ASSERT_NE(ds->GetSpatialRef(), nullptr);
    // GDAL hands out GIS axis order (lon, lat) whatever the EPSG order: compare the CRS only.
    const char* const same_crs[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
    EXPECT_TRUE(ds->GetSpatialRef()->IsSame(&want, same_crs));
    ASSERT_EQ(ds->GetRasterCount(), 2);
    const Layer<float> expected = field(grid, 0.3f);
    Layer<float> band(grid.width, grid.height);
    ASSERT_EQ(ds->GetRasterBand(2)->RasterIO(GF_Read, 0, 0, grid.width, grid.height, band.data(),
                                             grid.width, grid.height, GDT_Float32, 0, 0),
              CE_None);
    expect_same(band, expected);
}

} // namespace

TEST(CubeClients, APackedCubeIsSelfContained) {
    // `riskmap cube pack`: one file to share, read the same with the cube itself gone.
    TempDir dir;
    const std::string cube = write_two_quarters(dir, test::utm_grid(300, 260, 100.0));
    fs::create_directories(dir / "shared");
    const std::string packed = dir / "shared/riskmap_2025.nc";
    io::cube_pack(cube, packed);
    fs::remove_all(dir / "riskmap.quarters");
    fs::remove(cube);
    expect_python_clients_read(dir, packed);
    EXPECT_EQ(io::cube_periods(packed), (std::vector<std::string>{"2024Q4", "2025Q3"}));
}

TEST(Cube, PackingAMasterWithoutItsQuartersNamesTheMissingFile) {
    TempDir dir;
    const Grid grid = test::utm_grid(40, 30, 100.0);
    write(dir / "riskmap.nc", grid, "2025Q3", 0.3f);
    fs::create_directories(dir / "copied");
    fs::copy_file(dir / "riskmap.nc", dir / "copied/riskmap.nc");
    try {
        io::cube_pack(dir / "copied/riskmap.nc", dir / "packed.nc");
        FAIL() << "packed a master without its quarter files";
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("lists 2025Q3 but its data file"), std::string::npos) << what;
        EXPECT_NE(what.find("riskmap.quarters/'"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(dir / "packed.nc"));
}

TEST(CubeClients, ReadAProjectedCubeWithGridTimeAndCrs) {
    TempDir dir;
    expect_clients_read(dir, test::utm_grid(300, 260, 100.0));
}

TEST(CubeClients, ReadAGeographicCubeWithGridTimeAndCrs) {
    TempDir dir;
    expect_clients_read(dir, test::geographic_grid(40, 30, 1.0 / 1200));
}
