/// \file
/// \brief Random mini-batches, for timing: the speed of a training step does not depend on
/// the numbers it is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// A pool of random mini-batches, reused in turn: inputs uniform in [0, 1), one-hot random
/// labels.
struct RandomBatches {
    /// \p count batches of \p batch samples with \p inputs features and \p classes classes,
    /// drawn from \p seed.
    RandomBatches(std::size_t count, std::size_t batch, std::size_t inputs, std::size_t classes,
                  std::uint64_t seed);
    std::vector<Matrix> X;  ///< the inputs, `(batch, inputs)` each
    std::vector<Matrix> T;  ///< the one-hot targets, `(batch, classes)` each
};

}  // namespace backprop
