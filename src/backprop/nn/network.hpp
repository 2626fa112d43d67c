/// \file
/// \brief A network: a sequence of dense layers.
#pragma once

#include <vector>

#include "backprop/core/matrix.hpp"
#include "backprop/nn/dense.hpp"

namespace backprop {

/// Dense layers applied in order; the output of layer l is the input of layer l+1.
class Network {
  public:
    /// \throws std::invalid_argument if \p layers is empty or two neighbours do not fit
    ///   (the outputs of one must equal the inputs of the next).
    explicit Network(std::vector<Dense> layers);

    /// Forward through every layer: `(batch, in) -> (batch, out)`.
    const Matrix& forward(const Matrix& X);

    /// Backward through every layer, from \f$\partial J/\partial Y\f$ `(batch, out)`.
    /// \returns one DenseGradients per layer, in layer order (index 0 is the first layer).
    std::vector<DenseGradients> backward(const Matrix& dJ_dY) const;

    std::vector<Dense> layers;  ///< the layers, input side first
};

}  // namespace backprop
