/// \file
/// \brief Plain stochastic gradient descent, \f$\theta \leftarrow \theta - \alpha\,\nabla
/// J(\theta)\f$.
#pragma once

#include <vector>

#include "backprop/nn/dense.hpp"
#include "backprop/nn/network.hpp"

namespace backprop {

/// \f$W \leftarrow W - \alpha\,\partial J/\partial W\f$ and, if the layer has a bias,
/// \f$b \leftarrow b - \alpha\,\partial J/\partial b\f$.
/// \throws std::invalid_argument if the gradients do not fit the layer; the layer is then
///   left unchanged.
void sgd_step(Dense& layer, const DenseGradients& gradients, double learning_rate);

/// One SGD step for every layer of \p network.
/// \throws std::invalid_argument if there is not one DenseGradients per layer, or one does
///   not fit its layer; no layer is then changed.
void sgd_step(Network& network, const std::vector<DenseGradients>& gradients, double learning_rate);

}  // namespace backprop
