#include "backprop/nn/worked_example.hpp"

#include "backprop/core/activation.hpp"
#include "backprop/core/shape_check.hpp"

namespace backprop::worked_example {

Matrix x() {
    return row_vector({0.5, 0.8});
}
Matrix t() {
    return row_vector({0.7});
}

Matrix W1() {
    return matrix_from_rows({{0.1, 0.2, 0.3},    // weights leaving x1
                             {0.4, 0.5, 0.6}});  // weights leaving x2
}

Matrix W2() {
    return matrix_from_rows({{0.7}, {0.8}, {0.9}});
}

Sequential network(const Matrix& W1, const Matrix& W2) {
    require_shape("worked_example::network", "W1", W1, {2, 3});
    require_shape("worked_example::network", "W2", W2, {3, 1});
    return Sequential(Linear(W1), ActivationLayer(activations::sigmoid), Linear(W2),
                      ActivationLayer(activations::sigmoid));
}

}  // namespace backprop::worked_example
