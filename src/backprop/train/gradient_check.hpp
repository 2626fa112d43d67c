/// \file
/// \brief Finite-difference gradient checking: the oracle for every backward pass.
///
/// The central difference
/// \f[ D(h) = \frac{J(\theta + h e_i) - J(\theta - h e_i)}{2h}
///          = \frac{\partial J}{\partial \theta_i} + c\,h^2 + O(h^4) \f]
/// is off by a term in \f$h^2\f$. Two of them, at \f$h\f$ and \f$2h\f$, combine so that this
/// term cancels (Richardson extrapolation):
/// \f[ \frac{\partial J}{\partial \theta_i} = \frac{4D(h) - D(2h)}{3} + O(h^4). \f]
/// At the default \f$h = 10^{-4}\f$ the truncation error (\f$\sim h^4\f$) is near
/// \f$10^{-16}\f$ and the rounding error (\f$\sim \varepsilon |J| / h\f$, with double's
/// \f$\varepsilon \approx 2.2\cdot10^{-16}\f$) near \f$2\cdot10^{-12}\,|J|\f$: about ten
/// times smaller than a plain central difference at its best step (\f$h \approx 10^{-5}\f$,
/// error \f$\approx 2\cdot10^{-11}\f$). An analytic gradient that agrees to a relative error
/// of \f$10^{-7}\f$ is right; a wrong one is typically off by \f$10^{-2}\f$ or more.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// \f$|a - n| / \max(|a|, |n|, \text{tiny})\f$. The floor \p tiny keeps two values that are
/// both (nearly) zero from dividing by zero.
inline double relative_error(double analytic, double numeric, double tiny = 1e-12) {
    return std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), tiny});
}

/// \f$(4D(h) - D(2h))/3\f$ for one entry \p theta_i of the parameters \p J reads: nudged
/// by \f$\pm h\f$ and \f$\pm 2h\f$ in turn, and restored exactly afterwards.
inline double finite_difference(const std::function<double()>& J, double& theta_i, double h) {
    const double original = theta_i;
    // J at theta_i + step, with every other entry unchanged.
    const auto J_at = [&](double step) {
        theta_i = original + step;
        return J();
    };
    const double D_h = (J_at(h) - J_at(-h)) / (2 * h);           // central, step h
    const double D_2h = (J_at(2 * h) - J_at(-2 * h)) / (4 * h);  // central, step 2h
    theta_i = original;
    return (4 * D_h - D_2h) / 3;  // the h^2 terms cancel
}

/// The finite-difference gradient of \p J with respect to every entry of \p theta.
/// \p J must read \p theta (by reference). Works for Matrix and Vector alike.
template <class Container>
Container numerical_gradient(const std::function<double()>& J, Container& theta, double h = 1e-4) {
    Container gradient(theta);
    for (std::size_t i = 0; i < theta.data().size(); ++i)
        gradient.data()[i] = finite_difference(J, theta.data()[i], h);
    return gradient;
}

/// The same for parameters seen through a span (a layer's ParameterView).
inline std::vector<double> numerical_gradient(const std::function<double()>& J,
                                              std::span<double> theta, double h = 1e-4) {
    std::vector<double> gradient(theta.size());
    for (std::size_t i = 0; i < theta.size(); ++i)
        gradient[i] = finite_difference(J, theta[i], h);
    return gradient;
}

/// The worst agreement between an analytic and a numerical gradient.
struct GradientComparison {
    double max_relative_error = 0.0;  ///< the largest relative_error over all entries
    std::size_t worst_index = 0;      ///< where it occurs, in storage (row-major) order
};

/// Compares two gradients entry by entry.
/// \throws std::invalid_argument if their sizes differ.
inline GradientComparison compare_gradients(std::span<const double> analytic,
                                            std::span<const double> numeric, double tiny = 1e-12) {
    if (analytic.size() != numeric.size())
        throw std::invalid_argument(
            "compare_gradients: the analytic gradient has " + std::to_string(analytic.size()) +
            " entries but the numerical one " + std::to_string(numeric.size()));
    GradientComparison result;
    for (std::size_t i = 0; i < analytic.size(); ++i) {
        const double e = relative_error(analytic[i], numeric[i], tiny);
        if (e > result.max_relative_error) result = {e, i};
    }
    return result;
}

/// The same for two Matrix or two Vector gradients of the same shape.
template <class Container>
requires requires(const Container& c) {
    c.data().data();
}
GradientComparison compare_gradients(const Container& analytic, const Container& numeric,
                                     double tiny = 1e-12) {
    return compare_gradients(
        std::span<const double>(analytic.data().data(), analytic.data().size()),
        std::span<const double>(numeric.data().data(), numeric.data().size()), tiny);
}

}  // namespace backprop
