#include "backprop/cli/cli.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "backprop/core/products.hpp"
#include "backprop/data/files.hpp"

namespace backprop {

namespace {

/// \p text as a double if all of it is one number: as CLI11 will read it (strtod), so that
/// a subnormal number such as 1e-320 is the number it is, and one too large is infinite.
std::optional<double> parse_double(const std::string& text) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
    char* stop = nullptr;
    const double value = std::strtod(text.c_str(), &stop);
    if (stop != text.c_str() + text.size()) return std::nullopt;
    return value;
}

/// Numbers in messages: never hundreds of digits (`1.7976931348623157e+308`).
std::string shortest(double v) {
    return fmt::format("{}", v);
}

/// Every option that takes a value refuses an empty one (`--save ''`), which would otherwise
/// read as "not given".
const CLI::Validator not_empty(
    [](std::string& text) -> std::string {
        return text.empty() ? "the value is empty" : std::string{};
    },
    "");

}  // namespace

void JsonOutput::add_options(CLI::App& app) {
    app.add_flag("--json", to_stdout_, "Print every value as one JSON object instead of text");
    app.add_option("--json-file", path_, "Also write every value as JSON to this file")
        ->check(writable_destination());
}

bool JsonOutput::emit(const nlohmann::json& values) const {
    if (!path_.empty()) write_file(path_, values.dump(2) + '\n');
    if (to_stdout_) std::cout << values.dump(2) << '\n';
    return to_stdout_;
}

const CLI::Validator positive_finite(
    [](std::string& text) -> std::string {
        const std::optional<double> value = parse_double(text);
        if (value && std::isfinite(*value) && *value > 0) return {};
        return "'" + text + "' is not a finite number greater than 0";
    },
    "POSITIVE");

CLI::Validator whole_number(std::uintmax_t smallest, std::uintmax_t largest) {
    const std::string range = fmt::format("from {} to {}", smallest, largest);
    return CLI::Validator(
        [smallest, largest, range](std::string& text) -> std::string {
            std::uintmax_t value = 0;
            const char* end = text.data() + text.size();
            const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
                return c >= '0' && c <= '9';
            });
            const auto [stop, error] = std::from_chars(text.data(), end, value);
            if (digits && error == std::errc{} && stop == end && value >= smallest &&
                value <= largest)
                return {};
            return "'" + text + "' is not a whole number " + range;
        },
        "INTEGER in [" + std::to_string(smallest) + ", " + std::to_string(largest) + "]");
}

CLI::Validator finite_number(double smallest, double largest) {
    const std::string range = "from " + shortest(smallest) + " to " + shortest(largest);
    return CLI::Validator(
        [smallest, largest, range](std::string& text) -> std::string {
            const std::optional<double> value = parse_double(text);
            if (value && std::isfinite(*value) && *value >= smallest && *value <= largest)
                return {};
            return "'" + text + "' is not a finite number " + range;
        },
        "NUMBER in [" + shortest(smallest) + ", " + shortest(largest) + "]");
}

std::vector<std::string> list_items(const std::string& option, const CLI::results_t& texts,
                                    const CLI::Validator& item, std::size_t fewest,
                                    std::size_t most) {
    std::vector<std::string> items;
    for (const std::string& text : texts) {
        std::size_t start = 0;
        for (;;) {
            const std::size_t comma = std::min(text.find(',', start), text.size());
            std::string piece = text.substr(start, comma - start);
            if (piece.empty())
                throw CLI::ValidationError(option, "'" + text + "' has an empty item");
            if (std::string why = item(piece); !why.empty())
                throw CLI::ValidationError(option, why);
            items.push_back(std::move(piece));
            if (comma == text.size()) break;
            start = comma + 1;
        }
    }
    if (items.size() < fewest || items.size() > most)
        throw CLI::ValidationError(
            option, fmt::format("takes {} to {} items, not {}", fewest, most, items.size()));
    return items;
}

CLI::Validator validator_from(const std::function<void(const std::filesystem::path&)>& check) {
    return CLI::Validator(
        [check](std::string& path) -> std::string {
            try {
                check(path);
                return {};
            } catch (const std::exception& error) {
                return error.what();
            }
        },
        "PATH");
}

CLI::Validator writable_destination() {
    // CLI11 puts the option's name before the message.
    return validator_from([](const std::filesystem::path& path) { check_destination(path, ""); });
}

std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv) {
    for (CLI::Option* option : app.get_options())
        if (option->get_expected_min() > 0) option->check(not_empty);
    try {
        app.parse(argc, argv);
        return std::nullopt;
    } catch (const CLI::Success&) {  // --help
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError& error) {
        std::cerr << app.get_name() << ": error: " << error.what() << "\n\n" << app.help();
        return exit_usage;
    }
}

namespace {

/// Reports the exception in flight (a "Lippincott function"), given \p cause, the errno of
/// the moment it was caught. Returns the exit status.
int report_current_exception(const CLI::App& app, int cause) {
    const std::string& program = app.get_name();
    try {
        // Called only from a catch block (run_reporting_errors), so there is one to rethrow.
        // cppcheck-suppress rethrowNoCurrentException
        throw;
    } catch (const std::ios_base::failure& error) {
        if (std::cout.bad())
            std::cerr << program << ": error: cannot write standard output: " << errno_text(cause)
                      << '\n';
        else
            std::cerr << program << ": error: " << error.what() << '\n';
        return 1;
    } catch (const UsageError& error) {
        std::cerr << program << ": error: " << error.what() << "\n(see --help)\n";
        return exit_usage;
    } catch (const std::bad_alloc&) {
        std::cerr << program
                  << ": error: out of memory (the sizes asked for need more than this machine "
                     "can give)\n";
        return 1;
    } catch (const std::exception& error) {
        std::cerr << program << ": error: " << error.what() << '\n';
        return 1;
    }
}

}  // namespace

int run_reporting_errors(const CLI::App& app, const std::function<int()>& body) {
    try {
        return body();
    } catch (...) {
        const int cause = errno;  // a failed write's, before anything else can change it
        // Writing the message to stderr flushes stdout (they are tied): it must not throw.
        std::cout.exceptions(std::ios_base::goodbit);
        return report_current_exception(app, cause);
    }
}

Program::Program(const std::string& description, const std::string& name) : app(description, name) {
    json.add_options(app);
}

int Program::run(int argc, const char* const* argv, const std::function<int()>& body) {
    if (auto exit_status = parse_command_line(app, argc, argv)) return *exit_status;
    // What a program writes to stdout must arrive: a full disk (`> /dev/full`) stops it at
    // the first write that fails, with the system's reason and exit status 1. (A closed pipe,
    // `| head -1`, ends it by SIGPIPE first, quietly, as it does any filter.)
    std::cout.exceptions(std::ios_base::badbit);
    const int exit_status = run_reporting_errors(app, [&] {
        const int status = body();
        std::cout.flush();  // the last of it
        return status;
    });
    std::cout.exceptions(std::ios_base::goodbit);
    return exit_status;
}

CLI::Option* add_epochs_option(CLI::App& app, std::size_t& epochs, const std::string& description,
                               std::size_t smallest) {
    return app.add_option("--epochs", epochs, description)
        ->check(whole_number(smallest, 10'000))
        ->capture_default_str();
}

CLI::Option* add_batch_option(CLI::App& app, std::size_t& batch, std::size_t smallest) {
    return app.add_option("--batch", batch, "Mini-batch size")
        ->check(whole_number(smallest, 65'536))
        ->capture_default_str();
}

void add_sgd_options(CLI::App& app, double& momentum, double& weight_decay) {
    app.add_option("--momentum", momentum, "Momentum, in [0, 1)")
        ->check(finite_number(0.0, 0.999))
        ->capture_default_str();
    app.add_option("--weight-decay", weight_decay, "Weight decay (L2), 0 for none")
        ->check(finite_number(0.0, 1.0))
        ->capture_default_str();
}

CLI::Option* add_data_option(CLI::App& app, std::string& data_dir) {
    return app.add_option("--data", data_dir, "Directory with the IDX files (train-*, t10k-*)")
        ->capture_default_str();
}

CLI::Option* add_train_samples_option(CLI::App& app, std::size_t& train_samples) {
    return app
        .add_option("--train-samples", train_samples,
                    "Train on only the first N training images (0: all)")
        ->check(whole_number(0, 100'000'000))
        ->capture_default_str();
}

CLI::Option* add_implementation_option(CLI::App& app, std::string& implementation) {
    std::vector<std::string> implementations;
    for (const Products& engine : available_products())
        implementations.emplace_back(engine.name);
    return app
        .add_option("--implementation", implementation,
                    "Matrix-product engine of the Linear layers (chapter 8)")
        ->check(CLI::IsMember(implementations))
        ->capture_default_str();
}

CLI::Option* add_precision_option(CLI::App& app, std::string& precision) {
    return app
        .add_option("--precision", precision,
                    "Numbers the network trains in: float64 (double) or float32 (float)")
        ->check(CLI::IsMember({"float64", "float32"}))
        ->capture_default_str();
}

CLI::Option* add_threads_option(CLI::App& app, int& threads) {
    return app
        .add_option("--threads", threads,
                    "Threads of the OpenBLAS and Eigen engines (1, the benchmarks' setting, "
                    "by default)")
        ->check(whole_number(1, 1024))
        ->capture_default_str();
}

CLI::Option* add_learning_rate_option(CLI::App& app, double& learning_rate,
                                      const std::string& description) {
    return app.add_option("--lr", learning_rate, description)
        ->check(positive_finite)
        ->capture_default_str();
}

}  // namespace backprop
