/// \file
/// \brief Loss functions \f$J\f$ and their gradients, side by side.
///
/// Every loss takes the network's output `Y` and the targets `T`, both `(batch, outputs)`,
/// and returns the **mean over the batch** of the per-sample loss. Its gradient is
/// therefore the per-sample gradient divided by the batch size B. For a single sample
/// (B = 1) that is exactly the article's formula.
///
/// Each works on matrices of either precision (Scalar S: double or float); the loss itself is
/// summed in double.
///
/// The target \f$t\f$ is a constant. So \f$\partial J/\partial y\f$ is a derivative with
/// respect to \f$y\f$ alone; the article's \f$\partial J/\partial t \cdot
/// \partial t/\partial y\f$ is a mistake (\f$\partial t/\partial y = 0\f$).
#pragma once

#include "backprop/core/matrix.hpp"

namespace backprop {

/// Mean squared error as the article defines it, per sample
/// \f$J = \tfrac12 \sum_k (y_k - t_k)^2\f$, averaged over the batch: half the **sum** over
/// the K outputs, not the mean, so for K outputs it is K/2 times PyTorch's `MSELoss`
/// (which averages over every entry).
template <Scalar S>
double mse(const MatrixOf<S>& Y, const MatrixOf<S>& T);
/// \f$\partial J/\partial Y = (Y - T)/B\f$.
template <Scalar S>
MatrixOf<S> mse_gradient(const MatrixOf<S>& Y, const MatrixOf<S>& T);

/// Binary cross-entropy, per sample
/// \f$J = -\sum_k \big(t_k \ln y_k + (1-t_k)\ln(1-y_k)\big)\f$, averaged over the batch:
/// a **sum** over the K outputs (K times PyTorch's `BCELoss`, which averages over every
/// entry). Needs \f$0 < y_k < 1\f$, as a sigmoid output gives.
template <Scalar S>
double binary_cross_entropy(const MatrixOf<S>& Y, const MatrixOf<S>& T);
/// \f$\partial J/\partial Y = \frac{Y - T}{Y \odot (1 - Y)}/B\f$, elementwise.
/// Multiplied by \f$\sigma'(z) = y(1-y)\f$ this becomes simply \f$(y - t)/B\f$.
template <Scalar S>
MatrixOf<S> binary_cross_entropy_gradient(const MatrixOf<S>& Y, const MatrixOf<S>& T);

/// \f$\partial J/\partial Y\f$ of the categorical cross-entropy of probabilities, per sample
/// \f$J = -\sum_k t_k \ln y_k\f$ averaged over the batch: \f$-T \oslash Y / B\f$
/// elementwise, and 0 wherever \f$t_k = 0\f$ (that term of the sum is absent, whatever
/// \f$y_k\f$). Needs \f$y_k > 0\f$ where \f$t_k \ne 0\f$. For the output of a Softmax
/// layer, whose backward pass turns it into \f$\partial J/\partial Z\f$; from the logits,
/// softmax_cross_entropy_gradient() gives that directly.
template <Scalar S>
MatrixOf<S> categorical_cross_entropy_gradient(const MatrixOf<S>& Y, const MatrixOf<S>& T);

/// Softmax of each row: \f$\hat y_k = e^{z_k} / \sum_j e^{z_j}\f$, computed as
/// \f$e^{z_k - m}/\sum_j e^{z_j - m}\f$ with \f$m = \max_j z_j\f$, so that large logits do
/// not overflow.
template <Scalar S>
MatrixOf<S> softmax(const MatrixOf<S>& Z);
/// Softmax followed by cross-entropy, per sample \f$J = -\sum_k t_k \ln \hat y_k\f$ with
/// \f$\hat y = \mathrm{softmax}(z)\f$, averaged over the batch. Takes the **logits** `Z`,
/// not probabilities, and uses \f$\ln \hat y_k = (z_k - m) - \operatorname{log1p}\bigl(\sum_{j
/// \ne \text{argmax}} e^{z_j - m}\bigr)\f$ with \f$m = \max_j z_j\f$: the logsumexp
/// \f$m + \ln(1 + \dots)\f$ is never formed as one number, which would round the small
/// \f$\ln(1 + \dots)\f$ to the units of m, so J keeps its full relative precision even
/// when it is tiny next to the logits (J = 2.8e-9 for logits (120, 100, 99)).
template <Scalar S>
double softmax_cross_entropy(const MatrixOf<S>& Z, const MatrixOf<S>& T);
/// \f$\partial J/\partial Z = (\mathrm{softmax}(Z) - T)/B\f$ for targets whose rows sum to
/// 1 (one-hot labels). For general targets it is \f$(s\,\mathrm{softmax}(Z) - T)/B\f$ with
/// \f$s\f$ each row's sum of targets.
template <Scalar S>
MatrixOf<S> softmax_cross_entropy_gradient(const MatrixOf<S>& Z, const MatrixOf<S>& T);
/// The same, written into \p G (resized as needed): no allocation in a training loop.
template <Scalar S>
void softmax_cross_entropy_gradient(const MatrixOf<S>& Z, const MatrixOf<S>& T, MatrixOf<S>& G);
/// The same for a part of a mini-batch of \p batch samples: the rows of \p Z are some of
/// them, and each is divided by \p batch, the size of the whole batch, so that the parts'
/// gradients add up to the batch's (data parallelism, chapter 12). With \p batch = the rows
/// of \p Z, the function above, to the bit.
/// \throws std::invalid_argument if \p batch is smaller than the rows of \p Z.
template <Scalar S>
void softmax_cross_entropy_gradient(const MatrixOf<S>& Z, const MatrixOf<S>& T, MatrixOf<S>& G,
                                    std::size_t batch);

}  // namespace backprop
