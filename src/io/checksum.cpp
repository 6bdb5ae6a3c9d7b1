#include "io/checksum.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>

namespace riskmap::io {

namespace {
using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Context sha256_context() {
    Context ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    return ctx;
}

std::string hex_digest(EVP_MD_CTX* ctx) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx, digest.data(), &size);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}
} // namespace

std::string sha256_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("'" + path + "': cannot be read for its checksum");
    const Context ctx = sha256_context();
    std::array<char, 1 << 16> buf;
    while (in.read(buf.data(), buf.size()) || in.gcount() > 0)
        EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
    return hex_digest(ctx.get());
}

std::string sha256_text(const std::string& text) {
    const Context ctx = sha256_context();
    EVP_DigestUpdate(ctx.get(), text.data(), text.size());
    return hex_digest(ctx.get());
}

std::vector<std::pair<std::string, std::string>> dataset_checksums(const std::string& path) {
    init_gdal();
    std::vector<std::string> files;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_READONLY));
    if (ds) {
        char** list = ds->GetFileList();
        for (char** f = list; f && *f; ++f)
            files.emplace_back(*f);
        CSLDestroy(list);
    }
    if (files.empty())
        files.push_back(path);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : files)
        out.emplace_back(f, sha256_file(f));
    return out;
}

} // namespace riskmap::io
