#include "backprop/cli/json.hpp"

#include <stdexcept>

namespace backprop {

nlohmann::json json_vector(const Matrix& m) {
    if (m.size1() != 1)
        throw std::invalid_argument("json_vector: expected one row but the matrix is " +
                                    to_string(shape_of(m)));
    return nlohmann::json(std::vector<double>(m.data().begin(), m.data().end()));
}

nlohmann::json json_vector(const Vector& v) {
    return nlohmann::json(std::vector<double>(v.begin(), v.end()));
}

nlohmann::json json_matrix(const Matrix& m) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < m.size1(); ++i) {
        nlohmann::json row = nlohmann::json::array();
        for (std::size_t j = 0; j < m.size2(); ++j)
            row.push_back(m(i, j));
        rows.push_back(row);
    }
    return rows;
}

}  // namespace backprop
