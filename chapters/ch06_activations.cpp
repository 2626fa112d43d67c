// Chapter 6: why activation functions? (the article's FAQ 9.1)
//
// The article answers in one sentence: without activation functions a network, however deep,
// is one linear map, and a linear map cannot learn XOR. This program shows both halves.
//
//   1. A stack of three linear layers (identity activation, with biases) is multiplied out
//      into one matrix W and one bias b, and both are run on the same inputs: the outputs
//      agree to the last few bits.
//   2. Four networks are trained on the four points of XOR, full batch, from fixed seeds:
//      a linear stack 2-4-4-1 (identity hidden layers) and 2-H-1 networks with sigmoid, tanh
//      and ReLU hidden layers. Every network ends in one sigmoid neuron and is trained with
//      binary cross-entropy, so the hidden activation is the only difference. A point counts
//      as classified only if the output is on its target's side of ½ by at least 0.1. Each
//      network is then evaluated on a grid over [-0.5, 1.5]², for the book's
//      decision-boundary plots.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

// A network of the layer sizes \p sizes: \p hidden on every layer but the last, which is one
// sigmoid neuron. Weights are drawn from N(0, 1/in) (LeCun's scale: each weighted sum of
// unit-scale inputs then has unit scale), biases start at zero.
Sequential make_network(const std::vector<std::size_t>& sizes, Activation hidden,
                        boost::random::mt19937& generator) {
    std::vector<std::unique_ptr<Layer>> layers;
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        const bool last = l + 1 == sizes.size();
        layers.push_back(std::make_unique<Linear>(
            random_normal(sizes[l - 1], sizes[l], 1.0 / std::sqrt(double(sizes[l - 1])), generator),
            Vector(sizes[l], 0.0)));
        layers.push_back(std::make_unique<ActivationLayer>(last ? activations::sigmoid : hidden));
    }
    return Sequential(std::move(layers));
}

// The Linear layers of \p network, input side first.
std::vector<const Linear*> linear_layers(const Sequential& network) {
    std::vector<const Linear*> linear;
    for (const auto& layer : network.layers)
        if (const auto* l = dynamic_cast<const Linear*>(layer.get())) linear.push_back(l);
    return linear;
}

// The one affine map \f$x \mapsto xW + b\f$ that a stack of layers without activation is.
struct Affine {
    Matrix W;  ///< (in, out)
    Matrix b;  ///< (1, out)
};

//! [collapse]
// Layer after layer: (x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2), and so on. Activation
// layers are skipped: this is the map the stack computes if they are all the identity.
Affine collapse(const Sequential& network) {
    const std::vector<const Linear*> layers = linear_layers(network);
    Affine map{layers.front()->W, Matrix(1, layers.front()->W.size2(), 0.0)};
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const Linear& layer = *layers[l];
        if (l > 0) {
            map.W = matmul(map.W, layer.W);  // (in, n_l-1) x (n_l-1, n_l) -> (in, n_l)
            map.b = matmul(map.b, layer.W);  // (1, n_l-1) x (n_l-1, n_l) -> (1, n_l)
        }
        if (layer.b) row(map.b, 0) += *layer.b;
    }
    return map;
}

// Its output on a batch: X W + 1 b.
Matrix output_of(const Affine& map, const Matrix& X) {
    Matrix Z = matmul(X, map.W);
    for (std::size_t i = 0; i < Z.size1(); ++i)
        row(Z, i) += row(map.b, 0);
    return Z;
}
//! [collapse]

// A point counts as classified only if the output is on its target's side of ½ by at least
// this much: at most 0.4 for class 0, at least 0.6 for class 1. An output of 0.4999 is not a
// decision, whichever side of ½ the rounding puts it on.
constexpr double decision_margin = 0.1;

// How far row i's output is on its target's side of ½: positive if right, negative if wrong.
double signed_margin(const Matrix& Y, const Matrix& T, std::size_t i) {
    return T(i, 0) > 0.5 ? Y(i, 0) - 0.5 : 0.5 - Y(i, 0);
}

// Fraction of rows classified: on the target's side of ½ by at least decision_margin.
double accuracy(const Matrix& Y, const Matrix& T) {
    std::size_t right = 0;
    for (std::size_t i = 0; i < Y.size1(); ++i)
        right += signed_margin(Y, T, i) >= decision_margin;
    return double(right) / double(Y.size1());
}

// The smallest signed margin over the rows: positive if every row is on its target's side.
double smallest_margin(const Matrix& Y, const Matrix& T) {
    double smallest = signed_margin(Y, T, 0);
    for (std::size_t i = 1; i < Y.size1(); ++i)
        smallest = std::min(smallest, signed_margin(Y, T, i));
    return smallest;
}

// One trained network and what the chapter reports about it.
struct Trained {
    std::string name;
    std::vector<std::size_t> sizes;
    Sequential network;
    std::vector<double> loss;  // before each step, then after the last
    Matrix outputs;            // on the four XOR points
    double accuracy = 0;       // fraction classified by decision_margin
    double margin = 0;         // the smallest signed margin over the four points
    Matrix grid;               // grid(i, j): the output at (x_i, y_j)
};

// The output at every point of an n x n grid over [lo, hi]²: one forward pass of n² rows.
Matrix evaluate_grid(Sequential& network, const std::vector<double>& coordinates) {
    const std::size_t n = coordinates.size();
    Matrix points(n * n, 2);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            points(i * n + j, 0) = coordinates[i];
            points(i * n + j, 1) = coordinates[j];
        }
    const Matrix& Y = network.forward(points);
    Matrix grid(n, n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            grid(i, j) = Y(i * n + j, 0);
    return grid;
}

// A coarse picture of a decision map: one character per grid point, every \p stride-th,
// '#' where the output is above 0.5, '.' below, '~' within decision_margin of it (undecided);
// y grows upwards as in the plots.
std::vector<std::string> ascii_map(const Matrix& grid, std::size_t stride) {
    std::vector<std::string> lines;
    for (std::size_t j = grid.size2(); j-- > 0;) {
        if (j % stride != 0) continue;
        std::string line;
        for (std::size_t i = 0; i < grid.size1(); i += stride)
            line += std::abs(grid(i, j) - 0.5) < decision_margin ? "~ "
                    : grid(i, j) > 0.5                           ? "# "
                                                                 : ". ";
        lines.push_back(line);
    }
    return lines;
}

nlohmann::json json_column(const Matrix& m) {
    std::vector<double> values;
    for (std::size_t i = 0; i < m.size1(); ++i)
        values.push_back(m(i, 0));
    return values;
}

// The chapter's flags.
struct Options {
    std::uint32_t seed = 1;
    std::size_t hidden = 16, steps = 2000, grid_points = 61;
    double learning_rate = 0.5;
};

// What both parts found, for the JSON and the text.
struct Findings {
    // Part 1: a linear stack, multiplied out, and both on the same inputs.
    const Sequential& linear_stack;
    const Affine& map;
    const Matrix& inputs;
    const Matrix& stack_output;
    const Matrix& composed_output;
    double largest_difference, largest_output;
    // Part 2: XOR.
    const Matrix& X;
    const Matrix& T;
    const std::vector<Trained>& trained;
    const Affine& linear_map;  // the trained linear network, multiplied out
    const std::vector<double>& coordinates;
};

// What no linear model can beat (see the book): 3 of the 4 points, and, for the best fit to all
// four, the output 1/2 everywhere, whose cross-entropy is ln 2 and whose squared error
// ½(1/2)² = 1/8.
constexpr double best_linear_accuracy = 0.75, best_linear_mse = 0.125;
const double best_linear_bce = std::log(2.0);

// Every number of both parts, for programs.
nlohmann::json chapter_json(const Options& o, const Findings& f) {
    const auto& [linear_stack, map, inputs, stack_output, composed_output, largest_difference,
                 largest_output, X, T, trained, linear_map, coordinates] = f;
    nlohmann::json networks = nlohmann::json::array();
    for (const Trained& t : trained) {
        nlohmann::json layers = nlohmann::json::array();
        for (const Linear* layer : linear_layers(t.network))
            layers.push_back({{"W", json_matrix(layer->W)}, {"b", json_vector(*layer->b)}});
        networks.push_back({{"name", t.name},
                            {"sizes", t.sizes},
                            {"loss", t.loss},
                            {"final_loss", t.loss.back()},
                            {"outputs", json_column(t.outputs)},
                            {"accuracy", t.accuracy},
                            {"margin", t.margin},
                            {"layers", layers},
                            {"grid", json_matrix(t.grid)}});
    }
    nlohmann::json stack_layers = nlohmann::json::array();
    for (const Linear* layer : linear_layers(linear_stack))
        stack_layers.push_back({{"W", json_matrix(layer->W)}, {"b", json_vector(*layer->b)}});
    return nlohmann::json{{"seed", o.seed},
                          {"hidden", o.hidden},
                          {"steps", o.steps},
                          {"lr", o.learning_rate},
                          {"collapse",
                           {{"layers", stack_layers},
                            {"W", json_matrix(map.W)},
                            {"b", json_vector(map.b)},
                            {"inputs", json_matrix(inputs)},
                            {"stack_output", json_column(stack_output)},
                            {"composed_output", json_column(composed_output)},
                            {"max_difference", largest_difference},
                            {"relative_difference", largest_difference / largest_output}}},
                          {"X", json_matrix(X)},
                          {"t", json_column(T)},
                          {"decision_margin", decision_margin},
                          {"networks", networks},
                          {"linear_W", json_matrix(linear_map.W)},
                          {"linear_b", json_vector(linear_map.b)},
                          {"best_linear_accuracy", best_linear_accuracy},
                          {"best_linear_bce", best_linear_bce},
                          {"best_linear_mse", best_linear_mse},
                          {"grid_points", o.grid_points},
                          {"grid_coordinates", coordinates}};
}

// Both parts for people.
void print_chapter(const Options& o, const Findings& f) {
    const auto& [linear_stack, map, inputs, stack_output, composed_output, largest_difference,
                 largest_output, X, T, trained, linear_map, coordinates] = f;
    const auto [seed, hidden, steps, grid_points, learning_rate] = o;
    Report report(std::cout, 28);
    report.title("Chapter 6: Why activation functions?");
    report.section(fmt::format(
        "Three linear layers 2-4-4-1, weights and biases drawn from N(0, 1), seed {}", seed));
    for (std::size_t l = 0; l < linear_stack.layers.size(); ++l) {
        report.value(fmt::format("W{}", l + 1), linear_stack.layer<Linear>(l).W);
        report.value(fmt::format("b{}", l + 1), *linear_stack.layer<Linear>(l).b);
    }
    report.section("Multiplied out: one layer");
    report.value("W = W1 W2 W3", map.W);
    report.value("b = (b1 W2 + b2) W3 + b3", map.b);
    report.section("The stack and the one layer on the same inputs");
    report.text(fmt::format("{:>12}{:>12}{:>18}{:>18}{:>12}", "x1", "x2", "three layers", "x W + b",
                            "difference"));
    for (std::size_t i = 0; i < inputs.size1(); ++i)
        report.text(fmt::format("{:>12.6f}{:>12.6f}{:>18.12f}{:>18.12f}{:>12.1e}", inputs(i, 0),
                                inputs(i, 1), stack_output(i, 0), composed_output(i, 0),
                                stack_output(i, 0) - composed_output(i, 0)));
    report.value_scientific("largest difference", largest_difference);
    report.value_scientific("relative to largest |y|", largest_difference / largest_output);

    report.section(
        fmt::format("XOR: {} full-batch steps, α = {}, seed {}", steps, learning_rate, seed));
    report.text("Every network ends in one sigmoid neuron, trained with binary cross-entropy;");
    report.text("weights start from N(0, 1/in), biases from 0. A point counts as classified");
    report.text(fmt::format("if the output is on its target's side of 0.5 by at least {}; margin:",
                            decision_margin));
    report.text("the smallest such distance over the four points (negative: one is wrong).");
    report.text("");
    report.text(fmt::format("{:<10}{:<10}{:>10}{:>10}{:>9}   outputs at (0,0) (0,1) (1,0) (1,1)",
                            "network", "sizes", "loss", "accuracy", "margin"));
    for (const Trained& t : trained) {
        std::string sizes;
        for (std::size_t n : t.sizes)
            sizes += (sizes.empty() ? "" : "-") + std::to_string(n);
        std::string outputs;
        for (std::size_t i = 0; i < 4; ++i)
            outputs += fmt::format("{:>9.4f}", t.outputs(i, 0));
        report.text(fmt::format("{:<10}{:<10}{:>10.6f}{:>10.2f}{:>9.4f}   {}", t.name, sizes,
                                t.loss.back(), t.accuracy, t.margin, outputs));
    }
    report.text("");
    report.text(fmt::format("No linear model classifies more than {} of the four points;",
                            best_linear_accuracy));
    report.text(fmt::format("the best linear fit outputs 0.5 everywhere: cross-entropy {:.6f}.",
                            best_linear_bce));

    report.section("The trained linear network, multiplied out: y = σ(x W + b)");
    report.text(fmt::format("W = [ {:.3e} {:.3e} ]ᵀ,  b = {:.3e}", linear_map.W(0, 0),
                            linear_map.W(1, 0), linear_map.b(0, 0)));

    const std::size_t stride = std::max<std::size_t>(1, (grid_points - 1) / 10);
    report.section(fmt::format("Decision maps on [-0.5, 1.5]², every {} of {} points",
                               stride == 1 ? std::string("one") : fmt::format("{}th", stride),
                               grid_points));
    std::vector<std::vector<std::string>> maps;
    maps.reserve(trained.size());
    for (const Trained& t : trained)
        maps.push_back(ascii_map(t.grid, stride));
    report.text(
        fmt::format("'#': output above 0.5, '.': below, '~': within {} of 0.5", decision_margin));
    report.text("");
    std::string header;
    for (const Trained& t : trained)
        header += fmt::format("{:<{}}", t.name, maps.front().front().size() + 3);
    const auto trimmed = [](std::string text) {
        return text.erase(text.find_last_not_of(' ') + 1);
    };
    report.text(trimmed(header));
    for (std::size_t line = 0; line < maps.front().size(); ++line) {
        std::string text;
        for (const auto& map_lines : maps)
            text += map_lines[line] + "   ";
        report.text(trimmed(text));
    }
}

}  // namespace

int main(int argc, char** argv) {
    Program program{
        "Chapter 6: why activation functions? A linear stack collapses to one matrix and "
        "cannot learn XOR; one hidden layer with sigmoid, tanh or ReLU can.",
        "ch06_activations"};
    Options o;
    std::uint32_t& seed = o.seed;
    std::size_t &hidden = o.hidden, &steps = o.steps, &grid_points = o.grid_points;
    double& learning_rate = o.learning_rate;
    add_seed_option(program.app, seed, "Seed of every network's initial weights")
        ->capture_default_str();
    program.app.add_option("--hidden", hidden, "Hidden neurons of the nonlinear networks (2-H-1)")
        ->check(whole_number(1, 1000))
        ->capture_default_str();
    program.app.add_option("--steps", steps, "Full-batch gradient-descent steps")
        ->check(whole_number(1, 1'000'000))
        ->capture_default_str();
    add_learning_rate_option(program.app, learning_rate, "Learning rate α");
    program.app.add_option("--grid", grid_points, "Grid points per side of the decision maps")
        ->check(whole_number(2, 1001))
        ->capture_default_str();
    return program.run(argc, argv, [&] {
        // Part 1: three linear layers 2-4-4-1 with biases, all drawn from N(0, 1).
        boost::random::mt19937 generator(seed);
        std::vector<std::unique_ptr<Layer>> stack;
        for (auto [in, out] : {std::pair{2, 4}, {4, 4}, {4, 1}}) {
            const Matrix W = random_normal(in, out, 1.0, generator);  // W first, then b
            stack.push_back(std::make_unique<Linear>(W, random_normal(out, 1.0, generator)));
        }
        Sequential linear_stack(std::move(stack));
        // Inputs: the four XOR points and four points drawn from N(0, 2²).
        const Matrix X = matrix_from_rows({{0, 0}, {0, 1}, {1, 0}, {1, 1}});  // (4, 2)
        const Matrix T = matrix_from_rows({{0}, {1}, {1}, {0}});              // (4, 1)
        Matrix inputs(8, 2);
        subrange(inputs, 0, 4, 0, 2) = X;
        subrange(inputs, 4, 8, 0, 2) = random_normal(4, 2, 2.0, generator);
        //! [compare]
        const Matrix stack_output = linear_stack.forward(inputs);  // three layers, one by one
        const Affine map = collapse(linear_stack);                 // one matrix, one bias
        const Matrix composed_output = output_of(map, inputs);
        //! [compare]
        double largest_difference = 0, largest_output = 0;
        for (std::size_t i = 0; i < inputs.size1(); ++i) {
            largest_difference =
                std::max(largest_difference, std::abs(stack_output(i, 0) - composed_output(i, 0)));
            largest_output = std::max(largest_output, std::abs(stack_output(i, 0)));
        }

        // Part 2: XOR.
        std::vector<double> coordinates(grid_points);
        for (std::size_t i = 0; i < grid_points; ++i)
            coordinates[i] = -0.5 + 2.0 * double(i) / double(grid_points - 1);

        std::vector<Trained> trained;
        for (const auto& [name, f, sizes] :
             {std::tuple{"linear", activations::identity, std::vector<std::size_t>{2, 4, 4, 1}},
              {"sigmoid", activations::sigmoid, {2, hidden, 1}},
              {"tanh", activations::tanh, {2, hidden, 1}},
              {"relu", activations::relu, {2, hidden, 1}}}) {
            boost::random::mt19937 init(seed);  // every network from the same seed
            Sequential network = make_network(sizes, f, init);
            Sgd sgd;
            std::vector<double> loss;
            const std::string what = fmt::format("the {} network {}", name, fmt::join(sizes, "-"));
            //! [train]
            for (std::size_t step = 0; step < steps; ++step) {
                const Matrix& Y = network.forward(X);  // (4, 1), all four points at once
                loss.push_back(binary_cross_entropy(Y, T));
                require_finite_loss(loss.back(), {step + 1, 0, learning_rate, what});
                network.backward(binary_cross_entropy_gradient(Y, T));
                sgd.step(network, learning_rate);
            }
            const Matrix Y = network.forward(X);
            loss.push_back(binary_cross_entropy(Y, T));
            //! [train]
            const double acc = accuracy(Y, T), margin = smallest_margin(Y, T);
            Matrix grid = evaluate_grid(network, coordinates);
            trained.push_back(
                {name, sizes, std::move(network), std::move(loss), Y, acc, margin, grid});
        }
        // The trained linear network, multiplied out: its output is σ(x W + b).
        const Affine linear_map = collapse(trained.front().network);

        const Findings findings{
            linear_stack,   map, inputs, stack_output, composed_output, largest_difference,
            largest_output, X,   T,      trained,      linear_map,      coordinates};
        if (program.json.emit(chapter_json(o, findings))) return 0;
        print_chapter(o, findings);
        return 0;
    });
}
