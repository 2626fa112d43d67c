// The OpenBLAS engine: cblas_dgemm straight on the uBLAS matrices' row-major storage.
#include <algorithm>
#include <cblas.h>
#include <cstdlib>

#include "backprop/core/products.hpp"

namespace backprop {
namespace {

// C (m, n) = op(A) op(B), all row-major; lda/ldb are the stored row lengths.
void dgemm(double alpha, const Matrix& A, bool transpose_A, const Matrix& B, bool transpose_B,
           double beta, Matrix& C) {
    const auto m = static_cast<blasint>(C.size1()), n = static_cast<blasint>(C.size2());
    const auto k = static_cast<blasint>(transpose_A ? A.size1() : A.size2());
    if (m == 0 || n == 0) return;
    if (k == 0) {
        for (double& c : C.data())
            c *= beta;
        return;
    }
    cblas_dgemm(CblasRowMajor, transpose_A ? CblasTrans : CblasNoTrans,
                transpose_B ? CblasTrans : CblasNoTrans, m, n, k, alpha, A.data().data(),
                static_cast<blasint>(A.size2()), B.data().data(), static_cast<blasint>(B.size2()),
                beta, C.data().data(), n);
}

void A_B(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "A_B", A, false, B, false, C);
    dgemm(1.0, A, false, B, false, 0.0, C);
}
void At_B(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "At_B", A, true, B, false, C);
    dgemm(1.0, A, true, B, false, 0.0, C);
}
void A_Bt(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "A_Bt", A, false, B, true, C);
    dgemm(1.0, A, false, B, true, 0.0, C);
}

// One thread unless the user asks for more: benchmarks compare single-core speed, and
// OpenBLAS's threads spin on a busy machine. OPENBLAS_NUM_THREADS, if set, wins.
const bool single_threaded = [] {
    if (!std::getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
    return true;
}();

void add_At_B(double alpha, const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "add_At_B", A, true, B, false, C);
    dgemm(alpha, A, true, B, false, 1.0, C);
}

}  // namespace

extern const Products openblas_products{"openblas", "OpenBLAS dgemm", A_B, At_B, A_Bt, add_At_B};

}  // namespace backprop
