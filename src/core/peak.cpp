// The FMA-throughput loop. Compiled with -ffp-contract=fast, so that a * m + c becomes one
// fused multiply-add, and (with BACKPROP_NATIVE) for this CPU. The build defines
// BACKPROP_COMPILED_FOR, its description of that target, and BACKPROP_NATIVE (1 or 0).
#include "backprop/core/peak.hpp"

#include <algorithm>
#include <chrono>
#include <type_traits>

namespace backprop {
namespace {

#if defined(__AVX512F__)
constexpr int bits = 512;
constexpr const char* instruction = "AVX-512 FMA";
#elif defined(__AVX__) && defined(__FMA__)
constexpr int bits = 256;
constexpr const char* instruction = "AVX2 FMA";
#elif defined(__FMA__)
constexpr int bits = 128;
constexpr const char* instruction = "SSE FMA";
#else
constexpr int bits = 128;
constexpr const char* instruction = "SSE2 multiply and add";
#endif

// The same names, for the instructions this CPU runs (GCC's and clang's CPUID builtins, which
// also ask whether the operating system saves the wide registers).
std::string cpu_instruction() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "AVX-512 FMA";
    if (__builtin_cpu_supports("avx") && __builtin_cpu_supports("fma")) return "AVX2 FMA";
    if (__builtin_cpu_supports("fma")) return "SSE FMA";
    return "SSE2 multiply and add";
}

// Enough independent accumulators to hide the FMA latency (4 cycles) on two FMA ports.
constexpr int chains = 16;

// The lanes of one vector of Scalar: 8 doubles or 16 floats in 512 bits.
template <class Scalar>
constexpr int lanes = std::is_same_v<Scalar, float> ? bits / 32 : bits / 64;

// 2 * lanes * chains * iterations operations; returns a value so that nothing is dropped.
template <class Scalar>
__attribute__((noinline)) double fma_chains(long iterations, double seed) {
    typedef Scalar Vec __attribute__((vector_size(bits / 8)));
    Vec acc[chains] = {};
    for (int c = 0; c < chains; ++c)
        acc[c] += static_cast<Scalar>(seed * (c + 1));
    const Vec m = Vec{} + Scalar(0.999999), add = Vec{} + Scalar(1e-7);
    for (long i = 0; i < iterations; ++i)
        for (int c = 0; c < chains; ++c)
            acc[c] = acc[c] * m + add;
    double sum = 0.0;
    for (int c = 0; c < chains; ++c)
        for (int k = 0; k < lanes<Scalar>; ++k)
            sum += acc[c][k];
    return sum;
}

}  // namespace

PeakMeasurement measure_peak(double seconds, Precision precision) {
    using clock = std::chrono::steady_clock;
    const bool single = precision == Precision::float32;
    const long iterations = 1 << 20;
    const double flops =
        2.0 * (single ? lanes<float> : lanes<double>)*chains * static_cast<double>(iterations);
    double best = 0.0, sink = 0.0;
    const auto end = clock::now() + std::chrono::duration<double>(seconds);
    for (int run = 0; run < 3 || clock::now() < end; ++run) {
        const auto start = clock::now();
        sink += single ? fma_chains<float>(iterations, 1.0 + run)
                       : fma_chains<double>(iterations, 1.0 + run);
        const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
        best = std::max(best, flops / elapsed);
    }
    // sink is never 0 for these inputs; the test keeps the compiler from removing the loop.
    return {sink != 0.0 ? best : 0.0,
            bits,
            instruction,
            BACKPROP_COMPILED_FOR,
            BACKPROP_NATIVE == 1,
            cpu_instruction(),
            precision};
}

}  // namespace backprop
