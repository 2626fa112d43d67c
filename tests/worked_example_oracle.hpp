// The article's worked example, derived independently of the library under test.
//
// Every value is spelled out scalar by scalar in long double (64-bit mantissa on x86-64,
// about 3 more decimal digits than double), with no uBLAS and no library call. The
// library computes in double, so agreement to 1e-12 relative is both achievable and
// far tighter than any plausible bug.
#pragma once

#include <array>
#include <cmath>

namespace oracle {

using real = long double;

inline real sigmoid(real z) {
    return 1.0L / (1.0L + std::exp(-z));
}

/// One forward and backward pass of the 2-3-1 network, z1 = W1ᵀ x.
struct WorkedExample {
    // Inputs, as the article prints them.
    real x[2] = {0.5L, 0.8L};
    real t = 0.7L;
    real alpha = 0.1L;
    real W1[2][3] = {{0.1L, 0.2L, 0.3L}, {0.4L, 0.5L, 0.6L}};  // row i: weights leaving x_i
    real W2[3] = {0.7L, 0.8L, 0.9L};                           // the 3x1 column

    // Forward.
    real z1[3], a1[3], z2, y;
    // Loss.
    real J, dJ_dy;
    // Backward: the local derivatives σ'(z) = a (1 − a), ∂J/∂a1 = δ2 W2ᵀ, the δs, the gradients.
    real sigma_prime_z2, sigma_prime_z1[3], dJ_da1[3];
    real delta2, delta1[3], dJ_dW1[2][3], dJ_dW2[3];
    // Update.
    real W1_new[2][3], W2_new[3];

    /// The article's example.
    WorkedExample() { compute(); }

    /// The same sample through other weights and learning rate (to follow training).
    WorkedExample(const real (&W1_)[2][3], const real (&W2_)[3], real alpha_ = 0.1L) {
        alpha = alpha_;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j)
                W1[i][j] = W1_[i][j];
        for (int j = 0; j < 3; ++j)
            W2[j] = W2_[j];
        compute();
    }

    /// The pass after this one: the same sample through the updated weights.
    WorkedExample next() const { return WorkedExample(W1_new, W2_new, alpha); }

  private:
    void compute() {
        for (int j = 0; j < 3; ++j) {
            z1[j] = x[0] * W1[0][j] + x[1] * W1[1][j];
            a1[j] = sigmoid(z1[j]);
        }
        z2 = W2[0] * a1[0] + W2[1] * a1[1] + W2[2] * a1[2];
        y = sigmoid(z2);

        J = 0.5L * (y - t) * (y - t);
        dJ_dy = y - t;

        sigma_prime_z2 = y * (1 - y);  // σ'(z2) = y (1 − y)
        delta2 = dJ_dy * sigma_prime_z2;
        for (int j = 0; j < 3; ++j) {
            sigma_prime_z1[j] = a1[j] * (1 - a1[j]);
            dJ_da1[j] = delta2 * W2[j];
            delta1[j] = dJ_da1[j] * sigma_prime_z1[j];
            dJ_dW2[j] = a1[j] * delta2;
            W2_new[j] = W2[j] - alpha * dJ_dW2[j];
        }
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j) {
                dJ_dW1[i][j] = x[i] * delta1[j];
                W1_new[i][j] = W1[i][j] - alpha * dJ_dW1[i][j];
            }
    }

  public:
    /// Binary cross-entropy of the same output, −(t ln y + (1 − t) ln(1 − y)).
    real cross_entropy() const { return -(t * std::log(y) + (1 - t) * std::log(1 - y)); }
};

}  // namespace oracle
