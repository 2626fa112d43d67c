/// \file
/// \brief Activation functions \f$f\f$ and their derivatives \f$f'\f$, side by side.
///
/// A neuron computes a weighted sum \f$z\f$ and passes it through an activation
/// \f$a = f(z)\f$. Backpropagation needs \f$f'(z)\f$ at the same point, so each activation
/// here is the pair \f$(f, f')\f$.
///
/// | name       | \f$f(z)\f$                       | \f$f'(z)\f$                       |
/// |------------|----------------------------------|-----------------------------------|
/// | `sigmoid`  | \f$\sigma(z) = 1/(1+e^{-z})\f$   | \f$\sigma(z)\,(1-\sigma(z))\f$    |
/// | `tanh`     | \f$\tanh z\f$                    | \f$1-\tanh^2 z\f$                 |
/// | `relu`     | \f$\max(0, z)\f$                 | \f$1\f$ if \f$z>0\f$, else \f$0\f$ |
/// | `identity` | \f$z\f$                          | \f$1\f$                           |
///
/// ReLU has no derivative at \f$z = 0\f$; like every framework we use \f$0\f$ there.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "backprop/matrix.hpp"

namespace backprop {

/// A pointwise activation: the function and its derivative, both of \f$z\f$.
struct Activation {
    std::string_view name;   ///< the name used on the command line and in JSON
    double (*f)(double z);   ///< \f$f(z)\f$
    double (*df)(double z);  ///< \f$f'(z)\f$

    /// \f$f(Z)\f$, elementwise: `(rows, cols) -> (rows, cols)`.
    Matrix operator()(const Matrix& Z) const;
    /// \f$f'(Z)\f$, elementwise: `(rows, cols) -> (rows, cols)`.
    Matrix derivative(const Matrix& Z) const;
};

/// The activations the library knows.
namespace activations {

/// \f$\sigma(z) = 1/(1+e^{-z})\f$. Evaluated so that it stays finite for any \f$z\f$.
double sigmoid_f(double z);
/// \f$\sigma'(z) = \sigma(z)\,(1-\sigma(z))\f$.
double sigmoid_df(double z);
/// \f$\tanh z\f$.
double tanh_f(double z);
/// \f$1 - \tanh^2 z\f$.
double tanh_df(double z);
/// \f$\max(0, z)\f$.
double relu_f(double z);
/// \f$1\f$ for \f$z > 0\f$, else \f$0\f$.
double relu_df(double z);
/// \f$z\f$.
double identity_f(double z);
/// \f$1\f$.
double identity_df(double z);

inline constexpr Activation sigmoid{"sigmoid", sigmoid_f, sigmoid_df};      ///< logistic sigmoid
inline constexpr Activation tanh{"tanh", tanh_f, tanh_df};                  ///< hyperbolic tangent
inline constexpr Activation relu{"relu", relu_f, relu_df};                  ///< rectified linear
inline constexpr Activation identity{"identity", identity_f, identity_df};  ///< no activation

/// Every activation, in the order the text introduces them.
inline constexpr Activation all[] = {sigmoid, tanh, relu, identity};

}  // namespace activations

/// The activation called \p name.
/// \throws std::invalid_argument naming \p name and listing the valid names.
Activation activation_named(std::string_view name);

}  // namespace backprop
