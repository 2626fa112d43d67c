/// \file
/// \brief Shape checks that run in every build type.
///
/// uBLAS checks shapes only in debug builds, and there only with the message "bad
/// argument". In a release build a mismatched product silently computes garbage. Every
/// operation in this library therefore checks its operands itself and throws
/// `std::invalid_argument` with a message that names the operation and both shapes.
#pragma once

#include <string_view>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// Requires \p a and \p b to have the same shape (for elementwise operations).
/// \param operation the operation's name, for the message, e.g. `"mse"`.
/// \param a_name the first operand's name as the math calls it, e.g. `"Y"`.
/// \param a the first operand's shape.
/// \param b_name the second operand's name, e.g. `"T"`.
/// \param b the second operand's shape.
/// \throws std::invalid_argument e.g. `mse: Y is 1x2 but T is 1x3; they must have the same shape`
void require_same_shape(std::string_view operation, std::string_view a_name, Shape a,
                        std::string_view b_name, Shape b);
/// The same for two matrices.
template <class T>
void require_same_shape(std::string_view operation, std::string_view a_name, const MatrixOf<T>& a,
                        std::string_view b_name, const MatrixOf<T>& b) {
    require_same_shape(operation, a_name, shape_of(a), b_name, shape_of(b));
}

/// Requires the product \p a \p b to be defined: `a.cols == b.rows`.
/// \throws std::invalid_argument e.g.
///   `Linear::forward: cannot multiply X (1x3) by W (2x3): 3 columns but 2 rows`
void require_product(std::string_view operation, std::string_view a_name, Shape a,
                     std::string_view b_name, Shape b);

/// Requires \p m to have exactly the shape \p expected.
/// \throws std::invalid_argument e.g. `worked_example::network: W2 is 4x1 but must be 3x1`
void require_shape(std::string_view operation, std::string_view name, Shape m, Shape expected);
/// The same for a matrix.
template <class T>
void require_shape(std::string_view operation, std::string_view name, const MatrixOf<T>& m,
                   Shape expected) {
    require_shape(operation, name, shape_of(m), expected);
}

}  // namespace backprop
