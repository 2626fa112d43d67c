#include "backprop/nn/dense.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "backprop/core/linalg.hpp"
#include "backprop/core/shape_check.hpp"

namespace backprop {

Dense::Dense(const Matrix& W, const Activation& f) : W(W), f(f) {}

Dense::Dense(const Matrix& W_, const Vector& b_, const Activation& f) : W(W_), b(b_), f(f) {
    if (b->size() != W.size2())
        throw std::invalid_argument("Dense: b has " + std::to_string(b->size()) +
                                    " entries but W (" + to_string(shape_of(W)) + ") has " +
                                    std::to_string(W.size2()) + " columns");
}

const Matrix& Dense::forward(const Matrix& X_) {
    require_product("Dense::forward", "X", shape_of(X_), "W", shape_of(W));
    X = X_;
    // Weighted sums: (batch, in) x (in, out) -> (batch, out), plus the bias on every row.
    Z = matmul(X, W);
    if (b)
        for (std::size_t i = 0; i < Z.size1(); ++i)
            row(Z, i) += *b;
    // Activations: (batch, out) -> (batch, out).
    A = f(Z);
    return A;
}

DenseGradients Dense::backward(const Matrix& dJ_dA) const {
    if (A.size1() == 0) throw std::logic_error("Dense::backward: called before forward");
    require_same_shape("Dense::backward", "dJ/dA", dJ_dA, "A", A);
    DenseGradients g;
    // Error signal: delta = dJ/dA (.) f'(Z), (batch, out).
    g.delta = hadamard(dJ_dA, f.derivative(Z));
    // Weights: X^T delta, (batch, in)^T x (batch, out) -> (in, out).
    g.dJ_dW = matmul_At_B(X, g.delta);
    // Bias: every sample's delta, summed over the batch, (out).
    if (b) g.dJ_db = column_sums(g.delta);
    // Input: delta W^T, (batch, out) x (in, out)^T -> (batch, in).
    g.dJ_dX = matmul_A_Bt(g.delta, W);
    return g;
}

}  // namespace backprop
