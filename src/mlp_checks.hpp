// Shape checks shared by the MlpStep implementations (private to the library).
#pragma once

#include <string>

#include "backprop/mlp.hpp"
#include "backprop/shape_check.hpp"

namespace backprop::detail {

inline void check_batch(std::string_view step, const MlpParameters& p, const Matrix& X) {
    if (p.W.empty()) throw std::invalid_argument(std::string(step) + "::forward: no layers");
    require_product(std::string(step) + "::forward", "X", shape_of(X), "W1", shape_of(p.W.front()));
}

inline void check_targets(std::string_view step, const Matrix& logits, const Matrix& T) {
    if (logits.size1() == 0)
        throw std::logic_error(std::string(step) + "::backward: called before forward");
    require_same_shape(std::string(step) + "::backward", "T", T, "the logits", logits);
}

}  // namespace backprop::detail
