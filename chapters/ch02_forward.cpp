// Chapter 2: the forward pass.
//
// The article's worked example is a 2-3-1 network with sigmoid activations and no biases.
// The article prints W1 as a 2x3 matrix but writes z1 = w1 @ [x1, x2], which does not
// type-check: a 2x3 matrix cannot multiply a 2-vector. (Its code stores w1 the other way
// round, as hidden x input, 3x2.) The only reading under which the printed numbers are
// dimensionally valid is
//
//     z1 = W1ᵀ x,    row i of W1 holds the weights leaving input i.
//
// We keep every sample as a row, so the same product is written x W1: (1, 2) x (2, 3).
// The article's printed z1 = [0.47, 0.74, 1.01] does not follow from its inputs under
// any reading; the errata program lists every such number.

#include <iostream>

#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/nn/worked_example.hpp"

using namespace backprop;

int main(int argc, char** argv) {
    Program program{"Chapter 2: the forward pass of the article's 2-3-1 network.", "ch02_forward"};
    return program.run(argc, argv, [&] {
        const Matrix x = worked_example::x();    // (1, 2)
        const Matrix W1 = worked_example::W1();  // (2, 3)
        const Matrix W2 = worked_example::W2();  // (3, 1)
        const Activation sigma = activations::sigmoid;

        //! [forward]
        // Hidden layer: the weighted sums, then the activations.
        const Matrix z1 = matmul(x, W1);  // (1, 2) x (2, 3) -> (1, 3), i.e. W1ᵀ x
        const Matrix a1 = sigma(z1);      // (1, 3)
        // Output layer: the same two steps on a1.
        const Matrix z2 = matmul(a1, W2);  // (1, 3) x (3, 1) -> (1, 1), i.e. W2ᵀ a1
        const Matrix y = sigma(z2);        // (1, 1)
        //! [forward]

        if (program.json.emit(nlohmann::json{{"z1", json_vector(z1)},
                                             {"a1", json_vector(a1)},
                                             {"z2", json_vector(z2)},
                                             {"y", json_vector(y)}}))
            return 0;

        Report report(std::cout);
        report.title("Chapter 2: The forward pass");
        report.section("Inputs (the article's worked example)");
        report.value("x", x);
        report.value("W1 (row i: from x_i)", W1);
        report.value("W2", W2);
        report.section("Hidden layer");
        report.value("z1 = W1ᵀ x", z1);
        report.value("a1 = σ(z1)", a1);
        report.section("Output layer");
        report.value("z2 = W2ᵀ a1", z2);
        report.value("y  = σ(z2)", y);
        return 0;
    });
}
