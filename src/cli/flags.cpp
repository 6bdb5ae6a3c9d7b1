#include "cli/flags.hpp"

#include "core/error.hpp"

namespace riskmap::cli {

namespace po = boost::program_options;

po::variables_map parse_flags(const std::vector<std::string>& args,
                              const po::options_description& desc,
                              const po::positional_options_description& positional,
                              const std::string& command) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args)
                      .options(desc)
                      .positional(positional)
                      .style(po::command_line_style::default_style &
                             ~po::command_line_style::allow_guessing)
                      .run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError("riskmap " + command + ": " + e.what() + "; see riskmap " + command +
                         " --help");
    }
    return vm;
}

} // namespace riskmap::cli
