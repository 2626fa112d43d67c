#include "backprop/core/shape_check.hpp"

#include <stdexcept>
#include <string>

namespace backprop {

void require_same_shape(std::string_view operation, std::string_view a_name, Shape a,
                        std::string_view b_name, Shape b) {
    if (a == b) return;
    throw std::invalid_argument(std::string(operation) + ": " + std::string(a_name) + " is " +
                                to_string(a) + " but " + std::string(b_name) + " is " +
                                to_string(b) + "; they must have the same shape");
}

void require_product(std::string_view operation, std::string_view a_name, Shape a,
                     std::string_view b_name, Shape b) {
    if (a.cols == b.rows) return;
    throw std::invalid_argument(
        std::string(operation) + ": cannot multiply " + std::string(a_name) + " (" + to_string(a) +
        ") by " + std::string(b_name) + " (" + to_string(b) + "): " + std::to_string(a.cols) +
        " columns but " + std::to_string(b.rows) + " rows");
}

void require_shape(std::string_view operation, std::string_view name, Shape m, Shape expected) {
    if (m == expected) return;
    throw std::invalid_argument(std::string(operation) + ": " + std::string(name) + " is " +
                                to_string(m) + " but must be " + to_string(expected));
}

}  // namespace backprop
