// The chain rule through each activation on many values: d = g ⊙ f'(z), with f'(z) from the
// kept output a = f(z). This file is compiled for the kernels' CPU (BACKPROP_NATIVE) and with
// -fno-trapping-math, which lets g++ turn ReLU's "multiply where a > 0" into a vector blend
// instead of a branch per value (half of them mispredicted). Nothing is reassociated: each d[i]
// is g[i] * df_from_f(a[i]) rounded exactly as the formula one value at a time.
#include "backprop/core/activation.hpp"

namespace backprop::activations {
namespace {

template <class T, class Derivative>
void chain(const T* __restrict a, const T* __restrict g, T* __restrict d, std::size_t n,
           Derivative df_from_f) {
    for (std::size_t i = 0; i < n; ++i)
        d[i] = g[i] * df_from_f(a[i]);
}

// f' from f in T's own arithmetic: a(1 - a), 1 - a², [a > 0], 1.
template <class T>
T sigmoid_prime(T a) {
    return a * (T{1} - a);
}
template <class T>
T tanh_prime(T a) {
    return T{1} - a * a;
}
template <class T>
T relu_prime(T a) {
    return a > 0 ? T{1} : T{0};
}
template <class T>
T identity_prime(T) {
    return T{1};
}

}  // namespace

template <Scalar T>
void sigmoid_chain(const T* a, const T* g, T* d, std::size_t n) {
    chain(a, g, d, n, sigmoid_prime<T>);
}
template <Scalar T>
void tanh_chain(const T* a, const T* g, T* d, std::size_t n) {
    chain(a, g, d, n, tanh_prime<T>);
}
template <Scalar T>
void relu_chain(const T* a, const T* g, T* d, std::size_t n) {
    chain(a, g, d, n, relu_prime<T>);
}
template <Scalar T>
void identity_chain(const T* a, const T* g, T* d, std::size_t n) {
    chain(a, g, d, n, identity_prime<T>);
}

template void sigmoid_chain(const double*, const double*, double*, std::size_t);
template void sigmoid_chain(const float*, const float*, float*, std::size_t);
template void tanh_chain(const double*, const double*, double*, std::size_t);
template void tanh_chain(const float*, const float*, float*, std::size_t);
template void relu_chain(const double*, const double*, double*, std::size_t);
template void relu_chain(const float*, const float*, float*, std::size_t);
template void identity_chain(const double*, const double*, double*, std::size_t);
template void identity_chain(const float*, const float*, float*, std::size_t);

}  // namespace backprop::activations
