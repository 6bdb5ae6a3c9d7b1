#include "io/report.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"

#include <cstdlib>
#include <filesystem>

namespace riskmap::io {

namespace fs = std::filesystem;

namespace {
std::string shell_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::optional<std::string> chromium() {
    for (const char* dir : {"/usr/bin", "/usr/local/bin"})
        for (const char* name : {"chromium", "chromium-browser"})
            if (const fs::path p = fs::path(dir) / name; fs::exists(p))
                return p.string();
    return std::nullopt;
}
} // namespace

std::optional<std::string> print_report_pdf(const std::string& html_path) {
    const auto browser = chromium();
    if (!browser)
        return std::nullopt;
    const fs::path page = fs::absolute(html_path);
    fs::path pdf = page;
    pdf.replace_extension(".pdf");
    const auto print = [&](const std::string& tmp) {
        // --no-sandbox: Chromium's sandbox refuses to run as root (CI, containers);
        // --disable-dev-shm-usage: containers often have a small /dev/shm.
        const std::string command = shell_quoted(*browser) +
                                    " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
                                    " --no-pdf-header-footer"
                                    " --print-to-pdf=" +
                                    shell_quoted(tmp) + " " +
                                    shell_quoted("file://" + page.string()) + " >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0 || !fs::exists(tmp) || fs::file_size(tmp) == 0)
            throw Error("Chromium could not print '" + page.string() + "' to PDF");
    };
    replace_file(pdf, print,
                 {"write", pdf.parent_path() / ("." + pdf.filename().string() + ".tmp")});
    return pdf.string();
}

} // namespace riskmap::io
