/// \file
/// \brief The command line every chapter program shares.
///
/// Every program accepts `--help` (prints usage, exits 0) and `--json`. A usage error, an
/// unknown option or a malformed number, prints one line naming the problem, then the
/// usage, to stderr and exits 2. Any other failure prints one line and exits 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

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

// Validators. Each refuses what would otherwise be accepted and mean nothing: a sign on an
// unsigned number (which would wrap around), NaN (which passes every comparison), an empty
// item in a list. Each message names the text and the range it must lie in.

/// A CLI11 validator: finite numbers greater than zero (subnormal ones included).
extern const CLI::Validator positive_finite;
/// A CLI11 validator: whole numbers from \p smallest to \p largest, written with digits only.
CLI::Validator whole_number(std::uintmax_t smallest, std::uintmax_t largest);
/// A CLI11 validator: finite numbers from \p smallest to \p largest.
CLI::Validator finite_number(double smallest, double largest);

/// A usage error found after the command line was parsed (a destination that cannot be
/// written, a network that cannot fit): reported like a malformed option, with exit status 2.
class UsageError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// Splits the texts of a list option at commas and checks each item with \p item, and that
/// there are \p fewest to \p most of them. An empty item (`256,,128`, `256,`) is an error,
/// never dropped.
/// \throws CLI::ValidationError naming \p option and the item.
std::vector<std::string> list_items(const std::string& option, const CLI::results_t& texts,
                                    const CLI::Validator& item, std::size_t fewest,
                                    std::size_t most);

/// `--NAME a,b,c` (or `--NAME a b c`): a list of \p fewest to \p most items, each checked by
/// \p item, then converted. Help shows the list's current contents as the default.
template <class T>
CLI::Option* add_list_option(CLI::App& app, const std::string& name, std::vector<T>& values,
                             const std::string& description, const CLI::Validator& item,
                             std::size_t fewest = 1, std::size_t most = 1'000) {
    std::string defaults;
    for (const T& value : values) {
        if (!defaults.empty()) defaults += ',';
        defaults += CLI::detail::to_string(value);
    }
    return app
        .add_option(
            name,
            [&values, name, item, fewest, most](const CLI::results_t& texts) {
                const std::vector<std::string> items = list_items(name, texts, item, fewest, most);
                std::vector<T> parsed;
                for (const std::string& text : items) {
                    T value{};
                    if (!CLI::detail::lexical_cast(text, value))
                        throw CLI::ConversionError(name, "'" + text + "' is not a valid item");
                    parsed.push_back(value);
                }
                values = std::move(parsed);
                return true;
            },
            description)
        ->type_name("LIST")
        ->expected(1, CLI::detail::expected_max_vector_size)
        ->default_str(defaults);
}

/// A CLI11 validator from a \p check that throws std::exception: its `what()` is the
/// validator's message (`--save`: model_file.hpp's check_model_destination()).
CLI::Validator validator_from(const std::function<void(const std::filesystem::path&)>& check);

/// A CLI11 validator for a file the program will write: check_destination() (files.hpp)
/// now, before the work that produces it.
CLI::Validator writable_destination();

/// Parses the command line. Returns the exit status if the program should stop now
/// (0 after `--help`, exit_usage after an error, both already reported), or nothing.
std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv);

/// Runs \p body, the rest of a program's `main`. An exception that escapes it is reported
/// as one line, `program: error: what`, and gives exit status 1; a UsageError gives 2. A
/// failed write to stdout (with `std::cout.exceptions(badbit)`) is reported with its reason.
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
/// `--momentum` (in [0, 0.999]) and `--weight-decay` (in [0, 1]), the two settings of Sgd
/// besides the learning rate.
void add_sgd_options(CLI::App& app, double& momentum, double& weight_decay);
/// `--data`, the folder of the IDX files (a training and a test split).
CLI::Option* add_data_option(CLI::App& app, std::string& data_dir);
/// `--train-samples`, to train on the first N training images only (0: all of them).
CLI::Option* add_train_samples_option(CLI::App& app, std::size_t& train_samples);
/// `--implementation`, the matrix-product engine of the Linear layers: one of those this
/// build has (available_products()).
CLI::Option* add_implementation_option(CLI::App& app, std::string& implementation);
/// `--precision`, what the network trains in: `float64` or `float32` (precision_named()).
CLI::Option* add_precision_option(CLI::App& app, std::string& precision);
/// `--threads`, how many threads the GEMM engines use (set_product_threads()), 1 to 1024.
CLI::Option* add_threads_option(CLI::App& app, int& threads);
/// `--seed`, a whole number from 0 to the largest \p seed holds (an unsigned integer, or an
/// optional one).
template <class Seed>
CLI::Option* add_seed_option(CLI::App& app, Seed& seed, const std::string& description) {
    using Value = decltype([] {
        if constexpr (std::is_integral_v<Seed>)
            return Seed{};
        else
            return typename Seed::value_type{};
    }());
    return app.add_option("--seed", seed, description)
        ->check(whole_number(0, std::numeric_limits<Value>::max()));
}

}  // namespace backprop
