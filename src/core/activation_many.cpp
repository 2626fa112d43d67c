// The activations on many values at once. This file alone is compiled with -ffast-math (and,
// with BACKPROP_NATIVE, -march=native), which lets g++ call glibc's SIMD exp and tanh
// (libmvec): 8 values per instruction with AVX-512 instead of one. Their results are within
// a few units in the last place of the scalar functions in activation.cpp, which stay the
// reference. The formulas are the same, and none of them produces an infinity or a NaN from
// finite input, as -ffast-math assumes.
#include <cmath>

#include "backprop/core/activation.hpp"

namespace backprop::activations {

// Each loop once, instantiated for double and for float: the float instances call libmvec's
// expf and tanhf, 16 values per AVX-512 instruction.
//
// sigma(z) = 1/(1 + e^-z) for z >= 0 and e^z/(1 + e^z) for z < 0: with e = e^-|z| <= 1 both
// are free of overflow and keep full relative precision for very negative z.
template <Scalar T>
void sigmoid_many(const T* __restrict z, T* __restrict a, std::size_t n) {
    const T one = 1;
    for (std::size_t i = 0; i < n; ++i) {
        const T e = std::exp(-std::abs(z[i]));
        a[i] = (z[i] >= 0 ? one : e) / (one + e);
    }
}
template <Scalar T>
void tanh_many(const T* __restrict z, T* __restrict a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        a[i] = std::tanh(z[i]);
}
template <Scalar T>
void relu_many(const T* __restrict z, T* __restrict a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        a[i] = z[i] > 0 ? z[i] : T{0};
}
template <Scalar T>
void identity_many(const T* __restrict z, T* __restrict a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        a[i] = z[i];
}

template void sigmoid_many(const double*, double*, std::size_t);
template void sigmoid_many(const float*, float*, std::size_t);
template void tanh_many(const double*, double*, std::size_t);
template void tanh_many(const float*, float*, std::size_t);
template void relu_many(const double*, double*, std::size_t);
template void relu_many(const float*, float*, std::size_t);
template void identity_many(const double*, double*, std::size_t);
template void identity_many(const float*, float*, std::size_t);

}  // namespace backprop::activations
