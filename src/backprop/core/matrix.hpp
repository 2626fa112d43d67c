/// \file
/// \brief The two containers every other header speaks in, and how to read their shapes.
///
/// Everything in the library is a Boost.uBLAS matrix of Real: a single sample is a
/// matrix with one row, a mini-batch of B samples has B rows. Rows are samples, columns
/// are features (neurons). This is the convention of the article's printed numbers, where
/// row i of \f$W_1\f$ belongs to input i.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include <boost/numeric/ublas/matrix.hpp>
#include <boost/numeric/ublas/matrix_proxy.hpp>
#include <boost/numeric/ublas/vector.hpp>

/// Backpropagation, step by verified step: the library every chapter program stands on.
namespace backprop {

// The storage is a std::vector rather than uBLAS's default unbounded_array: in Boost 1.74
// (Debian 12) unbounded_array calls std::allocator::construct, which C++20 removed, and does
// not compile. uBLAS accepts any standard sequence as storage, and `data().data()` is then
// a plain pointer to the row-major entries.

/// The number every matrix, vector and parameter of the library holds: IEEE binary64, the
/// precision of the article's numpy program, in which every pinned value is computed. This
/// is the one place that names it.
using Real = double;

/// A dense, row-major matrix of \p T: `(rows, cols)`.
template <class T>
using MatrixOf = boost::numeric::ublas::matrix<T, boost::numeric::ublas::row_major, std::vector<T>>;
/// A dense vector of \p T.
template <class T>
using VectorOf = boost::numeric::ublas::vector<T, std::vector<T>>;

/// The library's matrix: `(rows, cols)` of Real.
using Matrix = MatrixOf<Real>;
/// The library's vector of Real.
using Vector = VectorOf<Real>;

/// The shape of a matrix, as rows by columns.
struct Shape {
    std::size_t rows;  ///< number of rows
    std::size_t cols;  ///< number of columns
    /// The shape of the transpose.
    Shape transposed() const { return {cols, rows}; }
    /// Equal when both dimensions are.
    friend bool operator==(const Shape&, const Shape&) = default;
};

/// The shape of \p m.
inline Shape shape_of(const Matrix& m) {
    return {m.size1(), m.size2()};
}

/// Makes \p m a rows x cols matrix, keeping its buffer when it already is one, so that
/// the matrices a training step writes into are allocated once, not once per step. The
/// entries are left unspecified: the caller overwrites them.
inline void ensure_shape(Matrix& m, std::size_t rows, std::size_t cols) {
    if (m.size1() != rows || m.size2() != cols) m.resize(rows, cols, false);
}

/// A shape written for people, e.g. `2x3`.
std::string to_string(Shape shape);

/// A matrix from a list of rows. Every row must have the same length.
/// \throws std::invalid_argument if the rows are ragged.
Matrix matrix_from_rows(std::initializer_list<std::initializer_list<double>> rows);

/// A one-row matrix: a single sample `(1, n)`.
Matrix row_vector(std::initializer_list<double> values);

/// The vector \p v as a one-row matrix `(1, n)`.
Matrix as_row(const Vector& v);

}  // namespace backprop
