/// \file
/// \brief The matrix products backpropagation needs, shape-checked.
///
/// Forward and backward passes use three products: \f$AB\f$, \f$A^TB\f$ and \f$AB^T\f$.
/// Each checks its shapes, then computes with uBLAS's `axpy_prod`, the fastest product
/// uBLAS offers (its `prod` expression template is about ten times slower on large
/// matrices).
#pragma once

#include "backprop/core/matrix.hpp"

namespace backprop {

/// \f$AB\f$: `(m, k) x (k, n) -> (m, n)`.
Matrix matmul(const Matrix& A, const Matrix& B);

/// \f$A^T B\f$: `(k, m)^T x (k, n) -> (m, n)`.
Matrix matmul_At_B(const Matrix& A, const Matrix& B);

/// \f$A B^T\f$: `(m, k) x (n, k)^T -> (m, n)`.
Matrix matmul_A_Bt(const Matrix& A, const Matrix& B);

/// \f$A \odot B\f$, the elementwise (Hadamard) product of two matrices of one shape.
Matrix hadamard(const Matrix& A, const Matrix& B);

/// The sum of each column: `(m, n) -> (n)`. Sums a mini-batch's per-sample terms.
Vector column_sums(const Matrix& A);
/// The same, written into \p sums (resized as needed): no allocation in a training loop.
template <Scalar T>
void column_sums(const MatrixOf<T>& A, VectorOf<T>& sums);

}  // namespace backprop
