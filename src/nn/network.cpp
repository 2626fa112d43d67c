#include "backprop/nn/network.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace backprop {

Network::Network(std::vector<Dense> layers_) : layers(std::move(layers_)) {
    if (layers.empty()) throw std::invalid_argument("Network: needs at least one layer");
    for (std::size_t l = 1; l < layers.size(); ++l)
        if (layers[l].inputs() != layers[l - 1].outputs())
            throw std::invalid_argument("Network: layer " + std::to_string(l) + " has W (" +
                                        to_string(shape_of(layers[l - 1].W)) + ") with " +
                                        std::to_string(layers[l - 1].outputs()) +
                                        " outputs but layer " + std::to_string(l + 1) + " has W (" +
                                        to_string(shape_of(layers[l].W)) + ") with " +
                                        std::to_string(layers[l].inputs()) + " inputs");
}

const Matrix& Network::forward(const Matrix& X) {
    const Matrix* input = &X;
    for (Dense& layer : layers)
        input = &layer.forward(*input);
    return *input;
}

std::vector<DenseGradients> Network::backward(const Matrix& dJ_dY) const {
    std::vector<DenseGradients> gradients(layers.size());
    const Matrix* dJ_dA = &dJ_dY;
    for (std::size_t l = layers.size(); l-- > 0;) {
        gradients[l] = layers[l].backward(*dJ_dA);
        dJ_dA = &gradients[l].dJ_dX;  // the error flows back into the layer before
    }
    return gradients;
}

}  // namespace backprop
