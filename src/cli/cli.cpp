#include "backprop/cli/cli.hpp"

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

}  // namespace backprop
