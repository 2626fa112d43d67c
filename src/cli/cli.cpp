#include "backprop/cli/cli.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

namespace backprop {

void JsonOutput::add_options(CLI::App& app) {
    app.add_flag("--json", to_stdout_, "Print every value as one JSON object instead of text");
    app.add_option("--json-file", path_, "Also write every value as JSON to this file");
}

bool JsonOutput::emit(const nlohmann::json& values) const {
    if (!path_.empty()) {
        std::ofstream file(path_);
        file << values.dump(2) << '\n';
        if (!file.flush()) throw std::runtime_error("cannot write " + path_);
    }
    if (to_stdout_) std::cout << values.dump(2) << '\n';
    return to_stdout_;
}

const CLI::Validator positive_finite(
    [](std::string& text) -> std::string {
        try {
            std::size_t used = 0;
            const double value = std::stod(text, &used);
            if (used == text.size() && std::isfinite(value) && value > 0) return {};
        } catch (const std::exception&) {
        }
        return "'" + text + "' is not a finite number greater than 0";
    },
    "POSITIVE");

const CLI::Validator non_negative_integer(
    [](std::string& text) -> std::string {
        const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        if (digits) return {};
        return "'" + text + "' is not a whole number from 0 up";
    },
    "NON-NEGATIVE");

std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv) {
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

int run_reporting_errors(const CLI::App& app, const std::function<int()>& body) {
    try {
        return body();
    } catch (const std::exception& error) {
        std::cerr << app.get_name() << ": error: " << error.what() << '\n';
        return 1;
    }
}

Program::Program(const std::string& description, const std::string& name) : app(description, name) {
    json.add_options(app);
}

int Program::run(int argc, const char* const* argv, const std::function<int()>& body) {
    if (auto exit_status = parse_command_line(app, argc, argv)) return *exit_status;
    return run_reporting_errors(app, body);
}

CLI::Option* add_epochs_option(CLI::App& app, std::size_t& epochs, const std::string& description,
                               std::size_t smallest) {
    return app.add_option("--epochs", epochs, description)
        ->check(CLI::Range(smallest, std::size_t{10'000}))
        ->capture_default_str();
}

CLI::Option* add_batch_option(CLI::App& app, std::size_t& batch, std::size_t smallest) {
    return app.add_option("--batch", batch, "Mini-batch size")
        ->check(CLI::Range(smallest, std::size_t{65'536}))
        ->capture_default_str();
}

CLI::Option* add_learning_rate_option(CLI::App& app, double& learning_rate,
                                      const std::string& description) {
    return app.add_option("--lr", learning_rate, description)
        ->check(positive_finite)
        ->capture_default_str();
}

}  // namespace backprop
