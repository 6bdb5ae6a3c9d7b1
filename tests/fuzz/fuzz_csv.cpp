// Records CSV reader: any bytes give rows or an InputError naming the line, never a crash,
// a hang or a leak.

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = riskmap::fuzz::input_file(data, size, ".csv");
    try {
        riskmap::io::CsvReader csv(path);
        riskmap::io::CsvRow row;
        std::size_t last_line = 0;
        while (csv.next(row)) {
            // Rows come in file order with the header's field count.
            if (row.line <= last_line || row.fields.size() != csv.header().size())
                __builtin_trap();
            last_line = row.line;
        }
    } catch (const riskmap::InputError&) {
    }
    return 0;
}
