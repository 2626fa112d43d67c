// Chapter 3: the loss.
//
// The article measures the error of the output y against the target t with
//
//     J = ½ (y − t)²,
//
// whose derivative is simply dJ/dy = y − t: the target t is a constant. (The article's
// chain rule ∂J/∂y = ∂J/∂t · ∂t/∂y is wrong; ∂t/∂y is zero.)
//
// For contrast the chapter also computes binary cross-entropy for the same output,
// J = −(t ln y + (1 − t) ln(1 − y)). Through a sigmoid output its gradient with respect to
// z2 loses the factor σ'(z2) that slows learning when the sigmoid saturates:
//
//     MSE:            dJ/dz2 = (y − t) σ'(z2)
//     cross-entropy:  dJ/dz2 = (y − t)

#include <iostream>

#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/worked_example.hpp"

using namespace backprop;

int main(int argc, char** argv) {
    Program program{"Chapter 3: the loss of the worked example's output, MSE and cross-entropy.",
                    "ch03_loss"};
    return program.run(argc, argv, [&] {
        // The forward pass of chapter 2, through the library's network.
        Sequential network = worked_example::network();
        const Matrix x = worked_example::x();            // (1, 2)
        const Matrix y = network.forward(x);             // (1, 1)
        const Matrix& z2 = network.layers[2]->output();  // (1, 1), before the last σ
        const Matrix t = worked_example::t();            // (1, 1)
        const Matrix sigma_prime_z2 = activations::sigmoid.derivative(z2);

        //! [loss]
        // The article's loss and its gradient with respect to y.
        const double J = mse(y, t);               // ½ (y − t)²
        const Matrix dJ_dy = mse_gradient(y, t);  // y − t
        const Matrix dJ_dz2 = hadamard(dJ_dy, sigma_prime_z2);
        //! [loss]

        //! [cross_entropy]
        // Cross-entropy for the same output: the σ'(z2) factor cancels.
        const double J_ce = binary_cross_entropy(y, t);
        const Matrix dJce_dy = binary_cross_entropy_gradient(y, t);  // (y − t) / (y (1 − y))
        const Matrix dJce_dz2 = hadamard(dJce_dy, sigma_prime_z2);   // y − t
        //! [cross_entropy]

        if (program.json.emit(nlohmann::json{{"y", json_vector(y)},
                                             {"t", json_vector(t)},
                                             {"J", J},
                                             {"dJ_dy", json_vector(dJ_dy)},
                                             {"dJ_dz2", json_vector(dJ_dz2)},
                                             {"J_cross_entropy", J_ce},
                                             {"dJ_cross_entropy_dy", json_vector(dJce_dy)},
                                             {"dJ_cross_entropy_dz2", json_vector(dJce_dz2)}}))
            return 0;

        Report report(std::cout, 28);
        report.title("Chapter 3: The loss");
        report.section("Output of the forward pass (chapter 2)");
        report.value("y", y);
        report.value("t", t);
        report.section("Mean squared error, as the article defines it");
        report.value("J = ½ (y − t)²", J);
        report.value("dJ/dy = y − t", dJ_dy);
        report.value("dJ/dz2 = (y − t) σ'(z2)", dJ_dz2);
        report.section("Binary cross-entropy, for contrast");
        report.value("J = −t ln y − (1−t) ln(1−y)", J_ce);
        report.value("dJ/dy = (y−t) / (y(1−y))", dJce_dy);
        report.value("dJ/dz2 = y − t", dJce_dz2);
        return 0;
    });
}
