#pragma once
/// \file
/// Command-line parsing shared by the riskmap commands.

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace riskmap::cli {

/// Parses a command's flags with no prefix guessing, so a mistyped flag is an error rather
/// than another flag; errors become UsageError pointing at `riskmap COMMAND --help`.
boost::program_options::variables_map
parse_flags(const std::vector<std::string>& args,
            const boost::program_options::options_description& desc,
            const boost::program_options::positional_options_description& positional,
            const std::string& command);

} // namespace riskmap::cli
