#include "backprop/calculator/step_report.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

#include <fmt/format.h>

#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"

namespace backprop {
namespace {

// A value as its JSON form writes it.
nlohmann::json to_json(const NamedValue& value) {
    switch (value.form) {
        case ValueForm::number:
            return value.value(0, 0);
        case ValueForm::samples:
        case ValueForm::matrix:
        case ValueForm::vector:
            return value.flat() ? json_vector(value.value) : json_matrix(value.value);
    }
    return nullptr;
}

std::string section_title(Stage stage, double learning_rate) {
    switch (stage) {
        case Stage::given:
            return "Given";
        case Stage::forward:
            return "Forward pass";
        case Stage::loss:
            return "Loss";
        case Stage::backward:
            return "Backward pass: error signals, from the output back";
        case Stage::gradient:
            return "Gradients";
        case Stage::update:
            return fmt::format("One step of gradient descent, α = {}", learning_rate);
    }
    return "";
}

std::string verdict(const HandCheck& check) {
    return check.ok() ? "correct at the digits given" : "wrong";
}

std::string loss_type(LossFormula loss) {
    switch (loss) {
        case LossFormula::mse:
            return "mse";
        case LossFormula::binary_cross_entropy:
            return "binary_cross_entropy";
        case LossFormula::categorical_cross_entropy:
            return "categorical_cross_entropy";
    }
    return "";
}

// Facts about this step that a learner comparing numbers needs to know.
std::vector<std::string> notes(const NetworkDescription& network, const StepTrace& trace) {
    std::vector<std::string> lines;
    const std::size_t B = network.batch_size();
    if (B > 1)
        lines.push_back(fmt::format(
            "batch of {} samples (one per row): J and every gradient are means over the batch; "
            "dJ_dy and every delta hold each sample's own value divided by {}",
            B, B));
    std::string without_b;
    for (std::size_t l = 0; l < network.layers.size(); ++l)
        if (!network.layers[l].bias_given)
            without_b += fmt::format("{}{}", without_b.empty() ? "" : ", ", l + 1);
    if (!without_b.empty())
        lines.push_back(fmt::format(
            "no b given for layer{} {}: those biases start at 0 and are updated like every other "
            "parameter (a network without biases just ignores dJ_db and b_new)",
            without_b.find(',') == std::string::npos ? "" : "s", without_b));
    for (std::size_t l = 0; l < network.layers.size(); ++l) {
        if (network.layers[l].activation != "relu") continue;
        const Matrix& z = trace.layers[l].z;
        if (std::find(z.data().begin(), z.data().end(), 0.0) != z.data().end())
            lines.push_back(fmt::format(
                "an entry of z{} is exactly 0, where relu has no derivative: it is taken as 0",
                l + 1));
    }
    return lines;
}

// \p text as lines of at most \p width characters, broken at spaces.
std::vector<std::string> wrapped(const std::string& text, std::size_t width = 92) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        const std::string word = text.substr(start, end - start);
        if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
        start = end + 1;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

// Everything the step computed, as one JSON object: the description's facts, every named
// value, and the learner's numbers with their verdicts.
nlohmann::json json_output(const std::string& source, const NetworkDescription& network,
                           const StepTrace& trace, const std::vector<NamedValue>& values,
                           const std::vector<HandCheck>& checks,
                           const std::vector<std::string>& facts) {
    std::vector<std::string> activations;
    for (const LayerDescription& layer : network.layers)
        activations.push_back(layer.activation);
    nlohmann::json out{{"source", source},
                       {"description", network.description},
                       {"sizes", network.sizes()},
                       {"activations", activations},
                       {"loss", to_string(network.loss)},
                       {"loss_type", loss_type(trace.loss)},
                       {"loss_formula", loss_formula_text(trace.loss)},
                       {"learning_rate", network.learning_rate},
                       {"batch_size", network.batch_size()},
                       {"notes", facts}};
    for (const NamedValue& value : values)
        out[value.name] = to_json(value);
    nlohmann::json list = nlohmann::json::array();
    std::size_t correct = 0;
    for (const HandCheck& c : checks) {
        list.push_back({{"name", c.name},
                        {"entry", c.entry},
                        {"given", c.given.value()},
                        {"given_text", c.given.text()},
                        {"computed", c.computed},
                        {"ok", c.ok()},
                        {"verdict", verdict(c)}});
        correct += c.ok() ? 1 : 0;
    }
    out["check"] = list;
    out["check_count"] = checks.size();
    out["check_correct"] = correct;
    return out;
}

// What the network is: its source, shape, loss, orientation and the notes.
void print_header(Report& report, const std::string& about, const NetworkDescription& network,
                  const StepTrace& trace, const std::vector<std::string>& facts) {
    report.title("Backpropagation calculator: one training step, every value");
    for (const std::string& line : wrapped(about))
        report.text(line);
    std::string shape, layers;
    for (std::size_t n : network.sizes())
        shape += (shape.empty() ? "" : "-") + std::to_string(n);
    for (std::size_t l = 0; l < network.layers.size(); ++l)
        layers +=
            fmt::format("{}layer {} {}", l == 0 ? "" : ", ", l + 1, network.layers[l].activation);
    report.text(fmt::format("network {}: {}", shape, layers));
    report.text(fmt::format("loss {}: J = {} per sample; learning rate α = {}",
                            to_string(network.loss), loss_formula_text(trace.loss),
                            network.learning_rate));
    report.text(
        "W[i][j] is the weight from input i to neuron j: rows are inputs, columns are "
        "neurons.");
    if (network.batch_size() == 1) report.text("one sample");
    for (const std::string& fact : facts)
        for (const std::string& line : wrapped(fact))
            report.text(line);
}

// Every value of the step, section by section.
void print_values(Report& report, const std::vector<NamedValue>& values, double learning_rate) {
    //! [print]
    // Every value under its name and formula, section by section.
    std::optional<Stage> stage;
    for (const NamedValue& value : values) {
        if (value.name == "y") continue;  // printed as a_L = y
        if (value.stage != stage) report.section(section_title(value.stage, learning_rate));
        stage = value.stage;
        if (value.form == ValueForm::number)
            report.value(value.formula, value.value(0, 0));
        else
            report.value(value.formula, value.value);
    }
    //! [print]
}

// The learner's numbers next to the true ones, with the verdicts and the first wrong one.
void print_checks(Report& report, const std::vector<HandCheck>& checks, int decimals) {
    report.section("Your numbers");
    if (checks.empty()) {
        report.text("none given: put your own values in a \"check\" object, e.g.");
        report.text("\"check\": {\"z1\": [0.37, 0.5, 0.63], \"J\": 0.0002} (see --help)");
        return;
    }
    report.text("rounded: the true value, rounded to the digits you wrote.");
    report.text("correct at the digits given: that is your number.");
    report.text("");
    std::size_t entry_width = 8, given_width = 9;
    for (const HandCheck& c : checks) {
        entry_width = std::max(entry_width, c.entry.size() + 2);
        given_width = std::max(given_width, c.given.text().size() + 2);
    }
    const auto row = [&](const std::string& entry, const std::string& given,
                         const std::string& computed, const std::string& rounded,
                         const std::string& verdict) {
        report.text(fmt::format("{:<{}}{:>{}}  {:>{}}  {:>{}}  {}", entry, entry_width, given,
                                given_width, computed, decimals + 4, rounded, given_width,
                                verdict));
    };
    row("entry", "yours", "true", "rounded", "verdict");
    std::size_t correct = 0;
    const HandCheck* first_wrong = nullptr;
    for (const HandCheck& c : checks) {
        row(c.entry, c.given.text(), fmt::format("{:.{}f}", c.computed, decimals),
            c.given.written_like(c.computed), verdict(c));
        if (c.ok())
            ++correct;
        else if (!first_wrong)
            first_wrong = &c;
    }
    report.text("");
    report.text(fmt::format("{} of {} of your numbers are correct at the digits given.", correct,
                            checks.size()));
    if (!first_wrong) return;
    const std::string first = fmt::format(
        "The first wrong one, in the order of the calculation, is {}: you wrote {}, the true "
        "value is {}.",
        first_wrong->entry, first_wrong->given.text(),
        first_wrong->given.written_like(first_wrong->computed));
    for (const std::string& line : wrapped(first))
        report.text(line);
}

}  // namespace

nlohmann::json step_json(const std::string& source, const NetworkDescription& network,
                         const StepTrace& trace, const std::vector<NamedValue>& values,
                         const std::vector<HandCheck>& checks) {
    return json_output(source, network, trace, values, checks, notes(network, trace));
}

void print_step(std::ostream& out, const std::string& about, const NetworkDescription& network,
                const StepTrace& trace, const std::vector<NamedValue>& values,
                const std::vector<HandCheck>& checks, int decimals) {
    std::size_t label_width = 0;
    for (const NamedValue& value : values)
        label_width = std::max(label_width, display_width(value.formula) + 2);
    Report report(out, label_width, decimals);
    print_header(report, about, network, trace, notes(network, trace));
    print_values(report, values, network.learning_rate);
    print_checks(report, checks, decimals);
}

}  // namespace backprop
