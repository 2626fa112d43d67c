/// \file
/// \brief Stopping training the moment it blows up, instead of printing garbage.
///
/// With too large a learning rate the weights grow until a logit overflows; from then on the
/// loss and every gradient are infinite or NaN, and so is everything computed from them,
/// accuracy included. The training loops check each step's loss and gradients and stop at the
/// first one that is not finite, with an error that says where and what to try.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "backprop/nn/layers.hpp"

namespace backprop {

/// Training produced a loss or a gradient that is NaN or infinite.
class DivergenceError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Where in training a check happens, for the message.
struct TrainingPosition {
    std::size_t epoch;  ///< 1-based; with full-batch training (batch 0), the step
    /// 1-based, within the epoch; 0 for full-batch training, where every step sees all the
    /// data and the message says "step N"
    std::size_t batch;
    double learning_rate;  ///< the rate in use, for the hint
    /// What is trained, when a program trains several: "the relu network 2-8-1"
    std::string network = {};
};

/// \throws DivergenceError if \p loss is not finite, naming \p at.
void require_finite_loss(double loss, const TrainingPosition& at);

/// \throws DivergenceError naming \p at, if a gradient the last backward stored in
///   \p network's layers has an entry that is not finite, naming the first such layer
///   (1-based) as "layer 3 (Linear 3x1)" and the parameter by its name.
template <Scalar T>
void require_finite_gradients(const SequentialOf<T>& network, const TrainingPosition& at);

}  // namespace backprop
