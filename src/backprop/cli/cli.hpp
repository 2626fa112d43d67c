/// \file
/// \brief The command line every chapter program shares.
///
/// Every program accepts `--help` (prints usage, exits 0) and `--json`. A usage error, an
/// unknown option or a malformed number, prints one line naming the problem, then the
/// usage, to stderr and exits 2. Any other failure prints one line and exits 1.
#pragma once

#include <cstddef>
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
/// A CLI11 validator that accepts whole numbers written with digits only: no sign, so that a
/// negative number is refused rather than wrapped around by an unsigned option.
extern const CLI::Validator non_negative_integer;

/// Parses the command line. Returns the exit status if the program should stop now
/// (0 after `--help`, exit_usage after an error, both already reported), or nothing.
std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv);

/// Runs \p body, the rest of a program's `main`. An exception that escapes it is reported
/// as one line, `program: error: what`, and gives exit status 1.
int run_reporting_errors(const CLI::App& app, const std::function<int()>& body);

/// What every program's `main` shares, so that it can read like its chapter:
///
///     int main(int argc, char** argv) {
///         Program program{"Chapter 2: the forward pass ...", "ch02_forward"};
///         program.app.add_option(...);  // the chapter's own options
///         return program.run(argc, argv, [&] {
///             ...                       // the chapter
///             if (program.json.emit({...})) return 0;
///             ...                       // its text
///         });
///     }
class Program {
  public:
    /// A program called \p name, described by \p description in its `--help`, with `--json`
    /// and `--json-file`.
    Program(const std::string& description, const std::string& name);
    Program(const Program&) = delete;             ///< the options point into it
    Program& operator=(const Program&) = delete;  ///< the options point into it

    /// Parses the command line (parse_command_line), then runs \p body reporting its errors
    /// (run_reporting_errors). Returns the program's exit status.
    int run(int argc, const char* const* argv, const std::function<int()>& body);

    CLI::App app;     ///< the command line
    JsonOutput json;  ///< where the JSON goes
};

// The options the training programs share, each declared once, with one set of limits. A
// negative number is refused, never wrapped around.

/// `--epochs`, from \p smallest (0: evaluate only) to 10 000.
CLI::Option* add_epochs_option(CLI::App& app, std::size_t& epochs,
                               const std::string& description = "Training epochs",
                               std::size_t smallest = 0);
/// `--batch`, from \p smallest (1 unless a layer needs more samples) to 65 536.
CLI::Option* add_batch_option(CLI::App& app, std::size_t& batch, std::size_t smallest = 1);
/// `--lr`, a finite number greater than 0.
CLI::Option* add_learning_rate_option(CLI::App& app, double& learning_rate,
                                      const std::string& description = "Learning rate");
/// `--seed`, a non-negative integer that fits \p seed (an unsigned integer, or an optional one).
template <class Seed>
CLI::Option* add_seed_option(CLI::App& app, Seed& seed, const std::string& description) {
    return app.add_option("--seed", seed, description)->check(non_negative_integer);
}

}  // namespace backprop
