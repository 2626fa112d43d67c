#include "backprop/nn/loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "backprop/core/shape_check.hpp"

namespace backprop {
namespace {

double batch_size(const Matrix& Y) {
    return static_cast<double>(Y.size1());
}

/// Softmax needs at least one class: a row of logits without columns has no maximum.
void require_classes(const char* operation, const Matrix& Z) {
    if (Z.size2() == 0 && Z.size1() > 0)
        throw std::invalid_argument(std::string(operation) + ": Z is " + to_string(shape_of(Z)) +
                                    ": the logits need at least one column (one per class)");
}

/// \f$\mathrm{logsumexp}(z) = m + \ln\sum_j e^{z_j - m}\f$ with \f$m = \max_j z_j\f$,
/// for row \p i of \p Z, which has at least one column.
double logsumexp_row(const Matrix& Z, std::size_t i) {
    double m = Z(i, 0);
    for (std::size_t j = 1; j < Z.size2(); ++j)
        m = std::max(m, Z(i, j));
    double sum = 0.0;  // at least 1: the largest logit's term is e^0
    for (std::size_t j = 0; j < Z.size2(); ++j)
        sum += std::exp(Z(i, j) - m);
    return m + std::log(std::max(sum, 1.0));
}

}  // namespace

double mse(const Matrix& Y, const Matrix& T) {
    require_same_shape("mse", "Y", Y, "T", T);
    double sum = 0.0;
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double e = Y(i, k) - T(i, k);
            sum += 0.5 * e * e;
        }
    return sum / batch_size(Y);
}

Matrix mse_gradient(const Matrix& Y, const Matrix& T) {
    require_same_shape("mse_gradient", "Y", Y, "T", T);
    //! [mse_gradient]
    // ∂J/∂Y = (Y − T)/B: the article's y − t, averaged over the batch.
    return (Y - T) / batch_size(Y);
    //! [mse_gradient]
}

double binary_cross_entropy(const Matrix& Y, const Matrix& T) {
    require_same_shape("binary_cross_entropy", "Y", Y, "T", T);
    double sum = 0.0;
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(i, k), t = T(i, k);
            sum -= t * std::log(y) + (1.0 - t) * std::log1p(-y);
        }
    return sum / batch_size(Y);
}

Matrix binary_cross_entropy_gradient(const Matrix& Y, const Matrix& T) {
    require_same_shape("binary_cross_entropy_gradient", "Y", Y, "T", T);
    Matrix G(Y.size1(), Y.size2());
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(i, k), t = T(i, k);
            G(i, k) = (y - t) / (y * (1.0 - y)) / batch_size(Y);
        }
    return G;
}

Matrix categorical_cross_entropy_gradient(const Matrix& Y, const Matrix& T) {
    require_same_shape("categorical_cross_entropy_gradient", "Y", Y, "T", T);
    // ∂J/∂y_k = −t_k / y_k per sample, over B; where t_k = 0 the term t_k ln y_k is absent.
    Matrix G(Y.size1(), Y.size2());
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(i, k), t = T(i, k);
            G(i, k) = t == 0 ? 0.0 : -t / y / batch_size(Y);
        }
    return G;
}

Matrix softmax(const Matrix& Z) {
    require_classes("softmax", Z);
    Matrix P(Z.size1(), Z.size2());
    for (std::size_t i = 0; i < Z.size1(); ++i) {
        const double lse = logsumexp_row(Z, i);
        for (std::size_t k = 0; k < Z.size2(); ++k)
            P(i, k) = std::exp(Z(i, k) - lse);
    }
    return P;
}

double softmax_cross_entropy(const Matrix& Z, const Matrix& T) {
    require_same_shape("softmax_cross_entropy", "Z", Z, "T", T);
    require_classes("softmax_cross_entropy", Z);
    double sum = 0.0;
    for (std::size_t i = 0; i < Z.size1(); ++i) {
        const double lse = logsumexp_row(Z, i);
        for (std::size_t k = 0; k < Z.size2(); ++k)
            sum -= T(i, k) * (Z(i, k) - lse);
    }
    return sum / batch_size(Z);
}

// For targets t that sum to s per row, dJ/dz_k = s * softmax(z)_k - t_k; with one-hot (or
// any probability) targets s = 1 and this is the familiar softmax(z) - t.
void softmax_cross_entropy_gradient(const Matrix& Z, const Matrix& T, Matrix& G) {
    require_same_shape("softmax_cross_entropy_gradient", "Z", Z, "T", T);
    require_classes("softmax_cross_entropy_gradient", Z);
    ensure_shape(G, Z.size1(), Z.size2());
    for (std::size_t i = 0; i < Z.size1(); ++i) {
        const double lse = logsumexp_row(Z, i);
        double s = 0.0;
        for (std::size_t k = 0; k < Z.size2(); ++k)
            s += T(i, k);
        for (std::size_t k = 0; k < Z.size2(); ++k)
            G(i, k) = (s * std::exp(Z(i, k) - lse) - T(i, k)) / batch_size(Z);
    }
}

Matrix softmax_cross_entropy_gradient(const Matrix& Z, const Matrix& T) {
    Matrix G;
    softmax_cross_entropy_gradient(Z, T, G);
    return G;
}

}  // namespace backprop
