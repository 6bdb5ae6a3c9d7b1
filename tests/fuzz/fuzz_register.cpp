// Child-register aggregation: any CSV gives per-area counts (stunted <= measured, one count
// per kept measurement) and rejects with reasons, or an InputError; never a crash or a hang.

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/csv.hpp"
#include "pipelines/child_register.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string header = "kode_desa,tanggal,id,umur,haz,status\n";
    std::string text = header;
    text.append(reinterpret_cast<const char*>(data), size);
    const std::string path = riskmap::fuzz::input_file(
        reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), ".csv");
    try {
        riskmap::io::CsvReader csv(path);
        std::vector<riskmap::RegisterReject> rejects;
        riskmap::RegisterSummary summary;
        auto counts = riskmap::aggregate_register(
            csv, {"kode_desa", "tanggal", "id", "haz", "status", "umur", "stunted", "measured"},
            riskmap::AreaUnit::Village, rejects, summary);
        if (summary.used + summary.repeated + summary.rejected != summary.rows)
            __builtin_trap();
        riskmap::io::CsvRow row;
        std::size_t measured = 0;
        while (counts->next(row)) {
            const long stunted = std::stol(row.fields[2]), total = std::stol(row.fields[3]);
            if (stunted < 0 || stunted > total || total <= 0)
                __builtin_trap();
            measured += static_cast<std::size_t>(total);
        }
        if (measured != summary.used)
            __builtin_trap();
        for (const auto& r : rejects)
            if (r.reason.empty())
                __builtin_trap();
    } catch (const riskmap::InputError&) {
    }
    return 0;
}
