/// \file
/// \brief A dense (fully connected) layer: forward and backward side by side.
///
/// For a mini-batch `X` of B samples, each a row of `in` features:
///
/// \f[ Z = X W + \mathbf{1} b^T, \qquad A = f(Z) \f]
///
/// with \f$W\f$ of shape `(in, out)`: row i of \f$W\f$ holds the weights leaving input i,
/// column j the weights entering neuron j. For one sample (a row \f$x^T\f$) this is
/// \f$z = W^T x + b\f$, the reading of the article's printed \f$W_1\f$ that type-checks.
///
/// Given \f$\partial J/\partial A\f$, backward computes
/// \f{align*}{
///   \delta &= \frac{\partial J}{\partial Z} = \frac{\partial J}{\partial A} \odot f'(Z), \\[2pt]
///   \frac{\partial J}{\partial W} &= X^T \delta, \qquad
///   \frac{\partial J}{\partial b} = \textstyle\sum_{\text{rows}} \delta, \qquad
///   \frac{\partial J}{\partial X} = \delta\, W^T.
/// \f}
///
/// The batch average is already inside \f$\partial J/\partial A\f$ (see loss.hpp), so the
/// parameter gradients are sums over the rows, not means.
#pragma once

#include <optional>

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"

namespace backprop {

/// What backward returns for one layer. Gradients are fresh values, never accumulated.
struct DenseGradients {
    Matrix delta;                 ///< \f$\delta = \partial J/\partial Z\f$, `(batch, out)`
    Matrix dJ_dW;                 ///< \f$\partial J/\partial W\f$, `(in, out)`
    std::optional<Vector> dJ_db;  ///< \f$\partial J/\partial b\f$, `(out)`; empty without bias
    Matrix dJ_dX;                 ///< \f$\partial J/\partial X\f$, `(batch, in)`
};

/// A dense layer with weights \f$W\f$ `(in, out)`, an optional bias \f$b\f$ `(out)` and an
/// activation \f$f\f$.
class Dense {
  public:
    /// A layer without bias, as in the article.
    Dense(const Matrix& W, const Activation& f);
    /// A layer with bias \p b.
    /// \throws std::invalid_argument if \p b does not have one entry per column of \p W.
    Dense(const Matrix& W, const Vector& b, const Activation& f);

    std::size_t inputs() const { return W.size1(); }   ///< `in`
    std::size_t outputs() const { return W.size2(); }  ///< `out`

    /// \f$A = f(XW + \mathbf 1 b^T)\f$: `(batch, in) -> (batch, out)`.
    /// Caches X, Z and A for backward.
    /// \throws std::invalid_argument if \p X does not have `in` columns.
    const Matrix& forward(const Matrix& X);

    /// The gradients for the batch of the last forward, given
    /// \f$\partial J/\partial A\f$ `(batch, out)`.
    /// \throws std::logic_error before any forward; std::invalid_argument on a shape mismatch.
    DenseGradients backward(const Matrix& dJ_dA) const;

    Matrix W;                 ///< weights, `(in, out)`
    std::optional<Vector> b;  ///< bias, `(out)`, if the layer has one
    Activation f;             ///< activation

    /// \name Cached by forward
    ///@{
    Matrix X;  ///< the input, `(batch, in)`
    Matrix Z;  ///< the weighted sums, `(batch, out)`
    Matrix A;  ///< the activations, `(batch, out)`
    ///@}
};

}  // namespace backprop
