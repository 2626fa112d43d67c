// The Eigen engine: Eigen's GEMM on the uBLAS matrices' storage, mapped without a copy.
// Built with -march=native (BACKPROP_NATIVE) so that Eigen uses the CPU's widest SIMD.
#include <Eigen/Core>

#include "backprop/core/products.hpp"

namespace backprop {
namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstView = Eigen::Map<const RowMajor>;
using View = Eigen::Map<RowMajor>;

ConstView view(const Matrix& m) {
    return {m.data().data(), static_cast<Eigen::Index>(m.size1()),
            static_cast<Eigen::Index>(m.size2())};
}
View view(Matrix& m) {
    return {m.data().data(), static_cast<Eigen::Index>(m.size1()),
            static_cast<Eigen::Index>(m.size2())};
}

void A_B(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("eigen", "A_B", A, false, B, false, C);
    view(C).noalias() = view(A) * view(B);
}
void At_B(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("eigen", "At_B", A, true, B, false, C);
    view(C).noalias() = view(A).transpose() * view(B);
}
void A_Bt(const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("eigen", "A_Bt", A, false, B, true, C);
    view(C).noalias() = view(A) * view(B).transpose();
}

// Eigen sizes its blocks from the L1 data cache it detects. On CPUs with 48 KiB of L1 (Intel
// since Ice Lake, AMD Zen 5) its choice halves its speed on the forward product of a
// mini-batch (64x784 by 784x128 here: 35 instead of 68 GFLOP/s); planning for 32 KiB restores
// it and changes nothing where L1 is 32 KiB. Measured in bench_gemm.
const bool blocking_for_32k_l1 = [] {
    constexpr std::ptrdiff_t l1 = std::ptrdiff_t{32} * 1024;
    if (Eigen::l1CacheSize() > l1)
        Eigen::setCpuCacheSizes(l1, Eigen::l2CacheSize(), Eigen::l3CacheSize());
    return true;
}();

void add_At_B(double alpha, const Matrix& A, const Matrix& B, Matrix& C) {
    detail::check_product("eigen", "add_At_B", A, true, B, false, C);
    view(C).noalias() += alpha * view(A).transpose() * view(B);
}

}  // namespace

extern const Products eigen_products{"eigen", "Eigen GEMM", A_B, At_B, A_Bt, add_At_B};

}  // namespace backprop
