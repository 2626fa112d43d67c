// backprop_calculator: every intermediate value of one training step of any small network,
// and a check of the learner's own hand-computed numbers.
//
//     backprop_calculator                          the article's worked example
//     backprop_calculator my_network.json          any network described in JSON
//     backprop_calculator my_network.json --json   every value as JSON
//
// The description (see network_description.hpp and tools/examples/) gives the layers, each
// with its activation, weights W (in, out) and biases b; the input x (one sample, or a batch
// as rows); the targets t; the loss; the learning rate; and optionally a "check" object
// holding the learner's own values, which are shown next to the true ones with a verdict.

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "backprop/calculator/network_description.hpp"
#include "backprop/calculator/step_report.hpp"
#include "backprop/calculator/step_trace.hpp"
#include "backprop/cli/cli.hpp"

using namespace backprop;

namespace {

constexpr const char* format_help = R"help(
The network is described in JSON (examples in tools/examples/):
  {
    "description": "free text (optional)",
    "layers": [
      {"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "b": [0, 0, 0]},
      {"activation": "sigmoid", "W": [[0.7], [0.8], [0.9]]}
    ],
    "x": [0.5, 0.8],
    "t": [0.7],
    "loss": "mse",
    "learning_rate": 0.1,
    "check": {"z1": [0.37, 0.5, 0.63], "J": 0.0002}
  }
W has one row per input and one column per neuron: W[i][j] is the weight from input i to
neuron j (the transpose of the (out, in) matrix many textbooks write). b is optional (zero).
Activations: sigmoid, tanh, relu, identity, softmax (of at least 2 neurons).
Losses, per sample, summed over the outputs: mse, ½ Σ (y − t)² (K/2 times PyTorch's MSELoss
for K outputs); cross_entropy, −Σ t ln y after a softmax output layer, or
−Σ [t ln y + (1 − t) ln(1 − y)] after a sigmoid one. learning_rate: a number ≥ 0 (0 shows
the gradients without an update). x and t: one sample as a flat array, or a batch as an
array of rows (J and every gradient are then means over the batch). "check" holds your own
values under the output names (z1, a1, y, J, dJ_dy, delta1, dJ_dW1, dJ_db1, W1_new, b1_new,
...); each is judged correct if the true value, rounded to the digits you wrote, is your
number ("0.70" has two decimals).
)help";

// The limits, from the library's constants.
std::string limits_help() {
    return fmt::format(
        "The calculator is for small networks: the file must be a regular file (not a FIFO or\n"
        "a device) of at most {} bytes (1 MiB) of JSON, and one step computes at most {}\n"
        "values per quantity (samples times the neurons of all layers together).\n",
        max_description_bytes, max_step_values);
}

}  // namespace

int main(int argc, char** argv) {
    Program program{
        "Every intermediate value of one step of backpropagation, for any small network "
        "described in JSON, and a check of your own hand-computed numbers.",
        "backprop_calculator"};
    CLI::App& app = program.app;
    std::string path;
    app.add_option("file", path,
                   "The network, as JSON (see below); without it, the article's worked example");
    int decimals = 8;
    app.add_option("--decimals", decimals, "Decimals of every number in the text (default 8)")
        ->check(CLI::Range(1, 15));
    app.footer(format_help + limits_help());

    return program.run(argc, argv, [&] {
        try {
            //! [calculate]
            // The description: a file, or the article's worked example.
            const NetworkDescription network =
                path.empty() ? article_example() : read_network_description(path);
            // Every value of one step, each under its name, and the learner's numbers checked.
            const StepTrace trace = trace_step(network);
            const std::vector<NamedValue> values = named_values(network, trace);
            const std::vector<HandCheck> checks = check_hand_values(values, network.check);
            //! [calculate]

            // The file's name only: the book captures this output, and must not show paths.
            const std::string source = path.empty()
                                           ? "the article's worked example"
                                           : std::filesystem::path(path).filename().string();
            if (program.json.emit(step_json(source, network, trace, values, checks))) return 0;

            std::string about = path.empty() ? network.description : source;
            if (!path.empty() && !network.description.empty()) about += ": " + network.description;
            print_step(std::cout, about, network, trace, values, checks, decimals);
            return 0;
        } catch (const DescriptionError& error) {
            std::cerr << app.get_name() << ": error: " << error.what() << "\n\n" << app.help();
            return exit_usage;
        }
    });
}
