#include "io/cube_chunks.hpp"

#include "core/error.hpp"
#include "io/staged_output.hpp"

#include <fcntl.h>
#include <libdeflate.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

namespace riskmap::io {

namespace chunks {

namespace {
constexpr std::uint64_t kChunk = 256;
constexpr char kMagic[8] = {'R', 'M', 'C', 'H', 'U', 'N', 'K', '1'};

/// libdeflate compressors are reusable but not shareable: one per thread.
struct CompressorDeleter {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

libdeflate_compressor& thread_compressor() {
    thread_local std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor(
        libdeflate_alloc_compressor(kMapDeflateLevel));
    if (!compressor)
        throw Error("cannot compress a cube chunk: out of memory");
    return *compressor;
}

/// One chunk of a strip as HDF5's filter pipeline would store it: padded to the full chunk
/// with the fill value (NaN), byte-shuffled (4 planes), then a zlib stream. Empty for a chunk
/// of NaN only (open sea on a national grid).
std::vector<unsigned char> encode_chunk(const std::vector<float>& strip, std::uint64_t width,
                                        std::uint64_t rows, std::uint64_t c0, ChunkShape shape) {
    const std::uint64_t cols = std::min(shape.cols, width - c0);
    std::vector<float> chunk(shape.values(), std::numeric_limits<float>::quiet_NaN());
    bool any = false;
    for (std::uint64_t r = 0; r < rows; ++r)
        for (std::uint64_t c = 0; c < cols; ++c) {
            const float v = strip[r * width + c0 + c];
            chunk[r * shape.cols + c] = v;
            any = any || !std::isnan(v);
        }
    if (!any)
        return {};
    std::vector<unsigned char> shuffled(chunk.size() * sizeof(float));
    const auto* bytes = reinterpret_cast<const unsigned char*>(chunk.data());
    for (std::uint64_t i = 0; i < chunk.size(); ++i)
        for (std::uint64_t k = 0; k < sizeof(float); ++k)
            shuffled[k * chunk.size() + i] = bytes[i * sizeof(float) + k];
    libdeflate_compressor& compressor = thread_compressor();
    std::vector<unsigned char> out(libdeflate_zlib_compress_bound(&compressor, shuffled.size()));
    const std::size_t size = libdeflate_zlib_compress(&compressor, shuffled.data(), shuffled.size(),
                                                      out.data(), out.size());
    if (size == 0) // cannot happen with the bound's room
        throw Error("cannot compress a cube chunk");
    out.resize(size);
    return out;
}

/// Rows of the grid in flight as one item: two chunk rows, so that a strip covers whole
/// 512-row blocks of the maps it is read from and no block is decoded twice.
constexpr std::uint64_t kChunkRowsPerStrip = 2;

/// A strip of one layer, its chunks encoded (row-major, empty for all-NaN chunks).
struct EncodedStrip : WorkItem {
    std::size_t layer = 0;
    std::uint64_t row = 0, rows = 0;
    std::vector<std::vector<unsigned char>> chunks;
};

void read_all(int fd, void* data, std::size_t size, std::uint64_t offset, const std::string& path) {
    auto* out = static_cast<unsigned char*>(data);
    while (size > 0) {
        const ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw Error("cannot read the cube's chunk file '" + path +
                        "': " + (n == 0 ? std::string("it ends early") : std::strerror(errno)));
        out += n, size -= std::size_t(n), offset += std::uint64_t(n);
    }
}

/// A finished chunk file, read by several threads at once (pread).
class ChunkFile {
public:
    ChunkFile(const std::string& path, std::uint64_t chunks) : path_(path) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0)
            throw Error("cannot open the cube's chunk file '" + path +
                        "': " + std::strerror(errno));
        try {
            read_index(chunks);
        } catch (...) {
            ::close(fd_);
            throw;
        }
    }
    ~ChunkFile() { ::close(fd_); }
    ChunkFile(const ChunkFile&) = delete;
    ChunkFile& operator=(const ChunkFile&) = delete;

    std::vector<unsigned char> read(std::uint64_t chunk) const {
        std::vector<unsigned char> bytes(index_.at(2 * chunk + 1));
        if (!bytes.empty())
            read_all(fd_, bytes.data(), bytes.size(), index_[2 * chunk], path_);
        return bytes;
    }

private:
    void read_index(std::uint64_t chunks) {
        const std::string& path = path_;
        const off_t end = ::lseek(fd_, 0, SEEK_END);
        std::uint64_t trailer[3] = {};
        if (end < off_t(sizeof trailer))
            throw Error("the cube's chunk file '" + path + "' is incomplete");
        read_all(fd_, trailer, sizeof trailer, std::uint64_t(end) - sizeof trailer, path);
        if (std::memcmp(&trailer[2], kMagic, sizeof kMagic) != 0 || trailer[0] != chunks)
            throw Error("the cube's chunk file '" + path + "' is incomplete or not this grid's");
        index_.resize(2 * chunks);
        read_all(fd_, index_.data(), index_.size() * sizeof(std::uint64_t), trailer[1], path);
    }

    std::string path_;
    int fd_ = -1;
    std::vector<std::uint64_t> index_; ///< offset, size per chunk
};

/// Writes a chunk file front to back; `finish` adds the index and trailer.
class ChunkFileWriter {
public:
    explicit ChunkFileWriter(std::string path) : path_(std::move(path)) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd_ < 0)
            fail();
    }
    ~ChunkFileWriter() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    ChunkFileWriter(const ChunkFileWriter&) = delete;
    ChunkFileWriter& operator=(const ChunkFileWriter&) = delete;

    void append(const std::vector<unsigned char>& bytes) {
        index_.push_back(size_);
        index_.push_back(bytes.size());
        write(bytes.data(), bytes.size());
    }
    void finish() {
        const std::uint64_t trailer[2] = {index_.size() / 2, size_};
        write(index_.data(), index_.size() * sizeof(std::uint64_t));
        write(trailer, sizeof trailer);
        write(kMagic, sizeof kMagic);
        if (::close(std::exchange(fd_, -1)) != 0)
            fail();
    }

private:
    void write(const void* data, std::size_t size) {
        const auto* in = static_cast<const unsigned char*>(data);
        while (size > 0) {
            const ssize_t n = ::write(fd_, in, size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0)
                errno = ENOSPC; // write(2) wrote nothing and said no why: a full device
            if (n <= 0)
                fail();
            in += n, size -= std::size_t(n), size_ += std::uint64_t(n);
        }
    }
    [[noreturn]] void fail() const {
        const std::string reason = std::strerror(errno);
        const std::string cause = write_failure_cause(path_);
        throw Error("cannot write the cube's chunk file '" + path_ + "'" +
                    (cause.empty() ? ": " + reason : cause));
    }

    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::vector<std::uint64_t> index_;
};
} // namespace

ChunkShape chunk_shape(const Grid& grid) {
    return {std::min(static_cast<std::uint64_t>(grid.height), kChunk),
            std::min(static_cast<std::uint64_t>(grid.width), kChunk)};
}

std::uint64_t chunks_across(const Grid& grid) {
    const ChunkShape shape = chunk_shape(grid);
    return (std::uint64_t(grid.width) + shape.cols - 1) / shape.cols;
}

std::uint64_t chunk_count(const Grid& grid) {
    const ChunkShape shape = chunk_shape(grid);
    return chunks_across(grid) * ((std::uint64_t(grid.height) + shape.rows - 1) / shape.rows);
}

void encode_layers(const Grid& grid, const std::vector<CubeLayer>& layers,
                   const OrderedRunner& runner, int in_flight, const ChunkSink& sink) {
    const auto w = static_cast<std::uint64_t>(grid.width);
    const auto h = static_cast<std::uint64_t>(grid.height);
    const ChunkShape shape = chunk_shape(grid);
    const std::uint64_t across = chunks_across(grid);
    const std::uint64_t strip_rows = kChunkRowsPerStrip * shape.rows;
    const std::size_t strips = (h + strip_rows - 1) / strip_rows;
    std::vector<std::unique_ptr<ChunkFile>> files(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (!layers[i].chunk_file.empty())
            files[i] = std::make_unique<ChunkFile>(layers[i].chunk_file, chunk_count(grid));
    // The strips of every layer travel through one ordered pipeline, so no layer waits for
    // the last strip of the one before.
    runner.run(
        strips * layers.size(), in_flight,
        [&](std::size_t i) {
            auto strip = std::make_unique<EncodedStrip>();
            strip->layer = i / strips;
            strip->row = (i % strips) * strip_rows;
            strip->rows = std::min(strip_rows, h - strip->row);
            return strip;
        },
        [&](WorkItem& work) {
            auto& strip = static_cast<EncodedStrip&>(work);
            const std::uint64_t first = strip.row / shape.rows * across;
            const std::uint64_t count = (strip.rows + shape.rows - 1) / shape.rows * across;
            if (const ChunkFile* file = files[strip.layer].get()) {
                for (std::uint64_t k = 0; k < count; ++k)
                    strip.chunks.push_back(file->read(first + k));
                return;
            }
            std::vector<float> values(strip.rows * w);
            const CubeLayer& layer = layers[strip.layer];
            if (layer.values)
                std::copy_n(layer.values->data() + strip.row * w, values.size(), values.data());
            else
                layer.read_rows(static_cast<int>(strip.row), static_cast<int>(strip.rows),
                                values.data());
            for (std::uint64_t r0 = 0; r0 < strip.rows; r0 += shape.rows) {
                const std::uint64_t rows = std::min(shape.rows, strip.rows - r0);
                const std::vector<float> part(values.begin() + std::ptrdiff_t(r0 * w),
                                              values.begin() + std::ptrdiff_t((r0 + rows) * w));
                for (std::uint64_t i = 0; i < across; ++i)
                    strip.chunks.push_back(encode_chunk(part, w, rows, i * shape.cols, shape));
            }
        },
        [&](WorkItem& work) {
            const auto& strip = static_cast<const EncodedStrip&>(work);
            const std::uint64_t first = strip.row / shape.rows * across;
            for (std::size_t k = 0; k < strip.chunks.size(); ++k)
                sink(strip.layer, first + k, strip.chunks[k]);
        });
}

} // namespace chunks

void cube_encode_layer(const Grid& grid, const CubeLayer& layer, const std::string& path,
                       int in_flight, const OrderedRunner& runner) {
    chunks::ChunkFileWriter file(path);
    // As many strips in flight as threads: writing a chunk file takes next to no time, and
    // maps are encoded side by side, each strip of a national grid being 113 MB.
    chunks::encode_layers(grid, {layer}, runner, std::max(1, in_flight),
                          [&](std::size_t, std::uint64_t, const std::vector<unsigned char>& bytes) {
                              file.append(bytes);
                          });
    file.finish();
}

} // namespace riskmap::io
