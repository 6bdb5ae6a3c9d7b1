// INI config reader: any bytes give settings or a UsageError, never a crash, hang or leak.

#include "cli/run_options.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = riskmap::fuzz::input_file(data, size, ".ini");
    try {
        const auto request = riskmap::cli::parse_run_options({"--config", path});
        (void)riskmap::cli::dump_config(request.config);
    } catch (const riskmap::UsageError&) {
    } catch (const riskmap::InputError&) {
    }
    return 0;
}
