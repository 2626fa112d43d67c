#include "backprop/train/divergence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>

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
const double* first_non_finite(std::span<const double> values) {
    const auto it =
        std::find_if(values.begin(), values.end(), [](double x) { return !std::isfinite(x); });
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

void require_finite_gradients(const Sequential& network, const TrainingPosition& at) {
    for (std::size_t l = 0; l < network.layers.size(); ++l) {
        Layer& layer = *network.layers[l];
        for (const ParameterView& p : layer.parameters())
            if (const double* x = first_non_finite(p.gradient))
                fail(
                    at,
                    "layer " + std::to_string(l + 1) + " (" + layer.description() + ")'s " + p.name,
                    *x);
    }
}

}  // namespace backprop
