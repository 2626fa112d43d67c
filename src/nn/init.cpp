#include "backprop/nn/init.hpp"

#include <cmath>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

namespace backprop {

Matrix random_weights(std::size_t inputs, std::size_t outputs, Init init,
                      boost::random::mt19937_64& generator) {
    const double fan_in = static_cast<double>(inputs), fan_out = static_cast<double>(outputs);
    Matrix W(inputs, outputs);
    if (init == Init::he) {
        boost::random::normal_distribution<double> normal(0.0, std::sqrt(2.0 / fan_in));
        for (double& w : W.data())
            w = normal(generator);
    } else {
        const double limit = std::sqrt(6.0 / (fan_in + fan_out));
        boost::random::uniform_real_distribution<double> uniform(-limit, limit);
        for (double& w : W.data())
            w = uniform(generator);
    }
    return W;
}

}  // namespace backprop
