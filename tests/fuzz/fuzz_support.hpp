#pragma once
/// \file
/// The readers under test take files, as riskmap does; each input goes to a per-process file
/// in /dev/shm (memory, so the fuzzer keeps its pace).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace riskmap::fuzz {

inline std::string input_file(const std::uint8_t* data, std::size_t size, const char* suffix) {
    const std::string path = "/dev/shm/riskmap-fuzz-" + std::to_string(::getpid()) + suffix;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

} // namespace riskmap::fuzz
