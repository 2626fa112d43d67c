// The OpenBLAS engine: cblas_dgemm straight on the uBLAS matrices' row-major storage.
#include <algorithm>
#include <cblas.h>
#include <cstdlib>

#include "backprop/products.hpp"

namespace backprop {
namespace {

// C (m, n) = op(A) op(B), all row-major; lda/ldb are the stored row lengths.
void dgemm(const Matrix& A, bool transpose_A, const Matrix& B, bool transpose_B, Matrix& C) {
    const auto m = static_cast<blasint>(C.size1()), n = static_cast<blasint>(C.size2());
    const auto k = static_cast<blasint>(transpose_A ? A.size1() : A.size2());
    if (m == 0 || n == 0) return;
    if (k == 0) {
        std::fill(C.data().begin(), C.data().end(), 0.0);
        return;
    }
    cblas_dgemm(CblasRowMajor, transpose_A ? CblasTrans : CblasNoTrans,
                transpose_B ? CblasTrans : CblasNoTrans, m, n, k, 1.0, A.data().data(),
                static_cast<blasint>(A.size2()), B.data().data(), static_cast<blasint>(B.size2()),
                0.0, C.data().data(), n);
}

void A_B(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "A_B", A, false, B, false, C);
    dgemm(A, false, B, false, C);
}
void At_B(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "At_B", A, true, B, false, C);
    dgemm(A, true, B, false, C);
}
void A_Bt(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("openblas", "A_Bt", A, false, B, true, C);
    dgemm(A, false, B, true, C);
}

// One thread unless the user asks for more: benchmarks compare single-core speed, and
// OpenBLAS's threads spin on a busy machine. OPENBLAS_NUM_THREADS, if set, wins.
const bool single_threaded = [] {
    if (!std::getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
    return true;
}();

}  // namespace

extern const Products openblas_products{"openblas", "OpenBLAS dgemm", A_B, At_B, A_Bt};

}  // namespace backprop
