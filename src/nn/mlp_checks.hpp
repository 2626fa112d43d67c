// Shape checks shared by the MlpStep implementations (private to the library). They run on
// every step, so the messages are built only when a check fails.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/core/shape_check.hpp"
#include "backprop/nn/mlp.hpp"

namespace backprop::detail {

/// The batch fits the network, and the network's layers fit one another.
inline void check_batch(std::string_view step, const MlpParameters& p, const Matrix& X) {
    const auto operation = [step] { return std::string(step) + "::forward"; };
    const auto layer = [](const char* name, std::size_t l) { return name + std::to_string(l + 1); };
    if (p.W.empty()) throw std::invalid_argument(operation() + ": no layers");
    if (p.b.size() != p.W.size())
        throw std::invalid_argument(operation() + ": " + std::to_string(p.W.size()) +
                                    " weight matrices but " + std::to_string(p.b.size()) +
                                    " bias vectors");
    if (X.size2() != p.W[0].size1())
        require_product(operation(), "X", shape_of(X), "W1", shape_of(p.W[0]));
    for (std::size_t l = 0; l < p.W.size(); ++l) {
        if (l > 0 && p.W[l - 1].size2() != p.W[l].size1())
            require_product(operation(), layer("W", l - 1), shape_of(p.W[l - 1]), layer("W", l),
                            shape_of(p.W[l]));
        if (p.b[l].size() != p.W[l].size2())
            throw std::invalid_argument(operation() + ": " + layer("b", l) + " has " +
                                        std::to_string(p.b[l].size()) + " entries but " +
                                        layer("W", l) + " (" + to_string(shape_of(p.W[l])) +
                                        ") has " + std::to_string(p.W[l].size2()) + " columns");
    }
}

/// Backward comes after a forward, with one target row per sample and one column per class.
inline void check_targets(std::string_view step, const std::vector<Matrix>& Z, const Matrix& T) {
    const auto operation = [step] { return std::string(step) + "::backward"; };
    if (Z.empty() || Z.back().size1() == 0)
        throw std::logic_error(operation() + ": called before forward");
    if (shape_of(T) != shape_of(Z.back()))
        require_same_shape(operation(), "T", T, "the logits", Z.back());
}

}  // namespace backprop::detail
