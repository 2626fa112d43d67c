/// \file
/// \brief The multilayer perceptron of chapters 8 and 9, as a Sequential network.
///
/// Dense layers with sizes \f$n_0, n_1, \dots, n_L\f$, each with a bias, one activation after
/// every hidden layer, and a linear output layer whose logits feed softmax with
/// cross-entropy:
///
///     Linear(W1, b1) -> f -> Linear(W2, b2) -> f -> ... -> Linear(WL, bL)
///
/// It is an ordinary Sequential: chapter 8 times it under each engine of products.hpp,
/// chapter 9 trains it, and model files store it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"

namespace backprop {

/// The memory, in bytes, that training an MLP of \p sizes on mini-batches of \p batch
/// samples takes, as a program can know it before allocating any of it: every parameter three
/// times (its value, its gradient, the optimizer's velocity), and for every layer the batch's
/// outputs four times (the layer's output and its gradient, before and after the activation).
/// Computed in floating point, so that no sizes overflow it.
double training_bytes(const std::vector<std::size_t>& sizes, std::size_t batch);

/// The most training_bytes() the library accepts: 4 GiB. Chapter 9's network takes about
/// 6 MB; the limit stops a typing slip (`--hidden 100000,100000`, 240 GB) before it asks the
/// system for memory, rather than ending in `std::bad_alloc`.
inline constexpr double max_training_bytes = 4.0 * 1024 * 1024 * 1024;

/// Checks that an MLP of \p sizes, trained on mini-batches of \p batch, fits the limit.
/// \throws std::length_error naming the sizes, the batch, the bytes and the limit.
void check_training_memory(const std::vector<std::size_t>& sizes, std::size_t batch);

/// An MLP with layer sizes \p sizes (at least two), \p hidden after every hidden layer,
/// weights drawn as \p init says from \p seed (layer by layer, row by row), biases zero, in
/// precision \p T. The weights are drawn in double and rounded to \p T, so that a float
/// network starts from its double twin's weights.
/// \throws std::invalid_argument for fewer than two sizes, or a size of 0.
/// \throws std::length_error if training it on one sample would not fit
///   (check_training_memory()).
template <Scalar T = Real>
SequentialOf<T> mlp(const std::vector<std::size_t>& sizes, const Activation& hidden,
                    std::uint64_t seed, Init init = Init::xavier);

/// An MLP with the given weights \f$W^l\f$ `(n_{l-1}, n_l)` and biases \f$b^l\f$ `(n_l)`.
/// The weights are rounded to \p T.
/// \throws std::invalid_argument if there are none, their numbers differ, or they do not fit
///   one another (naming the layer).
template <Scalar T = Real>
SequentialOf<T> mlp(const std::vector<Matrix>& W, const std::vector<Vector>& b,
                    const Activation& hidden);

/// \f$n_0, \dots, n_L\f$ of an MLP from \p inputs to \p outputs through the layers of
/// \p hidden neurons: the sizes mlp() takes.
std::vector<std::size_t> mlp_sizes(std::size_t inputs, const std::vector<std::size_t>& hidden,
                                   std::size_t outputs);

/// \f$n_0, \dots, n_L\f$: the inputs of the first Linear layer of \p network, then the
/// outputs of each.
template <Scalar T>
std::vector<std::size_t> layer_sizes(const SequentialOf<T>& network);

/// Floating-point operations of a forward pass: \f$2B\sum_l n_{l-1}n_l\f$ (the products).
double forward_flops(const std::vector<std::size_t>& sizes, std::size_t batch);
/// Of a backward pass: the weight gradients \f$2B\sum_l n_{l-1}n_l\f$ and the errors sent
/// back, \f$2B\sum_{l \ge 2} n_{l-1}n_l\f$ (none is sent back into the input).
double backward_flops(const std::vector<std::size_t>& sizes, std::size_t batch);

}  // namespace backprop
