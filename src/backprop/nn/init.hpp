/// \file
/// \brief Random initial weights, scaled so that signals keep their size layer to layer.
#pragma once

#include <cstddef>

#include <boost/random/mersenne_twister.hpp>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// How random weights are drawn for a layer with \f$n_\text{in}\f$ inputs and
/// \f$n_\text{out}\f$ outputs.
enum class Init {
    /// Glorot/Xavier: uniform in \f$\pm\sqrt{6/(n_\text{in}+n_\text{out})}\f$, variance
    /// \f$2/(n_\text{in}+n_\text{out})\f$; for sigmoid and tanh.
    xavier,
    /// He: normal with variance \f$2/n_\text{in}\f$; for ReLU, which zeroes half its inputs.
    he,
};

/// Weights `(inputs, outputs)` drawn as \p init says from \p generator, row by row
/// (Boost.Random: the same numbers on every platform).
Matrix random_weights(std::size_t inputs, std::size_t outputs, Init init,
                      boost::random::mt19937_64& generator);

}  // namespace backprop
