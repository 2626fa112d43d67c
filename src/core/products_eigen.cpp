// The Eigen engine: Eigen's GEMM on the uBLAS matrices' storage, mapped without a copy, in
// double and in float. Built with -march=native (BACKPROP_NATIVE) so that Eigen uses the
// CPU's widest SIMD, and with OpenMP where the build has it, for set_product_threads().
#include <Eigen/Core>

#include "backprop/core/products.hpp"

namespace backprop {
namespace {

template <class T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T>
Eigen::Map<const RowMajor<T>> view(const MatrixOf<T>& m) {
    return {m.data().data(), static_cast<Eigen::Index>(m.size1()),
            static_cast<Eigen::Index>(m.size2())};
}
template <class T>
Eigen::Map<RowMajor<T>> view(MatrixOf<T>& m) {
    return {m.data().data(), static_cast<Eigen::Index>(m.size1()),
            static_cast<Eigen::Index>(m.size2())};
}

using detail::check_product;

template <class T>
void A_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("eigen", "A_B", A, false, B, false, C);
    view(C).noalias() = view(A) * view(B);
}
template <class T>
void At_B(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("eigen", "At_B", A, true, B, false, C);
    view(C).noalias() = view(A).transpose() * view(B);
}
template <class T>
void A_Bt(const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("eigen", "A_Bt", A, false, B, true, C);
    view(C).noalias() = view(A) * view(B).transpose();
}
template <class T>
void add_At_B(T alpha, const MatrixOf<T>& A, const MatrixOf<T>& B, MatrixOf<T>& C) {
    check_product("eigen", "add_At_B", A, true, B, false, C);
    view(C).noalias() += alpha * view(A).transpose() * view(B);
}

// Eigen sizes its blocks from the L1 data cache it detects. On CPUs with 48 KiB of L1 (Intel
// since Ice Lake, AMD Zen 5) its choice halves its speed on the forward product of a
// mini-batch (64x784 by 784x128 here: 35 instead of 68 GFLOP/s); planning for 32 KiB restores
// it and changes nothing where L1 is 32 KiB. Measured in bench_gemm. And one thread, as every
// engine starts with (OpenMP's default would be every core).
const bool blocking_for_32k_l1 = [] {
    constexpr std::ptrdiff_t l1 = std::ptrdiff_t{32} * 1024;
    if (Eigen::l1CacheSize() > l1)
        Eigen::setCpuCacheSizes(l1, Eigen::l2CacheSize(), Eigen::l3CacheSize());
    Eigen::setNbThreads(1);
    return true;
}();

template <class T>
constexpr KernelsOf<T> kernels() {
    return {A_B<T>, At_B<T>, A_Bt<T>, add_At_B<T>};
}

}  // namespace

extern constinit const Products eigen_products{"eigen", "Eigen GEMM", kernels<double>(),
                                               kernels<float>()};

void set_eigen_threads(int threads) {
    Eigen::setNbThreads(threads);
}

}  // namespace backprop
