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
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

int main(int argc, char** argv) {
    Program program{"Chapter 5: train the article's 2-3-1 network on its single sample.",
                    "ch05_training"};
    std::size_t epochs = 1000;
    double learning_rate = worked_example::alpha;
    std::optional<std::uint32_t> seed;
    std::size_t print_every = 100;
    add_epochs_option(program.app, epochs, "Number of training epochs", 1);
    add_learning_rate_option(program.app, learning_rate, "Learning rate α");
    add_seed_option(program.app, seed,
                    "Start from weights drawn from N(0, 1) with this seed, instead of the "
                    "worked example's");
    program.app.add_option("--print-every", print_every, "Print the loss every N epochs")
        ->check(whole_number(1, 10'000))
        ->capture_default_str();
    return program.run(argc, argv, [&] {
        const Matrix x = worked_example::x();  // (1, 2)
        const Matrix t = worked_example::t();  // (1, 1)

        // Initialise the weights.
        Sequential network = worked_example::network();
        if (seed) {
            boost::random::mt19937 generator(*seed);
            const Matrix W1 = random_normal(2, 3, 1.0, generator);
            network = worked_example::network(W1, random_normal(3, 1, 1.0, generator));
        }
        const Matrix W1_initial = network.layer<Linear>(0).W;
        const Matrix W2_initial = network.layer<Linear>(2).W;

        //! [training_loop]
        Sgd sgd;                   // plain gradient descent: θ ← θ − α ∂J/∂θ
        std::vector<double> loss;  // the loss before each update
        for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
            const TrainingPosition at{epoch, 1, learning_rate};
            const Matrix& y = network.forward(x);  // forward
            loss.push_back(mse(y, t));             // loss
            require_finite_loss(loss.back(), at);  // stop if training has blown up
            network.backward(mse_gradient(y, t));  // backward
            require_finite_gradients(network, at);
            sgd.step(network, learning_rate);  // update
        }
        const Matrix y = network.forward(x);  // the trained network's output
        //! [training_loop]

        if (program.json.emit(nlohmann::json{{"epochs", epochs},
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
        for (std::size_t epoch = 1; epoch <= epochs; ++epoch)
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
