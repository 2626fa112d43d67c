/// \file
/// \brief The three matrix products of a training step, computed by interchangeable engines.
///
/// A dense layer's forward pass needs \f$AB\f$, its backward pass \f$A^TB\f$ (the weight
/// gradient) and \f$AB^T\f$ (the error sent back). These products are nearly all the work
/// of training, and how they are computed decides the speed:
///
/// - `naive`: the article's loops, one sample and one neuron at a time,
///   \f$z_j = \sum_i x_i W_{ij}\f$ written out: the reference the others are measured against;
/// - `ublas_prod`: `noalias(C) = prod(A, B)`, uBLAS's expression template, which evaluates
///   each entry of C as its own dot product;
/// - `ublas_axpy`: `axpy_prod(A, B, C)`, uBLAS's row-by-row update, streaming through memory
///   in order;
/// - `openblas`: `cblas_dgemm` on the matrices' storage: cache-blocked SIMD kernels, chosen
///   for the CPU when the program starts;
/// - `eigen`: Eigen's GEMM on the same storage, mapped without a copy.
///
/// Every engine checks shapes and overwrites \p C, which must already have the result's shape.
#pragma once

#include <string_view>
#include <vector>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// One way to compute the products. The pointers are never null.
struct Products {
    std::string_view name;         ///< e.g. `"openblas"`
    std::string_view description;  ///< for people, e.g. `"OpenBLAS dgemm"`
    /// \f$C = AB\f$: `(m, k) x (k, n) -> (m, n)`.
    void (*A_B)(const Matrix& A, const Matrix& B, Matrix& C);
    /// \f$C = A^TB\f$: `(k, m)^T x (k, n) -> (m, n)`.
    void (*At_B)(const Matrix& A, const Matrix& B, Matrix& C);
    /// \f$C = AB^T\f$: `(m, k) x (n, k)^T -> (m, n)`.
    void (*A_Bt)(const Matrix& A, const Matrix& B, Matrix& C);
    /// \f$C \leftarrow C + \alpha A^TB\f$: a gradient step taken inside the product, with
    /// C the weights and \f$\alpha\f$ minus the learning rate, so that the gradient is never
    /// stored.
    void (*add_At_B)(double alpha, const Matrix& A, const Matrix& B, Matrix& C);
};

/// The engines this build has, slowest first: `naive`, `ublas_prod`, `ublas_axpy`, then
/// `openblas` and `eigen` where the build found them.
const std::vector<Products>& available_products();

/// The engine called \p name.
/// \throws std::invalid_argument naming \p name and listing the engines this build has.
const Products& products_named(std::string_view name);

/// The fastest GEMM engine this build has (see \ref chapter_vectorize for how it was
/// chosen), or `ublas_axpy` if it has neither OpenBLAS nor Eigen.
const Products& fastest_products();

namespace detail {
/// Checks the shapes of \f$C = \mathrm{op}(A)\,\mathrm{op}(B)\f$ for engine \p engine.
void check_product(std::string_view engine, std::string_view product, const Matrix& A,
                   bool transpose_A, const Matrix& B, bool transpose_B, const Matrix& C);
}  // namespace detail

}  // namespace backprop
