// Chapter 4: backpropagation.
//
// The chain rule, applied from the loss back to every weight. With δ = ∂J/∂z for each
// layer ("the error signal"), one sample as a row, and W of shape (in, out):
//
//     δ2     = (y − t) ⊙ σ'(z2)          output layer      (1, 1)
//     δ1     = (δ2 W2ᵀ) ⊙ σ'(z1)         hidden layer      (1, 1) x (3, 1)ᵀ -> (1, 3)
//     ∂J/∂W2 = a1ᵀ δ2                                      (1, 3)ᵀ x (1, 1) -> (3, 1)
//     ∂J/∂W1 = xᵀ δ1                                       (1, 2)ᵀ x (1, 3) -> (2, 3)
//     W     ← W − α ∂J/∂W                 gradient descent
//
// The article writes δ1 = (w2.T @ δ2) ⊙ σ'(z1) and w1 −= α δ1 @ xᵀ, which is the same
// computation in its own (out, in) orientation. Its printed numbers are not: see errata.
//
// One weight, W1[0][0], is then followed from the loss back to the input as a product of
// local derivatives, and every gradient is checked against central finite differences of J.
// With --dot FILE the program also draws the backward pass as a Graphviz graph.

#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/data/files.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/gradient_check.hpp"

using namespace backprop;

namespace {

// One weight's analytic and numerical gradient, for the check table.
struct CheckRow {
    std::string entry;
    double backprop, numeric, relative_error;
};

// Compares the analytic gradient of \p W with central differences of J, entry by entry.
std::vector<CheckRow> check_gradient(const std::string& name, const Matrix& analytic, Matrix& W,
                                     const std::function<double()>& J) {
    const Matrix numeric = numerical_gradient(J, W);
    std::vector<CheckRow> rows;
    for (std::size_t i = 0; i < W.size1(); ++i)
        for (std::size_t j = 0; j < W.size2(); ++j)
            rows.push_back({fmt::format("{}[{}][{}]", name, i, j), analytic(i, j), numeric(i, j),
                            relative_error(analytic(i, j), numeric(i, j))});
    return rows;
}

// A number as the book's prose shows it: five significant digits.
std::string five_digits(double v) {
    return fmt::format("{:.5g}", v);
}

// A matrix as the rows of an HTML-like Graphviz table, numbers right-aligned.
std::string html_rows(const Matrix& m) {
    std::string rows;
    for (std::size_t i = 0; i < m.size1(); ++i) {
        rows += "<TR>";
        for (std::size_t j = 0; j < m.size2(); ++j)
            rows += fmt::format(R"(<TD ALIGN="RIGHT">{}{}</TD>)", j == 0 ? "" : "&#160;&#160;",
                                five_digits(m(i, j)));
        rows += "</TR>";
    }
    return rows;
}

// One node of the backward graph: what it holds (\p name), its shape and its values.
std::string node_label(const std::string& name, const Matrix& m) {
    return fmt::format(R"(<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">)"
                       R"(<TR><TD COLSPAN="{0}">{1}</TD></TR>)"
                       R"(<TR><TD COLSPAN="{0}">({2}×{3})</TD></TR>{4}</TABLE>>)",
                       m.size2(), name, m.size1(), m.size2(), html_rows(m));
}

// The backward pass as a Graphviz graph: the computation graph of chapter 2 (figures/
// network.dot) with every arrow reversed and every node showing the derivative of J with
// respect to its value. The weights' gradients hang below the error signals they come from.
std::string backward_graph(const Matrix& dJ_dy, const Matrix& delta2, const Matrix& dJ_da1,
                           const Matrix& delta1, const Matrix& dJ_dW2, const Matrix& dJ_dW1) {
    std::string dot =
        R"dot(// The backward pass of the 2-3-1 network, written by ch04_gradients --dot.
digraph backward {
    rankdir = LR;
    bgcolor = "transparent";
    nodesep = 0.25;
    ranksep = 0.2;
    node [fontname = "Helvetica", fontsize = 12, shape = box, style = "rounded,filled",
          fillcolor = "#eef3fb", color = "#4a6fa5"];
    edge [fontname = "Helvetica", fontsize = 11, color = "#b03a2e", fontcolor = "#b03a2e",
          dir = back, penwidth = 1.5];

    J  [label = "J", shape = doublecircle, style = filled, fillcolor = "#dff3e3"];
)dot";
    // Weights' gradients as square boxes, as chapter 2 draws the weights; the others rounded.
    const auto node = [&](const char* id, const std::string& name, const Matrix& m,
                          bool weight = false) {
        dot += fmt::format("    {} [label = {}{}];\n", id, node_label(name, m),
                           weight ? R"(, style = filled, fillcolor = "#fde2e2")" : "");
    };
    node("W1", "∂J/∂W1", dJ_dW1, true);
    node("W2", "∂J/∂W2", dJ_dW2, true);
    node("z1", "δ1 = ∂J/∂z1", delta1);
    node("a1", "∂J/∂a1", dJ_da1);
    node("z2", "δ2 = ∂J/∂z2", delta2);
    node("y", "∂J/∂y", dJ_dy);
    dot += R"dot(
    // Each arrow points from a derivative to the one computed from it, labelled with how.
    W1 -> z1 [label = "xᵀ δ1", constraint = false];
    z1 -> a1 [label = "⊙ σ'(z1)"];
    a1 -> z2 [label = "δ2 W2ᵀ"];
    W2 -> z2 [label = "a1ᵀ δ2", constraint = false];
    z2 -> y  [label = "⊙ σ'(z2)"];
    y  -> J  [label = "y − t", minlen = 2];
    { rank = same; z1; W1; }
    { rank = same; z2; W2; }
}
)dot";
    return dot;
}

}  // namespace

int main(int argc, char** argv) {
    Program program{"Chapter 4: backpropagation through the worked example, checked numerically.",
                    "ch04_gradients"};
    std::string dot_path;
    program.app
        .add_option("--dot", dot_path, "Write the backward pass as a Graphviz graph to this file")
        ->check(writable_destination());
    return program.run(argc, argv, [&] {
        const Matrix x = worked_example::x();  // (1, 2)
        const Matrix t = worked_example::t();  // (1, 1)
        const double alpha = worked_example::alpha;
        const Activation sigma = activations::sigmoid;

        // The forward pass of chapter 2, through the library's network: Linear(W1), σ,
        // Linear(W2), σ. Copies, because the gradient check below runs it again with nudged
        // weights.
        Sequential network = worked_example::network();
        const Matrix y = network.forward(x);            // (1, 1)
        const Matrix W1 = network.layer<Linear>(0).W;   // (2, 3)
        const Matrix W2 = network.layer<Linear>(2).W;   // (3, 1)
        const Matrix z1 = network.layers[0]->output();  // (1, 3)
        const Matrix a1 = network.layers[1]->output();  // (1, 3)
        const Matrix z2 = network.layers[2]->output();  // (1, 1)

        //! [backward]
        // Output layer error signal: δ2 = ∂J/∂y ⊙ σ'(z2), with ∂J/∂y = y − t.
        const Matrix delta2 = hadamard(mse_gradient(y, t), sigma.derivative(z2));  // (1, 1)
        // Propagate the error back through W2, then through σ: δ1 = (δ2 W2ᵀ) ⊙ σ'(z1).
        const Matrix dJ_da1 = matmul_A_Bt(delta2, W2);  // (1, 1) x (3, 1)ᵀ -> (1, 3)
        const Matrix delta1 = hadamard(dJ_da1, sigma.derivative(z1));  // (1, 3)
        // Weight gradients: the input of each layer times its error signal.
        const Matrix dJ_dW2 = matmul_At_B(a1, delta2);  // (1, 3)ᵀ x (1, 1) -> (3, 1)
        const Matrix dJ_dW1 = matmul_At_B(x, delta1);   // (1, 2)ᵀ x (1, 3) -> (2, 3)
        // One step of gradient descent.
        const Matrix W1_new = W1 - alpha * dJ_dW1;
        const Matrix W2_new = W2 - alpha * dJ_dW2;
        //! [backward]

        //! [chain]
        // One weight, W1[0][0] (from x[0] to hidden neuron 0), followed along its only path
        // to the loss, W1[0][0] -> z1[0] -> a1[0] -> z2 -> y -> J: one local derivative per
        // arrow (the forward step it differentiates on the right), and their product.
        const double dJ_dy = mse_gradient(y, t)(0, 0);          // J = ½ (y − t)²
        const double dy_dz2 = sigma.derivative(z2)(0, 0);       // y = σ(z2)
        const double dz2_da1_0 = W2(0, 0);                      // z2 = Σ_j a1[j] W2[j][0]
        const double da1_0_dz1_0 = sigma.derivative(z1)(0, 0);  // a1[0] = σ(z1[0])
        const double dz1_0_dW1_0_0 = x(0, 0);                   // z1[0] = Σ_i x[i] W1[i][0]
        const double dJ_dW1_0_0 = dJ_dy * dy_dz2 * dz2_da1_0 * da1_0_dz1_0 * dz1_0_dW1_0_0;
        //! [chain]

        //! [library]
        // The library's Sequential::backward does the same, layer by layer: each σ layer
        // multiplies by σ'(z), each Linear layer stores its ∂J/∂W and sends δ Wᵀ back.
        network.backward(mse_gradient(y, t));
        const double library_difference =
            std::max(norm_inf(network.layer<Linear>(0).dJ_dW - dJ_dW1),
                     norm_inf(network.layer<Linear>(2).dJ_dW - dJ_dW2));
        //! [library]

        //! [gradient_check]
        // Nudge each weight by ±h and watch J: (J(w + h) − J(w − h)) / 2h ≈ ∂J/∂w
        // (refined with a second difference at 2h; see gradient_check.hpp).
        const auto J = [&] { return mse(network.forward(x), t); };
        std::vector<CheckRow> check = check_gradient("W1", dJ_dW1, network.layer<Linear>(0).W, J);
        for (CheckRow& row : check_gradient("W2", dJ_dW2, network.layer<Linear>(2).W, J))
            check.push_back(row);
        double max_relative_error = 0.0;
        for (const CheckRow& row : check)
            max_relative_error = std::max(max_relative_error, row.relative_error);
        //! [gradient_check]

        if (!dot_path.empty())
            write_file(dot_path,
                       backward_graph(mse_gradient(y, t), delta2, dJ_da1, delta1, dJ_dW2, dJ_dW1));

        nlohmann::json rows = nlohmann::json::array();
        for (const CheckRow& row : check)
            rows.push_back({{"entry", row.entry},
                            {"backprop", row.backprop},
                            {"numeric", row.numeric},
                            {"relative_error", row.relative_error}});
        if (program.json.emit(
                nlohmann::json{{"delta2", json_vector(delta2)},
                               {"dJ_da1", json_vector(dJ_da1)},
                               {"delta1", json_vector(delta1)},
                               {"dJ_dW1", json_matrix(dJ_dW1)},
                               {"dJ_dW2", json_matrix(dJ_dW2)},
                               {"chain",
                                {{"weight", "W1[0][0]"},
                                 {"dJ_dy", dJ_dy},
                                 {"dy_dz2", dy_dz2},
                                 {"dz2_da1_0", dz2_da1_0},
                                 {"da1_0_dz1_0", da1_0_dz1_0},
                                 {"dz1_0_dW1_0_0", dz1_0_dW1_0_0},
                                 {"product", dJ_dW1_0_0}}},
                               {"W1_new", json_matrix(W1_new)},
                               {"W2_new", json_matrix(W2_new)},
                               {"library_max_difference", library_difference},
                               {"gradient_check",
                                {{"entries", rows}, {"max_relative_error", max_relative_error}}}}))
            return 0;

        Report report(std::cout, 28);
        report.title("Chapter 4: Backpropagation");
        report.section("Error signals");
        report.value("δ2 = (y − t) σ'(z2)", delta2);
        report.value("∂J/∂a1 = δ2 W2ᵀ", dJ_da1);
        report.value("δ1 = ∂J/∂a1 ⊙ σ'(z1)", delta1);
        report.section("Gradients");
        report.value("∂J/∂W1 = xᵀ δ1", dJ_dW1);
        report.value("∂J/∂W2 = a1ᵀ δ2", dJ_dW2);
        report.section("One weight, all the way back: ∂J/∂W1[0][0]");
        report.value("∂J/∂y = y − t", dJ_dy);
        report.value("∂y/∂z2 = σ'(z2)", dy_dz2);
        report.value("∂z2/∂a1[0] = W2[0][0]", dz2_da1_0);
        report.value("∂a1[0]/∂z1[0] = σ'(z1[0])", da1_0_dz1_0);
        report.value("∂z1[0]/∂W1[0][0] = x[0]", dz1_0_dW1_0_0);
        report.value("product of the five", dJ_dW1_0_0);
        report.value("∂J/∂W1[0][0] from xᵀ δ1", dJ_dW1(0, 0));
        report.section(fmt::format("One step of gradient descent, α = {}", alpha));
        report.value("W1 − α ∂J/∂W1", W1_new);
        report.value("W2 − α ∂J/∂W2", W2_new);
        report.section("The library's Sequential::backward");
        report.value_scientific("largest difference from the steps above", library_difference);
        report.section("Finite-difference check: central differences at h and 2h, h = 1e-4");
        report.text(fmt::format("{:<10}{:>16}{:>20}{:>18}", "weight", "backprop",
                                "central difference", "relative error"));
        for (const CheckRow& row : check)
            report.text(fmt::format("{:<10}{:>16.10f}{:>20.10f}{:>18.1e}", row.entry, row.backprop,
                                    row.numeric, row.relative_error));
        report.text(fmt::format("largest relative error: {:.1e}", max_relative_error));
        return 0;
    });
}
