/// \file
/// \brief Gradient descent with momentum and weight decay, and learning-rate schedules.
///
/// Plain SGD steps \f$\theta \leftarrow \theta - \eta\,\nabla J\f$. With momentum \f$\mu\f$ each
/// parameter keeps a velocity, a running sum of past steps that decays by \f$\mu\f$ per step:
/// \f[ v \leftarrow \mu v - \eta\,(\nabla J + \lambda W), \qquad \theta \leftarrow \theta + v. \f]
/// Directions the gradient keeps pointing in build up speed (up to \f$1/(1-\mu)\f$ times a
/// plain step); directions where it flips sign from step to step cancel out. Weight decay
/// \f$\lambda\f$ adds \f$\tfrac{\lambda}{2}\lVert W\rVert^2\f$ to the loss, pulling every weight
/// (not the biases) a little towards zero each step.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "backprop/core/matrix.hpp"
#include "backprop/nn/layers.hpp"

namespace backprop {

/// Stochastic gradient descent on every parameter of a network, with momentum \f$\mu\f$ and
/// weight decay \f$\lambda\f$ (\f$\mu = \lambda = 0\f$: plain gradient descent). Weight decay
/// applies to the parameters that say so (ParameterView::decays: the weights, not the biases
/// or BatchNorm's scale and shift). The library's only update rule, for a network in
/// precision \p T (`Sgd` is the Real one); the velocities are kept in \p T too.
template <Scalar T>
class SgdOf {
  public:
    using Matrix = MatrixOf<T>;                ///< the network's matrices
    using Sequential = SequentialOf<T>;        ///< the network
    using ParameterView = ParameterViewOf<T>;  ///< the network's parameters
    /// Plain gradient descent, \f$\theta \leftarrow \theta - \eta\,\nabla J\f$.
    SgdOf() = default;
    /// \throws std::invalid_argument unless \f$0 \le \mu < 1\f$ and \f$\lambda \ge 0\f$.
    SgdOf(double momentum, double weight_decay);

    /// One step on every parameter of \p network with learning rate \f$\eta\f$ =
    /// \p learning_rate, from the gradients its last backward stored. The velocities start at
    /// zero and take the parameters' shapes at the first step.
    /// \throws std::invalid_argument if \p network's parameters are not shaped like those of
    ///   the first step (one optimizer per model).
    void step(Sequential& network, double learning_rate);

    /// The same step from \p gradient instead of the gradients the network stored: every
    /// parameter's entries, one after another in the order of `network.parameters()` (as
    /// gradient_of() lays them out). For a gradient put together elsewhere, such as the sum
    /// of the shards of a mini-batch over processes (chapter 12).
    /// \throws std::invalid_argument if \p gradient's size is not the network's number of
    ///   parameters, or as step().
    void step(Sequential& network, std::span<const T> gradient, double learning_rate);

    /// Backward from \p dJ_dY, then step(). Plain gradient descent (no momentum, no weight
    /// decay) takes each top-level Linear layer's step inside its backward pass instead
    /// (Linear::fused_learning_rate: \f$W \leftarrow W - \eta X^T\delta\f$ in one product),
    /// which leaves those layers' stored gradients stale; the result is the same.
    void backward_and_step(Sequential& network, const Matrix& dJ_dY, double learning_rate);

  private:
    void update(const std::vector<ParameterView>& parameters, double learning_rate);
    double momentum_ = 0.0, weight_decay_ = 0.0;
    std::vector<std::vector<T>> velocity_;  // per parameter, with momentum
};

extern template class SgdOf<double>;
extern template class SgdOf<float>;
/// The library's optimizer in Real.
using Sgd = SgdOf<Real>;

/// The gradients \p network's last backward stored, every parameter's entries one after
/// another in the order of `network.parameters()`, written into \p gradient (resized to the
/// network's number of parameters).
template <Scalar T>
void gradient_of(SequentialOf<T>& network, std::vector<T>& gradient);

/// How the learning rate changes over a run.
enum class Schedule {
    constant,  ///< \f$\eta_e = \eta\f$
    step,      ///< \f$\eta\f$, then \f$\eta/10\f$ from half the epochs, \f$\eta/100\f$ from three
               ///< quarters
    cosine,    ///< \f$\eta_e = \tfrac{\eta}{2}\bigl(1 + \cos(\pi e / E)\bigr)\f$: smoothly from
               ///< \f$\eta\f$ towards 0
};

/// The schedule called \p name (`constant`, `step`, `cosine`).
/// \throws std::invalid_argument listing the valid names.
Schedule schedule_named(std::string_view name);

/// The learning rate of epoch \p epoch (0-based) of \p epochs under \p schedule.
double learning_rate_at(Schedule schedule, double base, std::size_t epoch, std::size_t epochs);

}  // namespace backprop
