// Chapter 5: training.
//
// The article's program (its section 5) repeats the four steps of the previous chapters
// (forward, loss, backward, update) 1000 times on its single sample. It starts from random
// weights drawn with np.random.randn; by default we start from the worked example's
// weights instead, so that the first loss is the J of chapter 3 and every number can be
// checked. `--seed N` draws the weights from a standard normal distribution as the
// article does, reproducibly.

#include <cstdint>
#include <iostream>
#include <optional>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

// A rows x cols matrix of independent draws from N(0, 1), like np.random.randn.
// Boost.Random's distributions give the same numbers on every platform.
Matrix randn(std::size_t rows, std::size_t cols, boost::random::mt19937& generator) {
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    Matrix m(rows, cols);
    for (double& value : m.data())
        value = normal(generator);
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Chapter 5: train the article's 2-3-1 network on its single sample.",
                 "ch05_training"};
    JsonOutput json;
    int epochs = 1000;
    double learning_rate = worked_example::alpha;
    std::optional<std::uint32_t> seed;
    int print_every = 100;
    json.add_options(app);
    app.add_option("--epochs", epochs, "Number of training epochs")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    app.add_option("--lr", learning_rate, "Learning rate α")
        ->check(positive_finite)
        ->capture_default_str();
    app.add_option("--seed", seed,
                   "Start from weights drawn from N(0, 1) with this seed, instead of the "
                   "worked example's");
    app.add_option("--print-every", print_every, "Print the loss every N epochs")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    if (auto exit_status = parse_command_line(app, argc, argv)) return *exit_status;

    return run_reporting_errors(app, [&] {
        const Matrix x = worked_example::x();  // (1, 2)
        const Matrix t = worked_example::t();  // (1, 1)

        // Initialise the weights.
        Sequential network = worked_example::network();
        if (seed) {
            boost::random::mt19937 generator(*seed);
            const Matrix W1 = randn(2, 3, generator);
            network = worked_example::network(W1, randn(3, 1, generator));
        }
        const Matrix W1_initial = network.layer<Linear>(0).W;
        const Matrix W2_initial = network.layer<Linear>(2).W;

        //! [training_loop]
        Sgd sgd;                   // plain gradient descent: θ ← θ − α ∂J/∂θ
        std::vector<double> loss;  // the loss before each update
        for (int epoch = 1; epoch <= epochs; ++epoch) {
            const TrainingPosition at{std::size_t(epoch), 1, learning_rate};
            const Matrix& y = network.forward(x);  // forward
            loss.push_back(mse(y, t));             // loss
            require_finite_loss(loss.back(), at);  // stop if training has blown up
            network.backward(mse_gradient(y, t));  // backward
            require_finite_gradients(network, at);
            sgd.step(network, learning_rate);  // update
        }
        const Matrix y = network.forward(x);  // the trained network's output
        //! [training_loop]

        if (json.emit(nlohmann::json{{"epochs", epochs},
                                     {"lr", learning_rate},
                                     {"seed", seed ? nlohmann::json(*seed) : nullptr},
                                     {"W1_initial", json_matrix(W1_initial)},
                                     {"W2_initial", json_matrix(W2_initial)},
                                     {"loss", loss},
                                     {"W1", json_matrix(network.layer<Linear>(0).W)},
                                     {"W2", json_matrix(network.layer<Linear>(2).W)},
                                     {"y", json_vector(y)},
                                     {"J", mse(y, t)}}))
            return 0;

        Report report(std::cout);
        report.title("Chapter 5: Training");
        report.section(seed ? fmt::format("Initial weights, drawn from N(0, 1) with seed {}", *seed)
                            : std::string("Initial weights (the worked example's)"));
        report.value("W1", W1_initial);
        report.value("W2", W2_initial);
        report.section(fmt::format("Loss before each update, α = {}", learning_rate));
        report.text(fmt::format("{:>8}  {:>16}", "epoch", "J"));
        for (int epoch = 1; epoch <= epochs; ++epoch)
            if (epoch == 1 || epoch % print_every == 0 || epoch == epochs)
                report.text(fmt::format("{:>8}  {:>16.6e}", epoch, loss[epoch - 1]));
        report.section(fmt::format("After {} epochs", epochs));
        report.value("W1", network.layer<Linear>(0).W);
        report.value("W2", network.layer<Linear>(2).W);
        report.value("y", y);
        report.value("t", t);
        report.value_scientific("J = ½ (y − t)²", mse(y, t));
        return 0;
    });
}
