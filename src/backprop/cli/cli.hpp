/// \file
/// \brief The command line every chapter program shares.
///
/// Every program accepts `--help` (prints usage, exits 0) and `--json`. A usage error, an
/// unknown option or a malformed number, prints one line naming the problem, then the
/// usage, to stderr and exits 2. Any other failure prints one line and exits 1.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace backprop {

/// Exit status for a usage error (unknown option, malformed number).
inline constexpr int exit_usage = 2;

/// Where a chapter's JSON goes. Every chapter accepts `--json` (print one JSON object to
/// stdout instead of the text) and `--json-file PATH` (print the text, and write the same
/// run's JSON to PATH: the book uses it so that its prose and its output quote one run).
class JsonOutput {
  public:
    /// Adds `--json` and `--json-file` to \p app.
    void add_options(CLI::App& app);
    /// Writes \p values where the options say. Returns true if the text must not be printed
    /// (`--json`).
    /// \throws std::runtime_error if the file cannot be written.
    bool emit(const nlohmann::json& values) const;
    /// True with `--json`: the program prints JSON, not text.
    bool to_stdout() const { return to_stdout_; }

  private:
    bool to_stdout_ = false;
    std::string path_;
};

/// A CLI11 validator that accepts finite numbers greater than zero.
extern const CLI::Validator positive_finite;

/// Parses the command line. Returns the exit status if the program should stop now
/// (0 after `--help`, exit_usage after an error, both already reported), or nothing.
std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv);

/// Runs \p body, the rest of a program's `main`. An exception that escapes it is reported
/// as one line, `program: error: what`, and gives exit status 1.
int run_reporting_errors(const CLI::App& app, const std::function<int()>& body);

}  // namespace backprop
