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

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// A pointwise activation: the function and its derivative, both of \f$z\f$.
struct Activation {
    std::string_view name;   ///< the name used on the command line and in JSON
    double (*f)(double z);   ///< \f$f(z)\f$
    double (*df)(double z);  ///< \f$f'(z)\f$
    /// \f$f'(z)\f$ written in terms of the output \f$a = f(z)\f$: for a backward pass that
    /// kept the activations, it saves evaluating \f$f\f$ again (an exp, for the sigmoid).
    double (*df_from_f)(double a);
    /// \f$f\f$ on \p n values at once, `a[i] = f(z[i])`: the same formula as \ref f, in a
    /// loop the compiler vectorizes (SIMD exp and tanh, see activation_many.cpp).
    void (*f_many)(const double* z, double* a, std::size_t n);
    /// The same in float, for networks that train in single precision.
    void (*f_many_float)(const float* z, float* a, std::size_t n);
    /// The chain rule through \f$f\f$ on \p n values, from the kept outputs \p a:
    /// \f$\partial J/\partial z_i = \partial J/\partial a_i \cdot f'(z_i)\f$,
    /// `d[i] = g[i] * df_from_f(a[i])`, in one loop the compiler vectorizes (the same
    /// arithmetic, in the same order, as the formula one value at a time).
    void (*chain_many)(const double* a, const double* g, double* d, std::size_t n);
    /// The same in float.
    void (*chain_many_float)(const float* a, const float* g, float* d, std::size_t n);

    /// \f$f\f$ on \p n values of either precision: f_many or f_many_float.
    template <Scalar T>
    void many(const T* z, T* a, std::size_t n) const {
        if constexpr (std::same_as<T, float>)
            f_many_float(z, a, n);
        else
            f_many(z, a, n);
    }
    /// The chain rule on \p n values of either precision: chain_many or chain_many_float.
    template <Scalar T>
    void chain(const T* a, const T* g, T* d, std::size_t n) const {
        if constexpr (std::same_as<T, float>)
            chain_many_float(a, g, d, n);
        else
            chain_many(a, g, d, n);
    }

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

/// \f$\sigma' = a(1 - a)\f$ for \f$a = \sigma(z)\f$.
inline double sigmoid_df_from_f(double a) {
    return a * (1.0 - a);
}
/// \f$\tanh' = 1 - a^2\f$ for \f$a = \tanh z\f$.
inline double tanh_df_from_f(double a) {
    return 1.0 - a * a;
}
/// \f$1\f$ for \f$a > 0\f$ (that is, \f$z > 0\f$), else \f$0\f$.
inline double relu_df_from_f(double a) {
    return a > 0 ? 1.0 : 0.0;
}
/// \f$1\f$.
inline double identity_df_from_f(double) {
    return 1.0;
}

/// \ref sigmoid_f on many values, in double or float (activation_many.cpp).
template <Scalar T>
void sigmoid_many(const T* z, T* a, std::size_t n);
/// \ref tanh_f on many values.
template <Scalar T>
void tanh_many(const T* z, T* a, std::size_t n);
/// \ref relu_f on many values.
template <Scalar T>
void relu_many(const T* z, T* a, std::size_t n);
/// \ref identity_f on many values.
template <Scalar T>
void identity_many(const T* z, T* a, std::size_t n);

/// The chain rule through the sigmoid on many values, `d[i] = g[i] * sigmoid_df_from_f(a[i])`,
/// in double or float (activation_chain.cpp).
template <Scalar T>
void sigmoid_chain(const T* a, const T* g, T* d, std::size_t n);
/// The same through tanh.
template <Scalar T>
void tanh_chain(const T* a, const T* g, T* d, std::size_t n);
/// The same through ReLU.
template <Scalar T>
void relu_chain(const T* a, const T* g, T* d, std::size_t n);
/// The same through the identity.
template <Scalar T>
void identity_chain(const T* a, const T* g, T* d, std::size_t n);

/// logistic sigmoid
inline constexpr Activation sigmoid{"sigmoid",
                                    sigmoid_f,
                                    sigmoid_df,
                                    sigmoid_df_from_f,
                                    sigmoid_many<double>,
                                    sigmoid_many<float>,
                                    sigmoid_chain<double>,
                                    sigmoid_chain<float>};
/// hyperbolic tangent
inline constexpr Activation tanh{"tanh",
                                 tanh_f,
                                 tanh_df,
                                 tanh_df_from_f,
                                 tanh_many<double>,
                                 tanh_many<float>,
                                 tanh_chain<double>,
                                 tanh_chain<float>};
/// rectified linear
inline constexpr Activation relu{"relu",
                                 relu_f,
                                 relu_df,
                                 relu_df_from_f,
                                 relu_many<double>,
                                 relu_many<float>,
                                 relu_chain<double>,
                                 relu_chain<float>};
/// no activation
inline constexpr Activation identity{"identity",
                                     identity_f,
                                     identity_df,
                                     identity_df_from_f,
                                     identity_many<double>,
                                     identity_many<float>,
                                     identity_chain<double>,
                                     identity_chain<float>};

/// Every activation, in the order the text introduces them.
inline constexpr Activation all[] = {sigmoid, tanh, relu, identity};

}  // namespace activations

/// The activation called \p name.
/// \throws std::invalid_argument naming \p name and listing the valid names.
Activation activation_named(std::string_view name);

}  // namespace backprop
