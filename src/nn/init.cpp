#include "backprop/nn/init.hpp"

#include <cmath>

namespace backprop {

Matrix random_weights(std::size_t inputs, std::size_t outputs, Init init,
                      boost::random::mt19937_64& generator) {
    const double fan_in = static_cast<double>(inputs), fan_out = static_cast<double>(outputs);
    if (init == Init::he) return random_normal(inputs, outputs, std::sqrt(2.0 / fan_in), generator);
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    return random_uniform(inputs, outputs, -limit, limit, generator);
}

}  // namespace backprop
