/// \file
/// \brief The command line every chapter program shares.
///
/// Every program accepts `--help` (prints usage, exits 0) and `--json`. A usage error, an
/// unknown option or a malformed number, prints one line naming the problem, then the
/// usage, to stderr and exits 2. Any other failure prints one line and exits 1.
#pragma once

#include <functional>
#include <optional>

#include <CLI/CLI.hpp>

namespace backprop {

/// Exit status for a usage error (unknown option, malformed number).
inline constexpr int exit_usage = 2;

/// Adds the `--json` flag every chapter accepts.
void add_json_flag(CLI::App& app, bool& json);

/// A CLI11 validator that accepts finite numbers greater than zero.
extern const CLI::Validator positive_finite;

/// Parses the command line. Returns the exit status if the program should stop now
/// (0 after `--help`, exit_usage after an error, both already reported), or nothing.
std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv);

/// Runs \p body, the rest of a program's `main`. An exception that escapes it is reported
/// as one line, `program: error: what`, and gives exit status 1.
int run_reporting_errors(const CLI::App& app, const std::function<int()>& body);

}  // namespace backprop
