// The calculator in the book's pages: one function, compiled to WebAssembly, that takes a
// network description as the command-line calculator reads it and gives back what the
// calculator prints and what it writes with --json, from the same library code.
//
//     const calculator = await createBackpropCalculator();
//     const result = JSON.parse(calculator.calculate(description, "article.json", 8));
//     result.text    the step as `backprop_calculator FILE` prints it
//     result.step    the step as `backprop_calculator FILE --json` writes it
//     result.error   instead of both, the message the calculator gives for a bad description

#include <emscripten/bind.h>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backprop/calculator/network_description.hpp"
#include "backprop/calculator/step_report.hpp"
#include "backprop/calculator/step_trace.hpp"

namespace {

using namespace backprop;

/// One step of the network \p description (JSON text) named \p source, as a JSON object
/// holding the text (with \p decimals decimals) and the values, or the error.
std::string calculate(const std::string& description, const std::string& source, int decimals) {
    nlohmann::json result;
    try {
        if (decimals < 1 || decimals > 15)
            throw DescriptionError("decimals must be between 1 and 15, not " +
                                   std::to_string(decimals));
        const NetworkDescription network = parse_network_description(description, source);
        const StepTrace trace = trace_step(network);
        const std::vector<NamedValue> values = named_values(network, trace);
        const std::vector<HandCheck> checks = check_hand_values(values, network.check);

        std::ostringstream text;
        std::string about = source;
        if (!network.description.empty()) about += ": " + network.description;
        print_step(text, about, network, trace, values, checks, decimals);
        result["text"] = text.str();
        result["step"] = step_json(source, network, trace, values, checks);
    } catch (const std::exception& error) {
        result = {{"error", std::string("backprop_calculator: error: ") + error.what()}};
    }
    return result.dump();
}

}  // namespace

EMSCRIPTEN_BINDINGS(backprop_calculator) {
    emscripten::function("calculate", &calculate);
}
