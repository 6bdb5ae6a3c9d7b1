// The bytes of every file that `riskmap synth` and `riskmap run` write for the district, the
// province and the national preset (at scale 0.05), against digests recorded in
// tests/reference/bytes/ (issue 15): a change of layout, of threading or of an io helper must
// not change one byte of what planners and GIS tools receive. A change that is meant to change
// outputs records new digests with scripts/record_bytes.sh and says why in its commit. Built in
// the release build only (tests/CMakeLists.txt says why).

#include "support/fault_support.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

using namespace riskmap::test;

namespace {

namespace fs = std::filesystem;

/// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// A file's bytes as they would be anywhere: the test's own folder and the source tree's path
/// (both appear in run.json and the config that synth writes) replaced by fixed words, and
/// run.json without its timings and resources (which differ between identical runs).
std::string portable(const std::string& name, std::string bytes, const std::string& root) {
    if (fs::path(name).filename() == "run.json")
        bytes = without_timings(bytes);
    return replaced(replaced(bytes, root, "ROOT"), RISKMAP_SOURCE_DIR, "SOURCE");
}

/// "sha256  folder/name" lines, sorted by name, of every file under root/folder.
std::string digests(const std::string& root, const std::vector<std::string>& folders) {
    const std::string scratch = root + "/portable";
    std::string list;
    for (const std::string& folder : folders)
        for (const auto& [name, bytes] : snapshot(root + "/" + folder)) {
            const fs::path copy = fs::path(scratch) / folder / name;
            fs::create_directories(copy.parent_path());
            write_text(copy.string(), portable(name, bytes, root));
            list += " '" + folder + "/" + name + "'";
        }
    const CommandResult sums = run_command("cd '" + scratch + "' && sha256sum" + list);
    fs::remove_all(scratch);
    EXPECT_EQ(sums.exit_code, 0) << sums.output;
    return sums.output;
}

/// The recorded digests' file names that differ from `actual` (one line per file).
std::string changed_files(const std::string& recorded, const std::string& actual) {
    auto by_name = [](const std::string& text) {
        std::map<std::string, std::string> out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);)
            if (line.size() > 66)
                out[line.substr(66)] = line.substr(0, 64);
        return out;
    };
    const auto want = by_name(recorded), got = by_name(actual);
    std::string out;
    for (const auto& [name, sum] : want)
        if (!got.count(name) || got.at(name) != sum)
            out += "  " + name + (got.count(name) ? " (other bytes)\n" : " (missing)\n");
    for (const auto& [name, sum] : got)
        if (!want.count(name))
            out += "  " + name + " (extra)\n";
    return out;
}

/// Synth and run in a fresh folder, then the digests of data/ and out/ against the record
/// `case_name` (or, under RISKMAP_RECORD_BYTES=1, recorded anew).
void expect_recorded_bytes(const std::string& case_name, const std::vector<std::string>& synth,
                           const std::function<std::vector<std::string>(std::string)>& run) {
    TempDir dir;
    const std::string data = dir / "data", out = dir / "out";
    std::vector<std::string> synth_args = synth;
    synth_args.insert(synth_args.end(), {"--out", data});
    const CommandResult made = run_riskmap(synth_args);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    std::vector<std::string> run_args = run(data);
    run_args.insert(run_args.end(), {"--output.dir", out, "--quiet"});
    const CommandResult ran = run_riskmap(run_args);
    ASSERT_EQ(ran.exit_code, 0) << ran.output;

    const std::string actual = digests(dir.path().string(), {"data", "out"});
    const std::string record =
        std::string(RISKMAP_SOURCE_DIR) + "/tests/reference/bytes/" + case_name + ".sha256";
    if (const char* again = std::getenv("RISKMAP_RECORD_BYTES");
        again && std::string(again) == "1") {
        write_text(record, actual);
        std::cout << "recorded " << record << "\n";
        return;
    }
    const std::string recorded = read_text(record);
    EXPECT_EQ(changed_files(recorded, actual), "")
        << "outputs differ from " << record
        << " (if meant, record them again with scripts/record_bytes.sh)";
}

/// synth_run_args on the committed config, without its --output.dir (added by the caller).
std::vector<std::string> committed_config(const std::string& config, const std::string& data) {
    std::vector<std::string> a = synth_run_args(config, data, "");
    a.resize(a.size() - 2);
    return a;
}

TEST(RecordedBytes, Tiny) {
    expect_recorded_bytes("tiny", {"synth", "--preset", "tiny"}, [](const std::string& data) {
        return committed_config("district.ini", data);
    });
}

TEST(RecordedBytes, District) {
    expect_recorded_bytes(
        "district", {"synth", "--preset", "district", "--quarters", "4"},
        [](const std::string& data) { return committed_config("district.ini", data); });
}

TEST(RecordedBytes, Province) {
    expect_recorded_bytes(
        "province", {"synth", "--preset", "province"},
        [](const std::string& data) { return committed_config("district.ini", data); });
}

TEST(RecordedBytes, NationalAtScale005) {
    expect_recorded_bytes(
        "national-0.05", {"synth", "--preset", "national", "--scale", "0.05"},
        [](const std::string& data) {
            return std::vector<std::string>{"run", "--config", data + "/national.ini"};
        });
}

} // namespace
