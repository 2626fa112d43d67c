// Chapter 10: vanishing gradients, and three fixes.
//
// The article's FAQ (9.3) says deep networks suffer from vanishing gradients and names three
// remedies: ReLU, batch normalization and residual connections. This chapter measures it.
// For networks of 2, 3 and 4 sigmoid hidden layers of 30 neurons on Fashion-MNIST (Nielsen's
// experiment in "Neural Networks and Deep Learning", chapter 5), it computes the size of each
// hidden layer's bias gradient ‖∂J/∂b‖ — how fast that layer learns — at initialisation and
// after each epoch of training; then it does the same for the 4-layer network with each fix.
//
// Why the gradient shrinks: going back through a sigmoid layer multiplies the error signal
// by Wᵀ and by σ'(z) ≤ 1/4 (chapter 4's δ¹ = (δ² W²ᵀ) ⊙ σ'(z¹)). With weights of the usual
// scale, each layer back divides it by a factor of a few.
//   - ReLU's derivative is 1 wherever the unit is active, so that factor is gone;
//   - batch normalization rescales every layer's weighted sums to unit variance, so that no
//     layer's signal — forward or backward — drifts in size;
//   - a residual connection h ← h + f(Wh + b) gives the gradient a path around every layer:
//     ∂J/∂h picks up ∂J/∂h of the layer above unchanged.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/data/dataset.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/evaluate.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

// How a network of the experiment is built.
struct Variant {
    std::string name;         ///< e.g. "sigmoid_4"
    std::string description;  ///< for people
    std::size_t hidden;       ///< hidden layers of 30
    std::string kind;         ///< "sigmoid", "relu", "relu_batchnorm" or "residual"
};

//! [build]
// A hidden-layer width of 30, as in Nielsen's experiment.
constexpr std::size_t width = 30;

// Weights drawn from N(0, scale^2 / n_in) and biases from N(0, bias_sd^2).
std::unique_ptr<Layer> linear(std::size_t in, std::size_t out, double scale, double bias_sd,
                              boost::random::mt19937_64& generator) {
    Matrix W = random_normal(in, out, scale / std::sqrt(double(in)), generator);
    return std::make_unique<Linear>(W, random_normal(out, bias_sd, generator));
}

// The network \p v for \p inputs inputs and \p classes outputs. Sigmoid networks start as
// Nielsen's do (weights N(0, 1/n_in), biases N(0, 1)); ReLU networks with He's scale.
Sequential build(const Variant& v, std::size_t inputs, std::size_t classes,
                 boost::random::mt19937_64& generator) {
    const bool relu = v.kind == "relu" || v.kind == "relu_batchnorm";
    const double scale = relu ? std::sqrt(2.0) : 1.0, bias_sd = relu ? 0.0 : 1.0;
    const Activation f = relu ? activations::relu : activations::sigmoid;
    std::vector<std::unique_ptr<Layer>> layers;
    for (std::size_t l = 0; l < v.hidden; ++l) {
        const std::size_t in = l == 0 ? inputs : width;
        if (v.kind == "residual" && l > 0) {  // h <- h + f(W h + b)
            std::vector<std::unique_ptr<Layer>> block;
            block.push_back(linear(in, width, scale, bias_sd, generator));
            block.push_back(std::make_unique<ActivationLayer>(f));
            layers.push_back(std::make_unique<Residual>(std::move(block)));
            continue;
        }
        layers.push_back(linear(in, width, scale, bias_sd, generator));
        if (v.kind == "relu_batchnorm") layers.push_back(std::make_unique<BatchNorm>(width));
        layers.push_back(std::make_unique<ActivationLayer>(f));
    }
    layers.push_back(linear(width, classes, 1.0, relu ? 0.0 : 1.0, generator));
    return Sequential(std::move(layers));
}
//! [build]

// The running averages of a network's BatchNorm layers, kept aside: a training-mode forward
// moves them, and a measurement must leave the network as it found it.
class RunningStatistics {
  public:
    explicit RunningStatistics(Sequential& net) {
        for (auto& layer : net.layers)
            if (auto* bn = dynamic_cast<BatchNorm*>(layer.get()))
                kept_.push_back({bn, bn->running_mean, bn->running_var});
    }
    void restore() const {
        for (const Kept& k : kept_) {
            k.layer->running_mean = k.mean;
            k.layer->running_var = k.var;
        }
    }

  private:
    struct Kept {
        BatchNorm* layer;
        Vector mean, var;
    };
    std::vector<Kept> kept_;
};

//! [measure]
// ‖∂J/∂b‖ of every hidden layer (β for a batch-normalized one), for the mean loss over the
// batch (X, T): the measure of how fast each layer learns.
std::vector<double> gradient_norms(Sequential& net, const Matrix& X, const Matrix& T) {
    const RunningStatistics before(net);  // measuring must not change the network
    net.backward(softmax_cross_entropy_gradient(net.forward(X, true), T));
    before.restore();
    std::vector<double> norms;
    for (std::size_t i = 0; i + 1 < net.layers.size(); ++i) {
        // The shift of a hidden layer: its BatchNorm's beta if it has one, else its bias
        // (activations have none).
        const auto g = net.layers[i]->shift_gradient();
        if (g.empty() || dynamic_cast<const BatchNorm*>(net.layers[i + 1].get())) continue;
        norms.push_back(std::sqrt(std::inner_product(g.begin(), g.end(), g.begin(), 0.0)));
    }
    return norms;
}
//! [measure]

}  // namespace

int main(int argc, char** argv) {
    Program program{"Chapter 10: vanishing gradients in deep sigmoid networks, and three fixes.",
                    "ch10_vanishing_gradients"};
    std::string data_dir = "/usr/share/datasets/fashion-mnist";
    std::size_t epochs = 3, batch = 32, train_samples = 10000, measure_samples = 1000, seed = 1;
    double learning_rate = 0.1;
    program.app.add_option("--data", data_dir, "Directory with the IDX files (train-*, t10k-*)")
        ->capture_default_str();
    add_epochs_option(program.app, epochs,
                      "Training epochs after the measurement at initialisation");
    add_batch_option(program.app, batch, 2);  // batch normalization needs two samples
    add_learning_rate_option(program.app, learning_rate, "Learning rate of plain SGD");
    program.app
        .add_option("--train-samples", train_samples, "Train on the first N training images")
        ->check(whole_number(2, 60000))
        ->capture_default_str();
    program.app
        .add_option("--measure-samples", measure_samples,
                    "Measure the gradients on the first N training images")
        ->check(whole_number(2, 60000))
        ->capture_default_str();
    add_seed_option(program.app, seed, "Seed of the weights and the shuffling")
        ->capture_default_str();
    int threads = 1;
    add_threads_option(program.app, threads);
    return program.run(argc, argv, [&] {
        set_product_threads(threads);
        TrainTest data = load_train_test(data_dir);  // all four headers checked first
        Dataset train = std::move(data.train);
        const Dataset test = std::move(data.test);
        train_samples = std::min(train_samples, train.size());
        measure_samples = std::min(measure_samples, train.size());
        std::vector<std::size_t> first(measure_samples);
        std::iota(first.begin(), first.end(), 0);
        Matrix X_measure, T_measure;
        fill_batch(train, first, X_measure, T_measure);

        const std::vector<Variant> variants{
            {"sigmoid_2", "sigmoid, 2 hidden layers", 2, "sigmoid"},
            {"sigmoid_3", "sigmoid, 3 hidden layers", 3, "sigmoid"},
            {"sigmoid_4", "sigmoid, 4 hidden layers", 4, "sigmoid"},
            {"relu_4", "ReLU, 4 hidden layers", 4, "relu"},
            {"relu_batchnorm_4", "ReLU + batch norm, 4 hidden", 4, "relu_batchnorm"},
            {"residual_4", "sigmoid + residual, 4 hidden", 4, "residual"},
        };

        //! [train]
        nlohmann::json results = nlohmann::json::array();
        std::vector<std::vector<std::vector<double>>> norms(
            variants.size());  // [net][epoch][layer]
        std::vector<double> test_accuracy(variants.size());
        for (std::size_t v = 0; v < variants.size(); ++v) {
            boost::random::mt19937_64 generator(seed);
            Sequential net = build(variants[v], train.features(), train.classes, generator);
            Sgd sgd;
            norms[v].push_back(gradient_norms(net, X_measure, T_measure));  // at initialisation
            std::vector<std::size_t> order(train_samples);
            std::iota(order.begin(), order.end(), 0);
            Matrix X, T;
            for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
                shuffle(order, generator);
                for (std::size_t start = 0; start + 1 < order.size(); start += batch) {
                    const std::size_t n = std::min(batch, order.size() - start);
                    fill_batch(train, std::span(order).subspan(start, n), X, T);
                    const Matrix& Y = net.forward(X, true);
                    require_finite_loss(softmax_cross_entropy(Y, T),
                                        {epoch + 1, start / batch + 1, learning_rate});
                    net.backward(softmax_cross_entropy_gradient(Y, T));
                    sgd.step(net, learning_rate);
                }
                norms[v].push_back(gradient_norms(net, X_measure, T_measure));
            }
            test_accuracy[v] = evaluate(net, test).accuracy;  // batch statistics off
        }
        //! [train]

        // first/last: how much more slowly the first hidden layer learns than the last.
        const auto ratio = [](const std::vector<double>& n) { return n.front() / n.back(); };
        // The measured sizes move by more than a percent from seed to seed, so the book
        // quotes them to two significant digits, from "rounded"; the rest is full precision.
        const auto two_digits = [](double x) { return std::stod(fmt::format("{:.2g}", x)); };
        for (std::size_t v = 0; v < variants.size(); ++v) {
            nlohmann::json ratios = nlohmann::json::array();
            for (const auto& n : norms[v])
                ratios.push_back(ratio(n));
            std::vector<double> init_norms_rounded;
            for (double n : norms[v].front())
                init_norms_rounded.push_back(two_digits(n));
            results.push_back({{"name", variants[v].name},
                               {"description", variants[v].description},
                               {"hidden_layers", variants[v].hidden},
                               {"init_norms", norms[v].front()},
                               {"final_norms", norms[v].back()},
                               {"ratio_at_init", ratio(norms[v].front())},
                               {"ratios", ratios},
                               {"test_accuracy", test_accuracy[v]},
                               {"rounded",
                                {{"init_norms", init_norms_rounded},
                                 {"ratio_at_init", two_digits(ratio(norms[v].front()))},
                                 {"final_ratio", two_digits(ratio(norms[v].back()))}}}});
        }
        if (program.json.emit({{"epochs", epochs},
                               {"batch", batch},
                               {"learning_rate", learning_rate},
                               {"train_samples", train_samples},
                               {"measure_samples", measure_samples},
                               {"networks", results}}))
            return 0;

        Report report(std::cout, 12, 4);
        report.title("Chapter 10: Vanishing gradients");
        report.text(
            fmt::format("‖∂J/∂b‖ of each hidden layer (β where batch-normalized), for the mean "
                        "loss over {} training images",
                        measure_samples));
        const auto table = [&](const std::string& heading, std::size_t at) {
            report.section(heading);
            report.text(fmt::format("{:<30}{:>10}{:>10}{:>10}{:>10}{:>12}", "network", "layer 1",
                                    "layer 2", "layer 3", "layer 4", "first/last"));
            for (std::size_t v = 0; v < variants.size(); ++v) {
                const auto& n = norms[v][std::min(at, norms[v].size() - 1)];
                std::string line = fmt::format("{:<30}", variants[v].description);
                for (std::size_t l = 0; l < 4; ++l)
                    line += l < n.size() ? fmt::format("{:>10.4f}", n[l]) : std::string(10, ' ');
                report.text(line + fmt::format("{:>12.3f}", ratio(n)));
            }
        };
        table("At initialisation", 0);
        if (epochs > 0) {
            table(fmt::format("After {} epochs of SGD (batch {}, learning rate {}) on {} images",
                              epochs, batch, learning_rate, train_samples),
                  epochs);
            report.section("Test accuracy after training");
            for (std::size_t v = 0; v < variants.size(); ++v)
                report.text(
                    fmt::format("{:<30}{:>10.4f}", variants[v].description, test_accuracy[v]));
        }
        return 0;
    });
}
