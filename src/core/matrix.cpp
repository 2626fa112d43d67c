#include "backprop/core/matrix.hpp"

#include <algorithm>
#include <stdexcept>

namespace backprop {

std::string to_string(Precision precision) {
    return precision == Precision::float32 ? "float32" : "float64";
}

Precision precision_named(std::string_view name) {
    if (name == "float64") return Precision::float64;
    if (name == "float32") return Precision::float32;
    throw std::invalid_argument("unknown precision '" + std::string(name) +
                                "'; valid names are: float64, float32");
}

std::string to_string(Shape shape) {
    return std::to_string(shape.rows) + "x" + std::to_string(shape.cols);
}

Matrix matrix_from_rows(std::initializer_list<std::initializer_list<double>> rows) {
    const std::size_t cols = rows.size() == 0 ? 0 : rows.begin()->size();
    Matrix m(rows.size(), cols);
    std::size_t i = 0;
    for (const auto& row : rows) {
        if (row.size() != cols)
            throw std::invalid_argument("matrix_from_rows: row " + std::to_string(i) + " has " +
                                        std::to_string(row.size()) + " entries but row 0 has " +
                                        std::to_string(cols));
        std::size_t j = 0;
        for (double value : row)
            m(i, j++) = value;
        ++i;
    }
    return m;
}

Matrix row_vector(std::initializer_list<double> values) {
    return matrix_from_rows({values});
}

Matrix as_row(const Vector& v) {
    Matrix m(1, v.size());
    std::copy(v.begin(), v.end(), m.data().begin());
    return m;
}

}  // namespace backprop
