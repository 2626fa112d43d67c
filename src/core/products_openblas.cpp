// The OpenBLAS engine: cblas_dgemm and cblas_sgemm straight on the uBLAS matrices' row-major
// storage.
#include <cblas.h>
#include <cstdlib>

#include "backprop/core/products.hpp"

namespace backprop {
namespace {

// The one BLAS call of each precision.
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k, double alpha,
          const double* A, blasint lda, const double* B, blasint ldb, double beta, double* C,
          blasint ldc) {
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k, float alpha,
          const float* A, blasint lda, const float* B, blasint ldb, float beta, float* C,
          blasint ldc) {
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

// C (m, n) = alpha op(A) op(B) + beta C, all row-major; lda/ldb are the stored row lengths.
template <class T>
void gemm(std::string_view product, T alpha, const MatrixOf<T>& A, bool transpose_A,
          const MatrixOf<T>& B, bool transpose_B, T beta, MatrixOf<T>& C) {
    detail::check_product("openblas", product, A, transpose_A, B, transpose_B, C);
    const auto m = static_cast<blasint>(C.size1()), n = static_cast<blasint>(C.size2());
    const auto k = static_cast<blasint>(transpose_A ? A.size1() : A.size2());
    if (m == 0 || n == 0) return;
    if (k == 0) {
        for (T& c : C.data())
            c *= beta;
        return;
    }
    gemm(transpose_A ? CblasTrans : CblasNoTrans, transpose_B ? CblasTrans : CblasNoTrans, m, n, k,
         alpha, A.data().data(), static_cast<blasint>(A.size2()), B.data().data(),
         static_cast<blasint>(B.size2()), beta, C.data().data(), n);
}

template <class T>
void A_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    gemm<T>("A_B", 1, A, false, B, false, 0, C);
}
template <class T>
void At_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    gemm<T>("At_B", 1, A, true, B, false, 0, C);
}
template <class T>
void A_Bt(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    gemm<T>("A_Bt", 1, A, false, B, true, 0, C);
}
template <class T>
void add_At_B(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    gemm<T>("add_At_B", alpha, A, true, B, false, 1, C);
}

// One thread unless the user asks for more: benchmarks compare single-core speed, and
// OpenBLAS's threads spin on a busy machine. OPENBLAS_NUM_THREADS, if set, wins.
const bool single_threaded = [] {
    if (!std::getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
    return true;
}();

template <class T>
constexpr KernelsOf<T> kernels() {
    return {A_B<T>, At_B<T>, A_Bt<T>, add_At_B<T>};
}

}  // namespace

extern constinit const Products openblas_products{"openblas", "OpenBLAS gemm", kernels<double>(),
                                                  kernels<float>()};

void set_openblas_threads(int threads) {
    if (!std::getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(threads);
}

}  // namespace backprop
