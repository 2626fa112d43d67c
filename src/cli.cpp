#include "backprop/cli.hpp"

#include <cmath>
#include <exception>
#include <iostream>
#include <string>

namespace backprop {

void add_json_flag(CLI::App& app, bool& json) {
    app.add_flag("--json", json, "Print every value as one JSON object instead of text");
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
