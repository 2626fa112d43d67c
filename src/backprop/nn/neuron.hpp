/// \file
/// \brief A single neuron: a weighted sum followed by an activation.
#pragma once

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"

namespace backprop {

/// One neuron with weights \f$w\f$, bias \f$b\f$ and activation \f$f\f$:
/// \f$z = w \cdot x + b\f$, \f$a = f(z)\f$.
struct Neuron {
    Vector w;                             ///< one weight per input
    double b = 0.0;                       ///< the bias (the article's neurons have none)
    Activation f = activations::sigmoid;  ///< the activation

    /// The weighted sum \f$z = w \cdot x + b\f$.
    /// \throws std::invalid_argument if \p x and \f$w\f$ differ in length.
    double weighted_sum(const Vector& x) const;
    /// The output \f$a = f(w \cdot x + b)\f$.
    double output(const Vector& x) const { return f.f(weighted_sum(x)); }
};

}  // namespace backprop
