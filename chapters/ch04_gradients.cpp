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
// Every gradient is then checked against central finite differences of J.

#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
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

}  // namespace

int main(int argc, char** argv) {
    Program program{"Chapter 4: backpropagation through the worked example, checked numerically.",
                    "ch04_gradients"};
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
        // Propagate the error back through W2: δ1 = (δ2 W2ᵀ) ⊙ σ'(z1).
        const Matrix delta1 = hadamard(matmul_A_Bt(delta2, W2), sigma.derivative(z1));  // (1, 3)
        // Weight gradients: the input of each layer times its error signal.
        const Matrix dJ_dW2 = matmul_At_B(a1, delta2);  // (1, 3)ᵀ x (1, 1) -> (3, 1)
        const Matrix dJ_dW1 = matmul_At_B(x, delta1);   // (1, 2)ᵀ x (1, 3) -> (2, 3)
        // One step of gradient descent.
        const Matrix W1_new = W1 - alpha * dJ_dW1;
        const Matrix W2_new = W2 - alpha * dJ_dW2;
        //! [backward]

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

        nlohmann::json rows = nlohmann::json::array();
        for (const CheckRow& row : check)
            rows.push_back({{"entry", row.entry},
                            {"backprop", row.backprop},
                            {"numeric", row.numeric},
                            {"relative_error", row.relative_error}});
        if (program.json.emit(
                nlohmann::json{{"delta2", json_vector(delta2)},
                               {"delta1", json_vector(delta1)},
                               {"dJ_dW1", json_matrix(dJ_dW1)},
                               {"dJ_dW2", json_matrix(dJ_dW2)},
                               {"W1_new", json_matrix(W1_new)},
                               {"W2_new", json_matrix(W2_new)},
                               {"library_max_difference", library_difference},
                               {"gradient_check",
                                {{"entries", rows}, {"max_relative_error", max_relative_error}}}}))
            return 0;

        Report report(std::cout);
        report.title("Chapter 4: Backpropagation");
        report.section("Error signals");
        report.value("δ2 = (y − t) σ'(z2)", delta2);
        report.value("δ1 = (δ2 W2ᵀ) ⊙ σ'(z1)", delta1);
        report.section("Gradients");
        report.value("∂J/∂W1 = xᵀ δ1", dJ_dW1);
        report.value("∂J/∂W2 = a1ᵀ δ2", dJ_dW2);
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
