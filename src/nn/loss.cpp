#include "backprop/nn/loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "backprop/core/shape_check.hpp"

namespace backprop {
namespace {

template <Scalar S>
double batch_size(const MatrixOf<S>& Y) {
    return static_cast<double>(Y.size1());
}

/// Softmax needs at least one class: a row of logits without columns has no maximum.
template <Scalar S>
void require_classes(const char* operation, const MatrixOf<S>& Z) {
    if (Z.size2() == 0 && Z.size1() > 0)
        throw std::invalid_argument(std::string(operation) + ": Z is " + to_string(shape_of(Z)) +
                                    ": the logits need at least one column (one per class)");
}

/// One row of logits, normalised: what softmax and its cross-entropy need, in full
/// precision. With \f$m = \max_j z_j\f$ (at column `argmax`) and
/// \f$S = \sum_{j \ne \text{argmax}} e^{z_j - m}\f$,
/// \f[ \mathrm{logsumexp}(z) = m + \ln(1 + S), \qquad
///     \ln \hat y_k = (z_k - m) - \operatorname{log1p}(S), \qquad
///     \hat y_k = e^{z_k - m} / (1 + S). \f]
/// Shifting by the maximum keeps every exponential at most 1 (no overflow), and log1p(S)
/// keeps the full relative precision of \f$\ln \hat y_k\f$ when S is tiny: m + ln(1 + S)
/// computed as one number would round \f$\ln(1 + S)\f$ to the units of m (an absolute
/// error of \f$|m| \cdot 10^{-16}\f$). The one place the library computes this: softmax(),
/// softmax_cross_entropy() and its gradient all use it.
template <Scalar S>
class NormalisedRow {
  public:
    /// Row \p i of \p Z, which has at least one column.
    NormalisedRow(const MatrixOf<S>& Z, std::size_t i) : Z_(Z), i_(i) {
        for (std::size_t j = 1; j < Z.size2(); ++j)
            if (Z(i, j) > Z(i, argmax_)) argmax_ = j;
        m_ = Z(i, argmax_);
        for (std::size_t j = 0; j < Z.size2(); ++j)
            if (j != argmax_) others_ += std::exp(Z(i, j) - m_);
        log1p_others_ = std::log1p(others_);
    }
    /// \f$\ln \hat y_k\f$.
    double log_probability(std::size_t k) const { return (Z_(i_, k) - m_) - log1p_others_; }
    /// \f$\hat y_k\f$.
    double probability(std::size_t k) const { return std::exp(Z_(i_, k) - m_) / (1.0 + others_); }
    /// \f$s \hat y_k - t_k\f$ for the targets \p T of this row, whose sum is \p s: the
    /// cross-entropy's \f$\partial J/\partial z_k\f$ per sample. At the largest logit, where
    /// \f$\hat y_k = 1/(1 + S)\f$ may be within rounding of 1, it is computed as
    /// \f$\bigl(\sum_{j \ne k} t_j - t_k S\bigr)/(1 + S)\f$, which for a one-hot target there
    /// is \f$-S/(1 + S)\f$ in full precision (\f$\hat y_k - 1\f$ would keep only the
    /// digits of \f$\hat y_k\f$ beyond the rounding of 1).
    double cross_entropy_gradient(const MatrixOf<S>& T, std::size_t k, double s) const {
        if (k != argmax_) return s * probability(k) - T(i_, k);
        double others_targets = 0.0;
        for (std::size_t j = 0; j < T.size2(); ++j)
            if (j != k) others_targets += T(i_, j);
        return (others_targets - T(i_, k) * others_) / (1.0 + others_);
    }

  private:
    const MatrixOf<S>& Z_;
    std::size_t i_;
    std::size_t argmax_ = 0;
    double m_ = 0.0;
    double others_ = 0.0;  // S
    double log1p_others_ = 0.0;
};

}  // namespace

template <Scalar S>
double mse(const MatrixOf<S>& Y, const MatrixOf<S>& T) {
    require_same_shape("mse", "Y", Y, "T", T);
    double sum = 0.0;
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double e = Y(i, k) - T(i, k);
            sum += 0.5 * e * e;
        }
    return sum / batch_size(Y);
}

template <Scalar S>
MatrixOf<S> mse_gradient(const MatrixOf<S>& Y, const MatrixOf<S>& T) {
    require_same_shape("mse_gradient", "Y", Y, "T", T);
    //! [mse_gradient]
    // ∂J/∂Y = (Y − T)/B: the article's y − t, averaged over the batch.
    return (Y - T) / static_cast<S>(batch_size(Y));
    //! [mse_gradient]
}

template <Scalar S>
double binary_cross_entropy(const MatrixOf<S>& Y, const MatrixOf<S>& T) {
    require_same_shape("binary_cross_entropy", "Y", Y, "T", T);
    double sum = 0.0;
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(i, k), t = T(i, k);
            sum -= t * std::log(y) + (1.0 - t) * std::log1p(-y);
        }
    return sum / batch_size(Y);
}

template <Scalar S>
MatrixOf<S> binary_cross_entropy_gradient(const MatrixOf<S>& Y, const MatrixOf<S>& T) {
    require_same_shape("binary_cross_entropy_gradient", "Y", Y, "T", T);
    MatrixOf<S> G(Y.size1(), Y.size2());
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(i, k), t = T(i, k);
            G(i, k) = static_cast<S>((y - t) / (y * (1.0 - y)) / batch_size(Y));
        }
    return G;
}

template <Scalar S>
MatrixOf<S> categorical_cross_entropy_gradient(const MatrixOf<S>& Y, const MatrixOf<S>& T) {
    require_same_shape("categorical_cross_entropy_gradient", "Y", Y, "T", T);
    // ∂J/∂y_k = −t_k / y_k per sample, over B; where t_k = 0 the term t_k ln y_k is absent.
    MatrixOf<S> G(Y.size1(), Y.size2());
    for (std::size_t i = 0; i < Y.size1(); ++i)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(i, k), t = T(i, k);
            G(i, k) = static_cast<S>(t == 0 ? 0.0 : -t / y / batch_size(Y));
        }
    return G;
}

template <Scalar S>
MatrixOf<S> softmax(const MatrixOf<S>& Z) {
    require_classes("softmax", Z);
    MatrixOf<S> P(Z.size1(), Z.size2());
    for (std::size_t i = 0; i < Z.size1(); ++i) {
        const NormalisedRow<S> row(Z, i);
        for (std::size_t k = 0; k < Z.size2(); ++k)
            P(i, k) = static_cast<S>(row.probability(k));
    }
    return P;
}

template <Scalar S>
double softmax_cross_entropy(const MatrixOf<S>& Z, const MatrixOf<S>& T) {
    require_same_shape("softmax_cross_entropy", "Z", Z, "T", T);
    require_classes("softmax_cross_entropy", Z);
    double sum = 0.0;
    for (std::size_t i = 0; i < Z.size1(); ++i) {
        const NormalisedRow<S> row(Z, i);
        for (std::size_t k = 0; k < Z.size2(); ++k)
            sum -= T(i, k) * row.log_probability(k);
    }
    return sum / batch_size(Z);
}

// For targets t that sum to s per row, dJ/dz_k = s * softmax(z)_k - t_k; with one-hot (or
// any probability) targets s = 1 and this is the familiar softmax(z) - t.
template <Scalar S>
void softmax_cross_entropy_gradient(const MatrixOf<S>& Z, const MatrixOf<S>& T, MatrixOf<S>& G,
                                    std::size_t batch) {
    require_same_shape("softmax_cross_entropy_gradient", "Z", Z, "T", T);
    require_classes("softmax_cross_entropy_gradient", Z);
    if (batch < Z.size1())
        throw std::invalid_argument("softmax_cross_entropy_gradient: a batch of " +
                                    std::to_string(batch) + " samples cannot have " +
                                    std::to_string(Z.size1()) + " rows of Z");
    ensure_shape(G, Z.size1(), Z.size2());
    const auto samples = static_cast<double>(batch);
    for (std::size_t i = 0; i < Z.size1(); ++i) {
        const NormalisedRow<S> row(Z, i);
        double s = 0.0;
        for (std::size_t k = 0; k < Z.size2(); ++k)
            s += T(i, k);
        for (std::size_t k = 0; k < Z.size2(); ++k)
            G(i, k) = static_cast<S>(row.cross_entropy_gradient(T, k, s) / samples);
    }
}

template <Scalar S>
void softmax_cross_entropy_gradient(const MatrixOf<S>& Z, const MatrixOf<S>& T, MatrixOf<S>& G) {
    softmax_cross_entropy_gradient(Z, T, G, Z.size1());
}

template <Scalar S>
MatrixOf<S> softmax_cross_entropy_gradient(const MatrixOf<S>& Z, const MatrixOf<S>& T) {
    MatrixOf<S> G;
    softmax_cross_entropy_gradient(Z, T, G);
    return G;
}

// Both precisions, compiled once.
template double mse(const MatrixOf<double>&, const MatrixOf<double>&);
template MatrixOf<double> mse_gradient(const MatrixOf<double>&, const MatrixOf<double>&);
template double binary_cross_entropy(const MatrixOf<double>&, const MatrixOf<double>&);
template MatrixOf<double> binary_cross_entropy_gradient(const MatrixOf<double>&,
                                                        const MatrixOf<double>&);
template MatrixOf<double> categorical_cross_entropy_gradient(const MatrixOf<double>&,
                                                             const MatrixOf<double>&);
template MatrixOf<double> softmax(const MatrixOf<double>&);
template double softmax_cross_entropy(const MatrixOf<double>&, const MatrixOf<double>&);
template MatrixOf<double> softmax_cross_entropy_gradient(const MatrixOf<double>&,
                                                         const MatrixOf<double>&);
template void softmax_cross_entropy_gradient(const MatrixOf<double>&, const MatrixOf<double>&,
                                             MatrixOf<double>&);
template void softmax_cross_entropy_gradient(const MatrixOf<double>&, const MatrixOf<double>&,
                                             MatrixOf<double>&, std::size_t);
template double mse(const MatrixOf<float>&, const MatrixOf<float>&);
template MatrixOf<float> mse_gradient(const MatrixOf<float>&, const MatrixOf<float>&);
template double binary_cross_entropy(const MatrixOf<float>&, const MatrixOf<float>&);
template MatrixOf<float> binary_cross_entropy_gradient(const MatrixOf<float>&,
                                                       const MatrixOf<float>&);
template MatrixOf<float> categorical_cross_entropy_gradient(const MatrixOf<float>&,
                                                            const MatrixOf<float>&);
template MatrixOf<float> softmax(const MatrixOf<float>&);
template double softmax_cross_entropy(const MatrixOf<float>&, const MatrixOf<float>&);
template MatrixOf<float> softmax_cross_entropy_gradient(const MatrixOf<float>&,
                                                        const MatrixOf<float>&);
template void softmax_cross_entropy_gradient(const MatrixOf<float>&, const MatrixOf<float>&,
                                             MatrixOf<float>&);
template void softmax_cross_entropy_gradient(const MatrixOf<float>&, const MatrixOf<float>&,
                                             MatrixOf<float>&, std::size_t);

}  // namespace backprop
