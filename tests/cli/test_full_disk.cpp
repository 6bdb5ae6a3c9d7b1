// A full disk in the middle of `riskmap run`: the output folder sits on a small tmpfs mounted
// by the test and filled so that the run runs out of space at many different points of its
// writing (maps, quicklooks, GeoPackage, cube). Each time the run must fail with exit 1 and a
// message naming the file and the cause, and leave the previous outputs and the quarterly
// cube byte for byte as they were, with no file of its own left behind.
// Mounting needs root with CAP_SYS_ADMIN (as in CI); without it the test fails and says so,
// unless RISKMAP_SKIP_MOUNT_TESTS is set, which reports it as skipped (not run).

#include "core/error.hpp"
#include "io/cube.hpp"
#include "support/fault_support.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

using namespace riskmap;
using namespace riskmap::test;

namespace {

constexpr long long kPage = 4096; // tmpfs allocates whole pages
constexpr int kFillLevels = 16;

/// Space the run needs at its peak at least: every file it adds or changes exists in its
/// staging folder (or as a cube temporary) beside the previous version.
long long space_needed(const Snapshot& before, const Snapshot& after) {
    long long total = 0;
    for (const auto& [name, bytes] : after) {
        const auto it = before.find(name);
        if (it == before.end() || it->second != bytes)
            total += (static_cast<long long>(bytes.size()) + kPage - 1) / kPage * kPage;
    }
    return total;
}

/// The kind of file a failure message names: its extension ("tif", "gpkg", "nc" ...).
std::string failed_file_kind(const std::string& message) {
    const auto start = message.find("cannot ");
    const auto open = message.find('\'', start);
    const auto close = message.find('\'', open + 1);
    if (start == std::string::npos || open == std::string::npos || close == std::string::npos)
        return "";
    std::string name =
        std::filesystem::path(message.substr(open + 1, close - open - 1)).filename().string();
    if (const auto tmp = name.find(".tmp-"); tmp != std::string::npos)
        name.erase(tmp); // a cube temporary: .riskmap_2025Q3.nc.tmp-PID
    if (name.ends_with(".part"))
        name.erase(name.size() - 5); // a tile checkpoint being written: tile-X-Y-W-H.tif.part
    return name.substr(name.rfind('.') + 1);
}

class FullDisk : public SmallJob {
protected:
    void SetUp() override {
        SmallJob::SetUp();
        std::filesystem::create_directories(disk);
        const std::string why = tmpfs_unavailable_reason(disk);
        if (!why.empty() && std::getenv("RISKMAP_SKIP_MOUNT_TESTS"))
            GTEST_SKIP() << "NOT RUN: " << why << " (RISKMAP_SKIP_MOUNT_TESTS is set)";
        ASSERT_EQ(why, "") << "the full-disk test mounts a tmpfs: run it as root with "
                              "CAP_SYS_ADMIN, or set RISKMAP_SKIP_MOUNT_TESTS=1 to skip it";
        mount = std::make_unique<TmpfsMount>(disk, 64LL << 20);
        sections["output"]["dir"] = out;
    }

    /// Quarter 2025Q2, then 2025Q3 with other counts, keeping the folder's bytes after each.
    void run_two_quarters() {
        ASSERT_EQ(run({"--inputs.period", "2025Q2"}).exit_code, 0);
        before = snapshot(out);
        records.replace(records.find("3205012002,80,30"), 16, "3205012002,80,60");
        const auto r = run({"--inputs.period", "2025Q3"});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        after = snapshot(out);
    }

    /// Leaves `free` bytes on the tmpfs by giving the rest to a file beside the output folder.
    void leave_free(long long free) {
        const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ASSERT_GE(fd, 0);
        const long long size = mount->free_bytes() - free;
        const int rc = size > 0 ? ::posix_fallocate(fd, 0, size) : 0;
        ::close(fd);
        ASSERT_EQ(rc, 0) << "fallocate " << size;
        ASSERT_LE(mount->free_bytes(), free);
    }

    std::string disk = dir / "disk";
    std::string out = disk + "/out";
    std::string cube = out + "/riskmap.nc";
    std::string filler = disk + "/filler";
    std::unique_ptr<TmpfsMount> mount;
    Snapshot before, after;
};

} // namespace

TEST_F(FullDisk, RunningOutOfSpaceAnywhereLeavesThePreviousOutputsAndTheCube) {
    run_two_quarters();
    const long long needed = space_needed(before, after);
    const auto q2_rate = io::cube_read_layer(cube, "2025Q2", "stunting_rate", grid);
    std::set<std::string> kinds;
    for (int level = 0; level < kFillLevels; ++level) {
        const long long free = needed * level / kFillLevels / kPage * kPage;
        SCOPED_TRACE("free space " + std::to_string(free) + " of " + std::to_string(needed));
        restore(out, before);
        leave_free(free);
        const auto r = run({"--inputs.period", "2025Q3"});
        EXPECT_EQ(r.exit_code, kExitRuntime) << r.output;
        EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("cannot write"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("'" + out + "/"), std::string::npos) << r.output;
        kinds.insert(failed_file_kind(r.output));
        // Byte for byte as before: no new, changed, staged or temporary file anywhere.
        EXPECT_EQ(differences(before, snapshot(out)), std::vector<std::string>{});
        EXPECT_EQ(io::cube_periods(cube), std::vector<std::string>{"2025Q2"});
        const auto rate = io::cube_read_layer(cube, "2025Q2", "stunting_rate", grid);
        EXPECT_EQ(0, std::memcmp(rate.data(), q2_rate.data(), rate.size() * sizeof(float)));
        std::filesystem::remove(filler);
    }
    std::cout << "FullDisk: " << kFillLevels << " fill levels below " << needed
              << " bytes; the run ran out of space writing a";
    for (const auto& kind : kinds)
        std::cout << " ." << kind;
    std::cout << "\n";
    // The levels reached GDAL's GeoTIFF writer, SQLite (GeoPackage) and HDF5 (the cube).
    for (const char* kind : {"tif", "gpkg", "nc"})
        EXPECT_TRUE(kinds.count(kind)) << "no failure while writing a ." << kind;
    // With space again, the same run writes what an undisturbed run wrote.
    const auto r = run({"--inputs.period", "2025Q3"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(differences(after, snapshot(out)), std::vector<std::string>{});
}
