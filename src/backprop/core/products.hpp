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
/// - `openblas`: `cblas_dgemm` (`cblas_sgemm` in float) on the matrices' storage: cache-blocked
/// SIMD kernels, chosen
///   for the CPU when the program starts;
/// - `eigen`: Eigen's GEMM on the same storage, mapped without a copy.
///
/// Every engine computes in double and in float (Products::float64, Products::float32), checks
/// shapes and overwrites \p C, which must already have the result's shape.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <vector>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// An engine's three products (and the fused step) on matrices of one scalar type \p T.
/// The pointers are never null.
template <Scalar T>
struct KernelsOf {
    /// \f$C = AB\f$: `(m, k) x (k, n) -> (m, n)`.
    void (*A_B)(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C);
    /// \f$C = A^TB\f$: `(k, m)^T x (k, n) -> (m, n)`.
    void (*At_B)(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C);
    /// \f$C = AB^T\f$: `(m, k) x (n, k)^T -> (m, n)`.
    void (*A_Bt)(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C);
    /// \f$C \leftarrow C + \alpha A^TB\f$: a gradient step taken inside the product, with
    /// C the weights and \f$\alpha\f$ minus the learning rate, so that the gradient is never
    /// stored.
    void (*add_At_B)(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C);
};

/// One way to compute the products, in both precisions: the member functions pick the
/// kernels of the matrices' scalar type, so `engine.A_B(X, W, Z)` is the same line for a
/// float network and a double one.
struct Products {
    std::string_view name;         ///< e.g. `"openblas"`
    std::string_view description;  ///< for people, e.g. `"OpenBLAS gemm"`
    KernelsOf<double> float64;     ///< on double matrices (`dgemm`)
    KernelsOf<float> float32;      ///< on float matrices (`sgemm`)

    /// The kernels for matrices of \p T.
    template <Scalar T>
    const KernelsOf<T>& kernels() const {
        if constexpr (std::same_as<T, float>)
            return float32;
        else
            return float64;
    }
    /// \f$C = AB\f$: `(m, k) x (k, n) -> (m, n)`.
    template <Scalar T>
    void A_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) const {
        kernels<T>().A_B(A, B, C);
    }
    /// \f$C = A^TB\f$: `(k, m)^T x (k, n) -> (m, n)`.
    template <Scalar T>
    void At_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) const {
        kernels<T>().At_B(A, B, C);
    }
    /// \f$C = AB^T\f$: `(m, k) x (n, k)^T -> (m, n)`.
    template <Scalar T>
    void A_Bt(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) const {
        kernels<T>().A_Bt(A, B, C);
    }
    /// \f$C \leftarrow C + \alpha A^TB\f$ (see KernelsOf::add_At_B).
    template <Scalar T>
    void add_At_B(std::type_identity_t<T> alpha, const MatrixOf<T>& A, const MatrixOf<T>& B,
                  MatrixOf<T>& C) const {
        kernels<T>().add_At_B(alpha, A, B, C);
    }
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

/// How many threads the OpenBLAS and Eigen engines use from now on (at least 1). Every program
/// starts with one, the benchmarks' setting: on a shared machine more threads can be slower
/// (chapter 8 measures it). OPENBLAS_NUM_THREADS, if set, still decides OpenBLAS's.
void set_product_threads(int threads);

namespace detail {
/// Checks the shapes of \f$C = \mathrm{op}(A)\,\mathrm{op}(B)\f$ for engine \p engine.
void check_product(std::string_view engine, std::string_view product, Shape A, bool transpose_A,
                   Shape B, bool transpose_B, Shape C);
/// The same for the matrices themselves.
template <Scalar T>
void check_product(std::string_view engine, std::string_view product, const MatrixOf<T>& A,
                   bool transpose_A, const MatrixOf<T>& B, bool transpose_B, const MatrixOf<T>& C) {
    check_product(engine, product, shape_of(A), transpose_A, shape_of(B), transpose_B, shape_of(C));
}
}  // namespace detail

}  // namespace backprop
