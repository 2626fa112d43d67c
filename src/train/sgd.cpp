#include "backprop/train/sgd.hpp"

#include <stdexcept>
#include <string>

#include "backprop/core/shape_check.hpp"

namespace backprop {

namespace {

/// Throws unless \p gradients fit \p layer, before anything is changed.
void require_fit(const Dense& layer, const DenseGradients& gradients) {
    require_same_shape("sgd_step", "dJ/dW", gradients.dJ_dW, "W", layer.W);
    if (layer.b.has_value() != gradients.dJ_db.has_value())
        throw std::invalid_argument(std::string("sgd_step: the layer ") +
                                    (layer.b ? "has" : "has no") + " bias but its gradients " +
                                    (gradients.dJ_db ? "have one" : "have none"));
    if (layer.b && gradients.dJ_db->size() != layer.b->size())
        throw std::invalid_argument("sgd_step: dJ/db has " +
                                    std::to_string(gradients.dJ_db->size()) +
                                    " entries but b has " + std::to_string(layer.b->size()));
}

/// W ← W − α dJ/dW and b ← b − α dJ/db, for gradients that fit.
void descend(Dense& layer, const DenseGradients& gradients, double learning_rate) {
    layer.W -= learning_rate * gradients.dJ_dW;
    if (layer.b) *layer.b -= learning_rate * *gradients.dJ_db;
}

}  // namespace

// Every check comes before any change: a step that is refused leaves the parameters as
// they were.
void sgd_step(Dense& layer, const DenseGradients& gradients, double learning_rate) {
    require_fit(layer, gradients);
    descend(layer, gradients, learning_rate);
}

void sgd_step(Network& network, const std::vector<DenseGradients>& gradients,
              double learning_rate) {
    if (gradients.size() != network.layers.size())
        throw std::invalid_argument("sgd_step: " + std::to_string(gradients.size()) +
                                    " sets of gradients for " +
                                    std::to_string(network.layers.size()) + " layers");
    for (std::size_t l = 0; l < gradients.size(); ++l)
        require_fit(network.layers[l], gradients[l]);
    for (std::size_t l = 0; l < gradients.size(); ++l)
        descend(network.layers[l], gradients[l], learning_rate);
}

}  // namespace backprop
