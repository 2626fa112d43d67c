/// \file
/// \brief A network written number by number with Values: every weighted sum, activation
/// and loss term a node of the scalar graph (value.hpp).
///
/// This is the network of \ref chapter_forward as the article draws it, neuron by neuron,
/// with nothing vectorized: the scalar graph of a network has one node per multiplication.
/// It is the slow, transparent reference that the matrix tape (tape.hpp) and the
/// hand-written backward pass (layers.hpp) are checked against.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "backprop/autodiff/value.hpp"
#include "backprop/core/matrix.hpp"
#include "backprop/nn/layers.hpp"

namespace backprop::autodiff {

/// A matrix of Values, a vector per row: one sample per row, as everywhere in the library.
using ValueMatrix = std::vector<std::vector<Value>>;

/// Every entry of \p m as a leaf, labelled `name[i][j]`.
ValueMatrix leaves(const Matrix& m, const std::string& name);
/// The gradients of \p m, after backward().
Matrix grad_of(const ValueMatrix& m);

/// \f$z_{sj} = \sum_i x_{si} w_{ij}\f$, the sum taken left to right: `(B, in) x (in, out)`.
/// \throws std::invalid_argument if the shapes do not fit, naming both.
ValueMatrix matmul(const ValueMatrix& X, const ValueMatrix& W);

/// \f$f\f$ of every entry.
ValueMatrix elementwise(Value (*f)(const Value&), const ValueMatrix& Z);
/// Labels every entry of \p m `name[j]` (a single sample) or `name[s][j]`, for people.
void name_entries(ValueMatrix& m, const std::string& name);

/// The article's loss, \f$\frac1B \sum_s \tfrac12 \sum_k (y_{sk} - t_{sk})^2\f$.
/// \throws std::invalid_argument if the shapes differ.
Value mse(const ValueMatrix& Y, const Matrix& T);
/// Softmax cross-entropy of the logits, \f$-\frac1B\sum_s\sum_k t_{sk}\ln\hat y_{sk}\f$, with
/// \f$\ln\hat y_{sk} = (z_{sk} - m_s) - \ln\sum_j e^{z_{sj} - m_s}\f$ and \f$m_s\f$ the row's
/// largest logit, taken as a constant (the result does not depend on it).
/// \throws std::invalid_argument if the shapes differ.
Value softmax_cross_entropy(const ValueMatrix& Z, const Matrix& T);

/// A Sequential of Linear and activation layers with its parameters as leaves.
class ValueNetwork {
  public:
    /// Leaves holding \p network's current weights (`W1[i][j]`, ...) and biases (`b1[j]`).
    /// \throws std::invalid_argument for a layer that is neither Linear nor ActivationLayer.
    explicit ValueNetwork(const Sequential& network);
    /// The forward pass on the samples \p X, neuron by neuron.
    /// \throws std::invalid_argument if \p X does not have the first layer's width.
    ValueMatrix forward(const ValueMatrix& X) const;
    /// Writes the leaves' gradients, after backward(), into \p network's Linear layers
    /// (dJ_dW, dJ_db), where Sgd reads them.
    void store_gradients(Sequential& network) const;

    /// One layer: weights and an optional bias, or an activation.
    struct Step {
        ValueMatrix W;                        ///< `(in, out)`, for a linear step
        std::optional<std::vector<Value>> b;  ///< `(out)`, if the layer has a bias
        Value (*f)(const Value&) = nullptr;   ///< the activation, for an activation step
        std::string name;                     ///< the layer's name, e.g. `"sigmoid"`
    };
    std::vector<Step> steps;  ///< the layers, input side first
};

}  // namespace backprop::autodiff
