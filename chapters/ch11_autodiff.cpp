// Chapter 11: automatic differentiation.
//
// Chapter 4 derived the gradients by hand, once, for one network. Automatic differentiation
// derives them for any computation: each operation records its operands and its local
// derivatives as it runs, and the chain rule, run backwards over that record, does the rest.
//
//   1. Scalar autodiff: the 2-3-1 example neuron by neuron, one node per number (value.hpp).
//   2. Matrix autodiff: the same network as a tape of matrix operations (tape.hpp).
//   3. Both against the library's hand-written backward pass, entry by entry.
//   4. Fan-out: why backward adds.
//   5. Reverse mode against forward mode, counted on chapter 9's network.
//   6. What the tape costs: one epoch of chapter 8's network, with and without it.
//   7. Chapter 5's training, with the tape's gradients.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/autodiff/tape.hpp"
#include "backprop/autodiff/value.hpp"
#include "backprop/autodiff/value_network.hpp"
#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/data/files.hpp"
#include "backprop/data/random_batches.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/gradient_check.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;
using namespace backprop::autodiff;

namespace {

// The largest relative error between two gradients of one shape (gradient_check.hpp).
double largest_relative_error(const Matrix& a, const Matrix& b) {
    return compare_gradients(a, b).max_relative_error;
}

// The scalar graph's nodes in topological order, each named for people: its label, or its
// operation applied to the numbers (#k) of its operands.
struct GraphNode {
    std::string name, op;
    double value, grad;
    std::vector<std::size_t> operands;
    std::vector<double> locals;
};

std::vector<GraphNode> graph_nodes(const Value& J) {
    const std::vector<Value> order = topological_order(J);
    std::map<const Node*, std::size_t> number;
    std::vector<GraphNode> nodes;
    for (const Value& v : order) {
        GraphNode node{v.label(), v.op(), v.data(), v.grad(), {}, {}};
        std::vector<std::string> operands;
        for (const Edge& edge : v.node().parents) {
            node.operands.push_back(number.at(&edge.operand.node()));
            node.locals.push_back(edge.local);
            operands.push_back(fmt::format("#{}", node.operands.back()));
        }
        if (node.name.empty() && v.op().empty()) node.name = fmt::format("{}", v.data());
        if (node.name.empty())
            node.name = operands.size() == 2
                            ? fmt::format("{} {} {}", operands[0], v.op(), operands[1])
                            : fmt::format("{}({})", v.op(), fmt::join(operands, ", "));
        number[&v.node()] = nodes.size();
        nodes.push_back(std::move(node));
    }
    return nodes;
}

// The scalar graph for Graphviz: a box per node with its value and gradient, an arrow per
// operand labelled with the local derivative.
std::string graph_dot(const std::vector<GraphNode>& nodes) {
    std::string dot =
        R"dot(// The scalar computation graph of the 2-3-1 example, written by ch11_autodiff --dot.
digraph autodiff {
    rankdir = LR;
    bgcolor = "transparent";
    nodesep = 0.12;
    ranksep = 0.35;
    node [fontname = "Helvetica", fontsize = 10, shape = box, style = "rounded,filled",
          fillcolor = "#eef3fb", color = "#4a6fa5", margin = "0.06,0.03"];
    edge [fontname = "Helvetica", fontsize = 9, color = "#4a6fa5", fontcolor = "#b03a2e"];
)dot";
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        const GraphNode& n = nodes[k];
        const bool leaf = n.op.empty();
        dot +=
            fmt::format("    n{} [label = \"#{} {}\\n{:.5g}\\ngrad {:.5g}\"{}];\n", k, k, n.name,
                        n.value, n.grad, leaf ? R"(, fillcolor = "#fde2e2", style = filled)" : "");
        for (std::size_t e = 0; e < n.operands.size(); ++e)
            dot += fmt::format("    n{} -> n{} [label = \"{:.4g}\"];\n", n.operands[e], k,
                               n.locals[e]);
    }
    return dot + "}\n";
}

// The worked example with \p hidden as its hidden activation.
Sequential example_network(const std::string& hidden) {
    return Sequential(Linear(worked_example::W1()),
                      ActivationLayer(backprop::activation_named(hidden)),
                      Linear(worked_example::W2()), ActivationLayer(activations::sigmoid));
}

// Seconds for \p steps training steps of \p step.
template <class Step>
double seconds_for(std::size_t steps, Step step) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t k = 0; k < steps; ++k)
        step(k);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double max_abs_difference(Sequential& a, Sequential& b) {
    double worst = 0;
    const std::vector<ParameterView> pa = a.parameters(), pb = b.parameters();
    for (std::size_t p = 0; p < pa.size(); ++p)
        for (std::size_t i = 0; i < pa[p].value.size(); ++i)
            worst = std::max(worst, std::abs(pa[p].value[i] - pb[p].value[i]));
    return worst;
}

}  // namespace

int main(int argc, char** argv) {
    Program program{
        "Chapter 11: automatic differentiation, scalar and matrix, against the hand "
        "derivation.",
        "ch11_autodiff"};
    std::string dot_path, hidden = "sigmoid";
    std::size_t samples = 6400, batch = 64, epochs = 1000;
    std::vector<std::size_t> timed_sizes{784, 128, 10}, counted_sizes{784, 256, 128, 10};
    program.app.add_option("--dot", dot_path, "Write the scalar graph for Graphviz to this file")
        ->check(writable_destination());
    program.app
        .add_option("--hidden", hidden,
                    "The example's hidden activation, in all three computations (the output "
                    "stays sigmoid)")
        ->check(CLI::IsMember({"sigmoid", "tanh", "relu", "identity"}))
        ->capture_default_str();
    program.app.add_option("--samples", samples, "Samples to time each way (scaled to 60 000)")
        ->check(whole_number(1, 10'000'000))
        ->capture_default_str();
    add_batch_option(program.app, batch);
    add_epochs_option(program.app, epochs, "Epochs of chapter 5's training, both ways", 1);
    add_list_option(program.app, "--timed-sizes", timed_sizes,
                    "Layer sizes of the network timed both ways", whole_number(1, 100'000), 2, 16);
    add_list_option(program.app, "--counted-sizes", counted_sizes,
                    "Layer sizes of the network whose operations are counted",
                    whole_number(1, 100'000), 2, 16);
    return program.run(argc, argv, [&] {
        check_training_memory(timed_sizes, batch);
        check_training_memory(counted_sizes, batch);
        const Matrix x = worked_example::x();  // (1, 2)
        const Matrix t = worked_example::t();  // (1, 1)

        //! [scalar]
        // 1. Scalar autodiff: every number a Value, every operation a node.
        const auto f = autodiff::activation_named(hidden);    // σ, or what --hidden names
        ValueMatrix xs = leaves(x, "x");                      // (1, 2)
        ValueMatrix W1 = leaves(worked_example::W1(), "W1");  // (2, 3)
        ValueMatrix W2 = leaves(worked_example::W2(), "W2");  // (3, 1)
        ValueMatrix z1 = matmul(xs, W1);                      // z1[j] = Σ_i x[i] W1[i][j]
        name_entries(z1, "z1");
        ValueMatrix a1 = elementwise(f, z1);
        name_entries(a1, "a1");
        ValueMatrix z2 = matmul(a1, W2);
        name_entries(z2, "z2");
        ValueMatrix y = elementwise(sigmoid, z2);
        name_entries(y, "y");
        Value J = mse(y, t);  // ½ (y − t)²
        J.named("J");
        J.backward();  // every node's ∂J/∂node, in reverse topological order
        //! [scalar]

        //! [composed]
        // σ is one operation with its own local derivative s(1 − s). The same function built
        // from four primitive operations gets the same derivative from the chain rule alone.
        Value z(z2[0][0].data(), "z");
        const Value s_composed = 1.0 / (1.0 + exp(-z));
        s_composed.backward();
        const double ds_composed = z.grad();
        const Value s_primitive = sigmoid(z);
        s_primitive.backward();
        const double ds_primitive = z.grad();
        //! [composed]
        const std::vector<GraphNode> nodes = graph_nodes(J);

        //! [tape]
        // 2. Matrix autodiff: the same network as a tape of whole-matrix operations.
        Sequential network = example_network(hidden);
        Tape tape;
        const RecordedNetwork recorded = record(tape, network, tape.constant(x, "x"));
        const Var J_tape = tape.mse(recorded.output, t);
        tape.backward(J_tape);
        const Matrix& tape_dW1 = tape.grad(recorded.parameters[0][0]);
        const Matrix& tape_dW2 = tape.grad(recorded.parameters[1][0]);
        //! [tape]

        //! [hand]
        // 3. The hand-written backward pass of chapter 4, through the library's layers.
        const Matrix& y_hand = network.forward(x);
        const Matrix& dJ_dx_hand =
            network.backward(mse_gradient(y_hand, t), InputGradient::compute);
        const Matrix hand_dW1 = network.layer<Linear>(0).dJ_dW;
        const Matrix hand_dW2 = network.layer<Linear>(2).dJ_dW;
        //! [hand]
        const Matrix scalar_dW1 = grad_of(W1), scalar_dW2 = grad_of(W2);
        const double agreement = std::max({largest_relative_error(scalar_dW1, hand_dW1),
                                           largest_relative_error(tape_dW1, hand_dW1),
                                           largest_relative_error(scalar_dW2, hand_dW2),
                                           largest_relative_error(tape_dW2, hand_dW2)});

        //! [fan_out]
        // 4. Fan-out: each input feeds all three hidden neurons, so ∂J/∂x is a sum of three
        // paths. The classic bug assigns instead of adding, and keeps only the last path.
        const Matrix dJ_dx = grad_of(xs);
        J.backward(GradientUpdate::assign);
        const Matrix dJ_dx_assign = grad_of(xs);
        const Matrix dJ_dW1_assign = grad_of(W1);
        J.backward();  // the right gradients again
        //! [fan_out]

        //! [modes]
        // 5. Reverse mode against forward mode, counted on chapter 9's network, one batch.
        Sequential counted = mlp(counted_sizes, activations::relu, 42, Init::he);
        const RandomBatches one(1, batch, counted_sizes.front(), counted_sizes.back(), 7);
        Tape big;
        const RecordedNetwork big_net = record(big, counted, big.constant(one.X[0], "X"));
        const Var J_big = big.softmax_cross_entropy(big_net.output, one.T[0]);
        big.backward(J_big);  // every parameter's gradient: one backward pass
        const Var W1_big = big_net.parameters[0][0];
        const double reverse_value = big.grad(W1_big)(0, 0);
        const double forward_value = big.tangent(J_big, W1_big, 0);  // one entry: one pass
        std::size_t parameters = 0;
        for (const ParameterView& p : counted.parameters())
            parameters += p.value.size();
        const double reverse_flops = big.forward_flops() + big.backward_flops();
        const double one_entry_flops = big.forward_flops() + big.tangent_flops();
        const double forward_mode_flops = static_cast<double>(parameters) * one_entry_flops;
        //! [modes]

        //! [speed]
        // 6. One epoch of chapter 8's network, trained with the hand-written backward pass
        // and with the tape, from the same weights, with the same update.
        const std::size_t steps = std::max<std::size_t>(1, samples / batch);
        const RandomBatches pool(std::min<std::size_t>(steps, 16), batch, timed_sizes.front(),
                                 timed_sizes.back(), 1);
        Sequential by_hand = mlp(timed_sizes, activations::sigmoid, 42);
        Sequential by_tape = mlp(timed_sizes, activations::sigmoid, 42);
        Sequential fused = mlp(timed_sizes, activations::sigmoid, 42);
        Sgd sgd_hand, sgd_tape, sgd_fused;
        Matrix dJ_dZ;
        const auto step_by_hand = [&](std::size_t k) {
            const Matrix& X = pool.X[k % pool.X.size()];
            const Matrix& T = pool.T[k % pool.T.size()];
            const Matrix& Z = by_hand.forward(X);
            softmax_cross_entropy_gradient(Z, T, dJ_dZ);
            by_hand.backward(dJ_dZ);
            sgd_hand.step(by_hand, 0.1);
        };
        const auto step_by_tape = [&](std::size_t k) {
            const Matrix& X = pool.X[k % pool.X.size()];
            const Matrix& T = pool.T[k % pool.T.size()];
            Tape step_tape;
            const RecordedNetwork net = record(step_tape, by_tape, step_tape.constant(X, "X"));
            step_tape.backward(step_tape.softmax_cross_entropy(net.output, T));
            store_gradients(step_tape, net, by_tape);
            sgd_tape.step(by_tape, 0.1);
        };
        // As the library trains (chapters 8 and 9): the step taken inside the backward pass.
        const auto step_fused = [&](std::size_t k) {
            const Matrix& Z = fused.forward(pool.X[k % pool.X.size()]);
            softmax_cross_entropy_gradient(Z, pool.T[k % pool.T.size()], dJ_dZ);
            sgd_fused.backward_and_step(fused, dJ_dZ, 0.1);
        };
        step_by_hand(0);  // warm up: the layers' buffers, the velocities
        step_by_tape(0);
        step_fused(0);
        // The best of three rounds, taken in turn, so that a busy moment of the machine
        // does not land on one of the three alone.
        double hand_seconds = INFINITY, tape_seconds = INFINITY, fused_seconds = INFINITY;
        for (int round = 0; round < 3; ++round) {
            hand_seconds = std::min(hand_seconds, seconds_for(steps, step_by_hand));
            tape_seconds = std::min(tape_seconds, seconds_for(steps, step_by_tape));
            fused_seconds = std::min(fused_seconds, seconds_for(steps, step_fused));
        }
        const std::size_t epoch = 60000;  // samples, as in chapters 8 and 9
        const double epoch_scale = static_cast<double>(epoch) / static_cast<double>(steps * batch);
        //! [speed]
        const double tape_weights_difference = max_abs_difference(by_hand, by_tape);
        const double fused_weights_difference = max_abs_difference(by_hand, fused);

        //! [training]
        // 7. Chapter 5's training, its gradients from the tape, its update the library's Sgd.
        Sequential trained_by_hand = worked_example::network();
        Sequential trained_by_tape = worked_example::network();
        Sgd plain_hand, plain_tape;
        std::vector<double> loss_hand, loss_tape;
        for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
            const Matrix& y_now = trained_by_hand.forward(x);
            loss_hand.push_back(mse(y_now, t));
            trained_by_hand.backward(mse_gradient(y_now, t));
            plain_hand.step(trained_by_hand, worked_example::alpha);

            Tape epoch_tape;
            const RecordedNetwork net =
                record(epoch_tape, trained_by_tape, epoch_tape.constant(x, "x"));
            const Var J_epoch = epoch_tape.mse(net.output, t);
            loss_tape.push_back(epoch_tape.value(J_epoch)(0, 0));
            epoch_tape.backward(J_epoch);
            store_gradients(epoch_tape, net, trained_by_tape);
            plain_tape.step(trained_by_tape, worked_example::alpha);
        }
        //! [training]
        double loss_difference = 0;
        for (std::size_t e = 0; e < epochs; ++e)
            loss_difference = std::max(loss_difference, std::abs(loss_hand[e] - loss_tape[e]));

        if (!dot_path.empty()) write_file(dot_path, graph_dot(nodes));

        nlohmann::json node_list = nlohmann::json::array();
        for (std::size_t k = 0; k < nodes.size(); ++k)
            node_list.push_back({{"index", k},
                                 {"name", nodes[k].name},
                                 {"op", nodes[k].op},
                                 {"value", nodes[k].value},
                                 {"grad", nodes[k].grad},
                                 {"operands", nodes[k].operands},
                                 {"locals", nodes[k].locals}});
        nlohmann::json tape_list = nlohmann::json::array();
        for (const Tape::Entry& e : tape.entries())
            tape_list.push_back({{"op", e.op},
                                 {"name", e.name},
                                 {"inputs",
                                  [&] {
                                      std::vector<std::size_t> inputs;
                                      for (const Var v : e.inputs)
                                          inputs.push_back(v.index);
                                      return inputs;
                                  }()},
                                 {"needs_grad", e.needs_grad}});
        if (program.json.emit(nlohmann::json{
                {"hidden", hidden},
                {"scalar", {{"nodes", node_list}, {"node_count", nodes.size()}, {"J", J.data()}}},
                {"composed_sigmoid",
                 {{"z", z.data()},
                  {"value_composed", s_composed.data()},
                  {"value_primitive", s_primitive.data()},
                  {"derivative_composed", ds_composed},
                  {"derivative_primitive", ds_primitive}}},
                {"tape",
                 {{"entries", tape_list},
                  {"entry_count", tape.entries().size()},
                  {"J", tape.value(J_tape)(0, 0)}}},
                {"gradients",
                 {{"scalar",
                   {{"dJ_dW1", json_matrix(scalar_dW1)}, {"dJ_dW2", json_matrix(scalar_dW2)}}},
                  {"tape", {{"dJ_dW1", json_matrix(tape_dW1)}, {"dJ_dW2", json_matrix(tape_dW2)}}},
                  {"hand", {{"dJ_dW1", json_matrix(hand_dW1)}, {"dJ_dW2", json_matrix(hand_dW2)}}},
                  {"max_relative_difference", agreement}}},
                {"fan_out",
                 {{"dJ_dx", json_vector(dJ_dx)},
                  {"dJ_dx_assign", json_vector(dJ_dx_assign)},
                  {"dJ_dx_hand", json_vector(dJ_dx_hand)},
                  {"dJ_dW1_assign", json_matrix(dJ_dW1_assign)}}},
                {"modes",
                 {{"sizes", counted_sizes},
                  {"batch", batch},
                  {"parameters", parameters},
                  {"forward_flops", big.forward_flops()},
                  {"backward_flops", big.backward_flops()},
                  {"tangent_flops", big.tangent_flops()},
                  {"forward_mode_one_entry_flops", one_entry_flops},
                  {"reverse_mode_flops", reverse_flops},
                  {"forward_mode_flops", forward_mode_flops},
                  {"forward_over_reverse", forward_mode_flops / reverse_flops},
                  {"backward_over_forward", big.backward_flops() / big.forward_flops()},
                  {"reverse_value", reverse_value},
                  {"forward_value", forward_value}}},
                {"speed",
                 {{"sizes", timed_sizes},
                  {"batch", batch},
                  {"samples_timed", steps * batch},
                  {"epoch_samples", epoch},
                  {"hand_epoch_seconds", hand_seconds * epoch_scale},
                  {"tape_epoch_seconds", tape_seconds * epoch_scale},
                  {"fused_epoch_seconds", fused_seconds * epoch_scale},
                  {"fused_speedup", tape_seconds / fused_seconds},
                  {"hand_speedup", tape_seconds / hand_seconds},
                  {"tape_max_weight_difference", tape_weights_difference},
                  {"fused_max_weight_difference", fused_weights_difference}}},
                {"training",
                 {{"epochs", epochs},
                  {"final_loss_hand", loss_hand.back()},
                  {"final_loss_tape", loss_tape.back()},
                  {"max_loss_difference", loss_difference}}}}))
            return 0;

        Report report(std::cout, 30);
        report.title("Chapter 11: Automatic differentiation");
        if (hidden != "sigmoid") report.text(fmt::format("Hidden activation: {}", hidden));
        report.section(
            fmt::format("The scalar graph of the 2-3-1 example: {} nodes, in "
                        "topological order",
                        nodes.size()));
        report.text(fmt::format("{:>4}  {:<22}{:>14}{:>16}", "#", "node", "value", "∂J/∂node"));
        for (std::size_t k = 0; k < nodes.size(); ++k)
            report.text(fmt::format("{:>4}  {:<22}{}{}", k, nodes[k].name,
                                    table_cell(nodes[k].value, 14, 8),
                                    table_cell(nodes[k].grad, 16, 8)));
        report.section(
            fmt::format("The tape of the same network: {} entries", tape.entries().size()));
        for (std::size_t k = 0; k < tape.entries().size(); ++k) {
            const Tape::Entry& e = tape.entries()[k];
            std::vector<std::string> operands;
            for (const Var v : e.inputs)
                operands.push_back(tape.entries()[v.index].name);
            report.text(fmt::format("{:>4}  {:<10}{:<6}{:<12}{}", k, e.op, e.name,
                                    fmt::format("{}", fmt::join(operands, ", ")),
                                    e.needs_grad ? "gradient" : "no gradient"));
        }
        report.section("∂J/∂W three ways");
        report.text(
            fmt::format("{:<10}{:>16}{:>16}{:>16}", "weight", "scalar", "tape", "hand-written"));
        const auto gradient_rows = [&](const char* name, const Matrix& a, const Matrix& b,
                                       const Matrix& c) {
            for (std::size_t i = 0; i < a.size1(); ++i)
                for (std::size_t j = 0; j < a.size2(); ++j)
                    report.text(fmt::format("{:<10}{}{}{}", fmt::format("{}[{}][{}]", name, i, j),
                                            table_cell(a(i, j), 16, 12),
                                            table_cell(b(i, j), 16, 12),
                                            table_cell(c(i, j), 16, 12)));
        };
        gradient_rows("W1", scalar_dW1, tape_dW1, hand_dW1);
        gradient_rows("W2", scalar_dW2, tape_dW2, hand_dW2);
        report.value_scientific("largest relative difference", agreement);
        report.section("σ from −, exp, + and ÷, against σ as one operation, at z = z2");
        report.value("σ(z), composed", s_composed.data());
        report.value("σ(z), one operation", s_primitive.data());
        report.value("σ'(z), by the chain rule", ds_composed);
        report.value("σ'(z) = s(1 − s)", ds_primitive);
        report.section("Fan-out: x feeds three neurons, so ∂J/∂x sums three paths");
        report.value("∂J/∂x, backward adds", dJ_dx);
        report.value("∂J/∂x, hand: δ1 W1ᵀ", dJ_dx_hand);
        report.value("∂J/∂x, backward assigns", dJ_dx_assign);
        report.value("∂J/∂W1, backward assigns", dJ_dW1_assign);
        report.section(fmt::format("Reverse against forward mode: {} network, batch {}",
                                   fmt::join(counted_sizes, "-"), batch));
        report.value("parameters", fmt::format("{}", parameters));
        report.value_scientific("forward pass, flops", big.forward_flops());
        report.value_scientific("backward pass, flops", big.backward_flops());
        report.value_scientific("reverse mode, all gradients", reverse_flops);
        report.value_scientific("forward mode, one entry",
                                big.forward_flops() + big.tangent_flops());
        report.value_scientific("forward mode, all gradients", forward_mode_flops);
        report.value("forward / reverse",
                     fmt::format("{:.3g}", forward_mode_flops / reverse_flops));
        report.value("∂J/∂W1[0][0], reverse mode", reverse_value);
        report.value("∂J/∂W1[0][0], forward mode", forward_value);
        report.section(fmt::format("What the tape costs: a 60 000-sample epoch of the {} network",
                                   fmt::join(timed_sizes, "-")));
        report.text(fmt::format("Best of 3 rounds of {} samples each way, batch {}, 1 thread",
                                steps * batch, batch));
        report.value("hand-written backward, s", hand_seconds * epoch_scale);
        report.value("tape, s", tape_seconds * epoch_scale);
        report.value("hand-written, fused step, s", fused_seconds * epoch_scale);
        report.value("tape ÷ hand-written", fmt::format("{:.3g}", tape_seconds / hand_seconds));
        report.value("tape ÷ fused", fmt::format("{:.3g}", tape_seconds / fused_seconds));
        report.value_scientific("weights, tape − hand-written", tape_weights_difference);
        report.value_scientific("weights, fused − hand-written", fused_weights_difference);
        report.section(
            fmt::format("Chapter 5's training, {} epochs, gradients from the tape", epochs));
        report.value_scientific("final J, hand-written", loss_hand.back());
        report.value_scientific("final J, tape", loss_tape.back());
        report.value_scientific("largest loss difference", loss_difference);
        return 0;
    });
}
