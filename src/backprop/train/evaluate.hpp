/// \file
/// \brief How well a model classifies a dataset: loss, accuracy, confusion matrix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backprop/data/dataset.hpp"
#include "backprop/nn/layers.hpp"

namespace backprop {

/// The result of evaluate().
struct Evaluation {
    double loss = 0;      ///< mean softmax cross-entropy
    double accuracy = 0;  ///< fraction of samples whose largest logit is their label's
    /// `confusion[t][p]`: how many samples of class t the model put in class p. The diagonal
    /// holds the correct ones.
    std::vector<std::vector<std::size_t>> confusion;
    std::vector<std::uint8_t> predicted;  ///< the predicted class of every sample
};

/// The class sample \p s is put in: the column of the largest logit in row \p s (the first,
/// if several are equal).
template <Scalar T>
std::size_t predicted_class(const MatrixOf<T>& logits, std::size_t s);

/// Runs \p network's forward pass (not in training: BatchNorm uses its running averages)
/// over all of \p data in batches of \p batch samples; its outputs are the logits.
/// \throws std::invalid_argument if \p batch is 0.
template <Scalar T>
Evaluation evaluate(SequentialOf<T>& network, const Dataset& data, std::size_t batch = 1000);

}  // namespace backprop
