#include "pipelines/checkpoints.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/band_stack.hpp"
#include "io/checksum.hpp"

#include <utility>

namespace riskmap {

namespace fs = std::filesystem;

namespace {
constexpr const char* kFolder = ".riskmap-resume";

std::string fingerprint(const JobState& s) {
    std::string text;
    // Not [run] threads, tile_size, work_memory: the tiles are the same bytes whatever they are.
    for (const auto& [key, value] : s.config.resolved)
        if (!key.starts_with("run."))
            text += key + "=" + value + "\n";
    for (const auto& [file, sum] : s.digests().checksums)
        text += file + ":" + sum + "\n";
    return io::sha256_text(text).substr(0, 24);
}
} // namespace

TileCheckpoints::TileCheckpoints(const JobState& state, bool resume)
    : dir_(fs::path(state.config.output_dir) / kFolder / fingerprint(state)), resume_(resume) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec)
        throw Error("cannot create '" + dir_.string() + "': " + ec.message());
}

fs::path TileCheckpoints::file_of(const Rect& c) const {
    return dir_ / ("tile-" + std::to_string(c.x0) + "-" + std::to_string(c.y0) + "-" +
                   std::to_string(c.width) + "-" + std::to_string(c.height) + ".tif");
}

bool TileCheckpoints::has(const Rect& core) const {
    return resume_ && fs::exists(file_of(core));
}

std::vector<Layer<float>> TileCheckpoints::load(const Rect& core, std::size_t bands,
                                                const std::vector<bool>& wanted) const {
    const std::string path = file_of(core).string();
    auto layers = io::read_band_stack(path, core.width, core.height, bands, wanted);
    if (!layers)
        throw Error("checkpoint '" + path + "' is not a tile of this run; delete the folder '" +
                    dir_.string() + "' and run again");
    return std::move(*layers);
}

void TileCheckpoints::save(const Rect& core, const std::vector<const Layer<float>*>& layers) const {
    io::replace_file(
        file_of(core),
        [&](const std::string& part) { io::write_band_stack(part, layers, "checkpoint"); },
        {"keep checkpoint"});
}

void TileCheckpoints::discard_all(const std::string& output_dir) {
    std::error_code ec;
    fs::remove_all(fs::path(output_dir) / kFolder, ec);
}

} // namespace riskmap
