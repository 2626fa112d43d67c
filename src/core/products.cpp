#include "backprop/core/products.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <boost/numeric/ublas/operation.hpp>

#include "backprop/core/shape_check.hpp"

namespace backprop {

namespace ublas = boost::numeric::ublas;

namespace detail {

void check_product(std::string_view engine, std::string_view product, Shape A, bool transpose_A,
                   Shape B, bool transpose_B, Shape C) {
    const std::string operation = std::string(engine) + " " + std::string(product);
    const Shape a = transpose_A ? A.transposed() : A;
    const Shape b = transpose_B ? B.transposed() : B;
    require_product(operation, transpose_A ? "A^T" : "A", a, transpose_B ? "B^T" : "B", b);
    require_shape(operation, "C", C, {a.rows, b.cols});
}

}  // namespace detail

namespace {

using detail::check_product;

// The article's loops: one sample (row s of A) at a time, one neuron (column j of C) at a
// time, each weighted sum z_j = sum_i x_i W_ij written out. Nothing is reordered for the
// cache or the vector units: this is the reference the other engines are measured against.
template <class T>
void naive_A_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("naive", "A_B", A, false, B, false, C);
    for (std::size_t s = 0; s < A.size1(); ++s)        // each sample
        for (std::size_t j = 0; j < B.size2(); ++j) {  // each neuron
            T z = 0;
            for (std::size_t i = 0; i < A.size2(); ++i)
                z += A(s, i) * B(i, j);
            C(s, j) = z;
        }
}
// C + alpha A^T B, sample by sample: each sample adds alpha x_i delta_j to every C(i, j).
template <class T>
void naive_accumulate_At_B(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    for (std::size_t s = 0; s < A.size1(); ++s)
        for (std::size_t i = 0; i < A.size2(); ++i)
            for (std::size_t j = 0; j < B.size2(); ++j)
                C(i, j) += alpha * A(s, i) * B(s, j);
}
template <class T>
void naive_At_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("naive", "At_B", A, true, B, false, C);
    std::fill(C.data().begin(), C.data().end(), T{0});
    naive_accumulate_At_B(T{1}, A, B, C);
}
template <class T>
void naive_add_At_B(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("naive", "add_At_B", A, true, B, false, C);
    naive_accumulate_At_B(alpha, A, B, C);
}
// The error sent back, sample by sample, input by input: e_i = sum_j delta_j W_ij.
template <class T>
void naive_A_Bt(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("naive", "A_Bt", A, false, B, true, C);
    for (std::size_t s = 0; s < A.size1(); ++s)
        for (std::size_t i = 0; i < B.size1(); ++i) {
            T e = 0;
            for (std::size_t j = 0; j < A.size2(); ++j)
                e += A(s, j) * B(i, j);
            C(s, i) = e;
        }
}

// uBLAS's expression template: each C(i, j) is the dot product of a row of A with a column
// of B, walking B down a column, one cache line per entry.
template <class T>
void prod_A_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("ublas_prod", "A_B", A, false, B, false, C);
    noalias(C) = ublas::prod(A, B);
}
template <class T>
void prod_At_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("ublas_prod", "At_B", A, true, B, false, C);
    noalias(C) = ublas::prod(ublas::trans(A), B);
}
template <class T>
void prod_A_Bt(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("ublas_prod", "A_Bt", A, false, B, true, C);
    noalias(C) = ublas::prod(A, ublas::trans(B));
}

// axpy_prod: C's rows are built as sums of B's rows scaled by A's entries, in memory order.
template <class T>
void axpy_A_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("ublas_axpy", "A_B", A, false, B, false, C);
    ublas::axpy_prod(A, B, C, true);
}
template <class T>
void axpy_At_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("ublas_axpy", "At_B", A, true, B, false, C);
    ublas::axpy_prod(ublas::trans(A), B, C, true);
}
template <class T>
void axpy_A_Bt(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("ublas_axpy", "A_Bt", A, false, B, true, C);
    ublas::axpy_prod(A, ublas::trans(B), C, true);
}

// Without a fused form, the gradient is formed first and then added.
template <class T>
void prod_add_At_B(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    MatrixOf<T> G(C.size1(), C.size2());
    prod_At_B(A, B, G);
    noalias(C) += alpha * G;
}
template <class T>
void axpy_add_At_B(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    MatrixOf<T> G(C.size1(), C.size2());
    axpy_At_B(A, B, G);
    noalias(C) += alpha * G;
}

// Each engine's kernels in precision T.
template <class T>
constexpr KernelsOf<T> naive() {
    return {naive_A_B<T>, naive_At_B<T>, naive_A_Bt<T>, naive_add_At_B<T>};
}
template <class T>
constexpr KernelsOf<T> prod() {
    return {prod_A_B<T>, prod_At_B<T>, prod_A_Bt<T>, prod_add_At_B<T>};
}
template <class T>
constexpr KernelsOf<T> axpy() {
    return {axpy_A_B<T>, axpy_At_B<T>, axpy_A_Bt<T>, axpy_add_At_B<T>};
}

}  // namespace

#ifdef BACKPROP_HAVE_OPENBLAS
extern constinit const Products openblas_products;  // products_openblas.cpp
void set_openblas_threads(int threads);
#endif
#ifdef BACKPROP_HAVE_EIGEN
extern constinit const Products eigen_products;  // products_eigen.cpp
void set_eigen_threads(int threads);
#endif

const std::vector<Products>& available_products() {
    static const std::vector<Products> engines{
        {"naive", "loops per sample, per neuron", naive<double>(), naive<float>()},
        {"ublas_prod", "uBLAS prod", prod<double>(), prod<float>()},
        {"ublas_axpy", "uBLAS axpy_prod", axpy<double>(), axpy<float>()},
#ifdef BACKPROP_HAVE_OPENBLAS
        openblas_products,
#endif
#ifdef BACKPROP_HAVE_EIGEN
        eigen_products,
#endif
    };
    return engines;
}

const Products& products_named(std::string_view name) {
    for (const Products& p : available_products())
        if (p.name == name) return p;
    std::string valid;
    for (const Products& p : available_products())
        valid += (valid.empty() ? "" : ", ") + std::string(p.name);
    throw std::invalid_argument("unknown product engine '" + std::string(name) +
                                "'; this build has: " + valid);
}

void set_product_threads(int threads) {
    if (threads < 1)
        throw std::invalid_argument("set_product_threads: " + std::to_string(threads) +
                                    " threads; at least 1");
#ifdef BACKPROP_HAVE_OPENBLAS
    set_openblas_threads(threads);
#endif
#ifdef BACKPROP_HAVE_EIGEN
    set_eigen_threads(threads);
#endif
}

const Products& fastest_products() {
    static const Products& fastest = products_named(BACKPROP_FASTEST_PRODUCTS);  // looked up once
    return fastest;
}

}  // namespace backprop
