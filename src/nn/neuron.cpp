#include "backprop/nn/neuron.hpp"

#include <stdexcept>
#include <string>

namespace backprop {

double Neuron::weighted_sum(const Vector& x) const {
    if (x.size() != w.size())
        throw std::invalid_argument("Neuron::weighted_sum: x has " + std::to_string(x.size()) +
                                    " entries but w has " + std::to_string(w.size()));
    return boost::numeric::ublas::inner_prod(w, x) + b;
}

}  // namespace backprop
