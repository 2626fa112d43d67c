#include "backprop/core/linalg.hpp"

#include <algorithm>

#include <boost/numeric/ublas/operation.hpp>

#include "backprop/core/shape_check.hpp"

namespace backprop {

namespace ublas = boost::numeric::ublas;

Matrix matmul(const Matrix& A, const Matrix& B) {
    require_product("matmul", "A", shape_of(A), "B", shape_of(B));
    Matrix C(A.size1(), B.size2());  // (m, k) x (k, n) -> (m, n)
    ublas::axpy_prod(A, B, C, true);
    return C;
}

Matrix matmul_At_B(const Matrix& A, const Matrix& B) {
    require_product("matmul_At_B", "A^T", shape_of(A).transposed(), "B", shape_of(B));
    Matrix C(A.size2(), B.size2());  // (k, m)^T x (k, n) -> (m, n)
    ublas::axpy_prod(ublas::trans(A), B, C, true);
    return C;
}

Matrix matmul_A_Bt(const Matrix& A, const Matrix& B) {
    require_product("matmul_A_Bt", "A", shape_of(A), "B^T", shape_of(B).transposed());
    Matrix C(A.size1(), B.size1());  // (m, k) x (n, k)^T -> (m, n)
    ublas::axpy_prod(A, ublas::trans(B), C, true);
    return C;
}

Matrix hadamard(const Matrix& A, const Matrix& B) {
    require_same_shape("hadamard", "A", A, "B", B);
    return ublas::element_prod(A, B);
}

Vector column_sums(const Matrix& A) {
    Vector sums;
    column_sums(A, sums);
    return sums;
}

template <Scalar T>
void column_sums(const MatrixOf<T>& A, VectorOf<T>& sums) {
    const std::size_t m = A.size1(), n = A.size2();
    sums.resize(n, false);
    std::fill(sums.begin(), sums.end(), T{0});
    const T* a = A.data().data();  // row-major: row i is a[i n], ..., a[i n + n - 1]
    T* s = sums.data().data();
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j)
            s[j] += a[i * n + j];
}
template void column_sums(const MatrixOf<double>& A, VectorOf<double>& sums);
template void column_sums(const MatrixOf<float>& A, VectorOf<float>& sums);

}  // namespace backprop
