// The matrix product C = A B at the shapes one training step of 784-128-10 and 784-256-10
// networks needs, computed by every tier: two naive loops (i-j-k, the dot-product order of the
// naive engine, and i-k-j, the memory order), then every other Products engine of this build.
// Counter: FLOP/s.
#include <random>
#include <string>

#include <benchmark/benchmark.h>

#include "backprop/core/products.hpp"
#include "backprop/nn/init.hpp"

namespace {

using namespace backprop;

Matrix random_matrix(std::size_t rows, std::size_t cols, unsigned seed) {
    std::mt19937_64 generator(seed);
    return random_uniform(rows, cols, -1.0, 1.0, generator);
}

// The naive engine (products.cpp) computes each C(i, j) = sum_k A(i, k) B(k, j) as a dot
// product, walking B down a column. The same sums with the loops reordered: C's row i gathers A(i,
// k) times B's row k, so every loop walks memory in order and the inner loop vectorizes.
void naive_ikj(const Matrix& A, const Matrix& B, Matrix& C) {
    std::fill(C.data().begin(), C.data().end(), 0.0);
    for (std::size_t i = 0; i < A.size1(); ++i)
        for (std::size_t k = 0; k < A.size2(); ++k) {
            const double a = A(i, k);
            for (std::size_t j = 0; j < B.size2(); ++j)
                C(i, j) += a * B(k, j);
        }
}

void run(benchmark::State& state, void (*product)(const Matrix&, const Matrix&, Matrix&),
         std::size_t M, std::size_t K, std::size_t N) {
    const Matrix A = random_matrix(M, K, 1), B = random_matrix(K, N, 2);
    Matrix C(M, N);
    for (auto _ : state) {
        product(A, B, C);
        benchmark::DoNotOptimize(C.data().data());
        benchmark::ClobberMemory();
    }
    state.counters["FLOP/s"] = benchmark::Counter(2.0 * double(M) * double(K) * double(N),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
    // (M, K, N): the forward product of a batch of 64 and of 256, and the weight gradient.
    const std::size_t shapes[][3] = {{64, 784, 128}, {784, 64, 128}, {256, 784, 256}};
    std::vector<std::pair<std::string, void (*)(const Matrix&, const Matrix&, Matrix&)>> tiers{
        {"naive_ijk", products_named("naive").float64.A_B}, {"naive_ikj", naive_ikj}};
    for (const Products& p : available_products())
        if (p.name != "naive") tiers.emplace_back(std::string(p.name), p.float64.A_B);
    for (const auto& [name, product] : tiers)
        for (const auto& s : shapes) {
            const std::string label = "gemm/" + name + "/" + std::to_string(s[0]) + "x" +
                                      std::to_string(s[1]) + "x" + std::to_string(s[2]);
            benchmark::RegisterBenchmark(label.c_str(), run, product, s[0], s[1], s[2])
                ->Unit(benchmark::kMicrosecond);
        }
    return true;
}();

}  // namespace
