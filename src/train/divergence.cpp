#include "backprop/train/divergence.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

#include <boost/numeric/ublas/matrix.hpp>

namespace backprop {
namespace {

std::string where(const TrainingPosition& at) {
    std::string text = "training ";
    if (!at.network.empty()) text += at.network + " ";
    if (at.batch == 0) return text + "diverged at step " + std::to_string(at.epoch) + ": ";
    return text + "diverged at epoch " + std::to_string(at.epoch) + ", batch " +
           std::to_string(at.batch) + ": ";
}

std::string hint(const TrainingPosition& at) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", at.learning_rate);
    return ". The steps were too large for this network: lower the learning rate (it is " +
           std::string(rate) + "; try a tenth of it).";
}

/// The first entry of \p values that is not finite, or nullptr.
// Infinities and NaNs are the numbers whose exponent bits are all ones. Testing the bits,
// and OR-ing the answers over the array, is one vectorized pass; std::isfinite in a search
// is one value at a time. This runs after every step of training.
template <class T>
bool all_finite(std::span<const T> values) {
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    // Infinity's bits are the exponent's, all ones, and nothing else.
    constexpr auto exponent = std::bit_cast<Bits>(std::numeric_limits<T>::infinity());
    unsigned non_finite = 0;
    for (const T x : values)
        non_finite |= static_cast<unsigned>((std::bit_cast<Bits>(x) & exponent) == exponent);
    return non_finite == 0;
}

template <class T>
const T* first_non_finite(std::span<const T> values) {
    if (all_finite(values)) return nullptr;
    const auto it =
        std::find_if(values.begin(), values.end(), [](T x) { return !std::isfinite(x); });
    return it == values.end() ? nullptr : &*it;
}

/// \p parameter: which one, e.g. "layer 2's bias b".
[[noreturn]] void fail(const TrainingPosition& at, const std::string& parameter, double value) {
    throw DivergenceError(where(at) + "the gradient of " + parameter + " is " +
                          (std::isnan(value) ? "NaN" : "infinite") + hint(at));
}

}  // namespace

void require_finite_loss(double loss, const TrainingPosition& at) {
    if (!std::isfinite(loss))
        throw DivergenceError(where(at) + "the loss is " + (std::isnan(loss) ? "NaN" : "infinite") +
                              hint(at));
}

template <Scalar T>
void require_finite_gradients(const SequentialOf<T>& network, const TrainingPosition& at) {
    for (std::size_t l = 0; l < network.layers.size(); ++l) {
        LayerOf<T>& layer = *network.layers[l];
        for (const ParameterViewOf<T>& p : layer.parameters())
            if (const T* x = first_non_finite(p.gradient))
                fail(
                    at,
                    "layer " + std::to_string(l + 1) + " (" + layer.description() + ")'s " + p.name,
                    *x);
    }
}
template void require_finite_gradients(const SequentialOf<double>&, const TrainingPosition&);
template void require_finite_gradients(const SequentialOf<float>&, const TrainingPosition&);

}  // namespace backprop
