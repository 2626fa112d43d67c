/// \file
/// \brief One training step of a multilayer perceptron, implemented at several speeds.
///
/// The network: dense layers with sizes \f$n_0, n_1, \dots, n_L\f$, biases, one activation
/// for every hidden layer, and a linear output layer whose logits feed softmax with
/// cross-entropy. One step on a mini-batch `X` `(B, n_0)` with one-hot targets `T`
/// `(B, n_L)` is the forward pass, the mean loss, the backward pass and a plain SGD update.
///
/// Every implementation (an MlpStep) computes exactly this; they differ only in how:
///
/// - **naive**: one sample at a time, one neuron at a time, as the article's code thinks of
///   it: \f$z_j = \sum_i x_i W_{ij} + b_j\f$ in a loop for every j.
/// - **vectorized**: the whole batch at once, each layer three matrix products
///   (\f$XW\f$, \f$X^T\delta\f$, \f$\delta W^T\f$), computed by one of the Products engines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"
#include "backprop/core/products.hpp"

namespace backprop {

/// The parameters of an MLP: \f$W^l\f$ `(n_{l-1}, n_l)` and \f$b^l\f$ `(n_l)` for
/// \f$l = 1, \dots, L\f$ (index l − 1 in the vectors), and the hidden layers' activation.
struct MlpParameters {
    std::vector<Matrix> W;  ///< weights, input side first
    std::vector<Vector> b;  ///< biases
    Activation hidden;      ///< the activation of every layer but the last

    /// How random weights are drawn, scaled so that signals keep their size layer to layer.
    enum class Init {
        /// Glorot/Xavier: uniform in \f$\pm\sqrt{6/(n_{l-1}+n_l)}\f$, variance
        /// \f$2/(n_{l-1}+n_l)\f$; for sigmoid and tanh.
        xavier,
        /// He: normal with variance \f$2/n_{l-1}\f$; for ReLU, which zeroes half its inputs.
        he,
    };

    /// Random parameters for layer sizes \p sizes (at least two): weights drawn as \p init
    /// says, biases zero, from \p seed (Boost.Random, the same numbers on every platform).
    static MlpParameters random(const std::vector<std::size_t>& sizes, Activation hidden,
                                std::uint64_t seed, Init init = Init::xavier);
    /// \f$n_0, \dots, n_L\f$.
    std::vector<std::size_t> sizes() const;
};

/// The gradients of the mean loss, one entry per layer.
struct MlpGradients {
    std::vector<Matrix> dJ_dW;  ///< \f$\partial J/\partial W^l\f$
    std::vector<Vector> dJ_db;  ///< \f$\partial J/\partial b^l\f$
};

/// One implementation of the training step. It keeps what the forward pass computed for
/// the backward pass, and its buffers from one step to the next.
class MlpStep {
  public:
    virtual ~MlpStep() = default;

    /// The implementation's name, e.g. `"naive"` or `"openblas"`.
    virtual std::string_view name() const = 0;

    /// The logits for the batch \p X: `(B, n_0) -> (B, n_L)`. \p X must stay alive and
    /// unchanged until backward.
    /// \throws std::invalid_argument if \p X does not have \f$n_0\f$ columns.
    virtual const Matrix& forward(const MlpParameters& p, const Matrix& X) = 0;

    /// The gradients of the mean softmax cross-entropy of the last forward's logits against
    /// \p T `(B, n_L)`. Fresh values each call: nothing accumulates between steps.
    /// \throws std::invalid_argument if \p T does not have the logits' shape.
    virtual const MlpGradients& backward(const MlpParameters& p, const Matrix& T) = 0;

    /// A whole step: forward, loss, backward, then \f$\theta \leftarrow \theta - \alpha
    /// \nabla J\f$ for every W and b. Returns the loss before the update. An implementation
    /// may take the step inside the backward pass instead of storing the gradients first
    /// (the vectorized one does); the result is the same.
    virtual double step(MlpParameters& p, const Matrix& X, const Matrix& T, double learning_rate);
};

/// The naive step: per sample, per neuron.
std::unique_ptr<MlpStep> make_naive_step();
/// The vectorized step, with \p products doing the matrix products.
std::unique_ptr<MlpStep> make_vectorized_step(const Products& products);
/// A step by name: `"naive"`, or the name of a Products engine (`"ublas_prod"`,
/// `"ublas_axpy"`, `"openblas"`, `"eigen"`).
/// \throws std::invalid_argument for a name this build does not have, listing those it has.
std::unique_ptr<MlpStep> make_step(std::string_view name);
/// Every step name this build has, slowest first.
std::vector<std::string_view> step_names();

/// Floating-point operations of a forward pass: \f$2B\sum_l n_{l-1}n_l\f$ (the products).
double forward_flops(const std::vector<std::size_t>& sizes, std::size_t batch);
/// Of a backward pass: the weight gradients \f$2B\sum_l n_{l-1}n_l\f$ and the errors sent
/// back, \f$2B\sum_{l \ge 2} n_{l-1}n_l\f$ (none is sent back into the input).
double backward_flops(const std::vector<std::size_t>& sizes, std::size_t batch);

}  // namespace backprop
