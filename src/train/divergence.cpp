#include "backprop/train/divergence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <boost/numeric/ublas/matrix.hpp>

namespace backprop {
namespace {

std::string where(const TrainingPosition& at) {
    return "training diverged at epoch " + std::to_string(at.epoch) + ", batch " +
           std::to_string(at.batch) + ": ";
}

std::string hint(const TrainingPosition& at) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", at.learning_rate);
    return ". The steps were too large for this network: lower the learning rate (it is " +
           std::string(rate) + "; try a tenth of it).";
}

/// The first entry of \p values that is not finite, or nullptr.
template <class Container>
const double* first_non_finite(const Container& values) {
    const auto& data = values.data();
    const auto it =
        std::find_if(data.begin(), data.end(), [](double x) { return !std::isfinite(x); });
    return it == data.end() ? nullptr : &*it;
}

[[noreturn]] void fail(const TrainingPosition& at, std::size_t layer, const char* parameter,
                       double value) {
    throw DivergenceError(where(at) + "the gradient of layer " + std::to_string(layer) + "'s " +
                          parameter + " is " + (std::isnan(value) ? "NaN" : "infinite") + hint(at));
}

}  // namespace

void require_finite_loss(double loss, const TrainingPosition& at) {
    if (!std::isfinite(loss))
        throw DivergenceError(where(at) + "the loss is " + (std::isnan(loss) ? "NaN" : "infinite") +
                              hint(at));
}

void require_finite_gradients(const MlpGradients& g, const TrainingPosition& at) {
    for (std::size_t l = 0; l < g.dJ_dW.size(); ++l) {
        if (const double* x = first_non_finite(g.dJ_dW[l])) fail(at, l + 1, "weights W", *x);
        if (const double* x = first_non_finite(g.dJ_db[l])) fail(at, l + 1, "bias b", *x);
    }
}

void require_finite_gradients(const std::vector<DenseGradients>& g, const TrainingPosition& at) {
    for (std::size_t l = 0; l < g.size(); ++l) {
        if (const double* x = first_non_finite(g[l].dJ_dW)) fail(at, l + 1, "weights W", *x);
        if (g[l].dJ_db)
            if (const double* x = first_non_finite(*g[l].dJ_db)) fail(at, l + 1, "bias b", *x);
    }
}

}  // namespace backprop
