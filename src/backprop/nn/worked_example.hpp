/// \file
/// \brief The article's worked example (section 4.3): a 2-3-1 sigmoid network, one sample.
///
/// The article prints \f$W_1\f$ as a 2x3 matrix and \f$W_2\f$ as a 3x1 column, then writes
/// `z1 = w1 @ [x1, x2]`, which does not type-check (a 2x3 matrix times a 2-vector), while its
/// code stores w1 as hidden x input (3x2). The only reading under which the printed numbers
/// are dimensionally valid is \f$z_1 = W_1^T x\f$: row i of \f$W_1\f$ belongs to input i.
/// That is exactly this library's orientation, `(in, out)`, so the printed matrices are
/// used as they stand.
#pragma once

#include "backprop/core/matrix.hpp"
#include "backprop/nn/layers.hpp"

/// The article's worked example: its inputs, weights and learning rate.
namespace backprop::worked_example {

/// The input \f$x = (0.5, 0.8)\f$ as one sample, `(1, 2)`.
Matrix x();
/// The target \f$t = 0.7\f$, `(1, 1)`.
Matrix t();
/// \f$W_1\f$, `(2, 3)`: row i holds the weights leaving input i.
Matrix W1();
/// \f$W_2\f$, `(3, 1)`.
Matrix W2();
/// The learning rate \f$\alpha\f$.
inline constexpr double alpha = 0.1;

/// The network 2-3-1 with sigmoid activations and no biases, holding \p W1 and \p W2:
/// layers `Linear(W1)`, σ, `Linear(W2)`, σ, so that layer 0's output is \f$z_1\f$, layer
/// 1's \f$a_1\f$, layer 2's \f$z_2\f$ and layer 3's \f$y\f$.
Sequential network(const Matrix& W1, const Matrix& W2);
/// The network with the article's initial weights.
inline Sequential network() {
    return network(W1(), W2());
}

}  // namespace backprop::worked_example
