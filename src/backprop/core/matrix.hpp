/// \file
/// \brief The two containers every other header speaks in, and how to read their shapes.
///
/// Everything in the library is a Boost.uBLAS matrix of Real: a single sample is a
/// matrix with one row, a mini-batch of B samples has B rows. Rows are samples, columns
/// are features (neurons). This is the convention of the article's printed numbers, where
/// row i of \f$W_1\f$ belongs to input i.
#pragma once

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
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

/// The numbers a network can train in: IEEE binary64 (`double`, the library's Real) or
/// binary32 (`float`, half the bytes, twice the SIMD lanes; chapter 8). The worked examples,
/// the calculator and every pinned value stay in Real.
template <class T>
concept Scalar = std::same_as<T, double> || std::same_as<T, float>;

/// The two floating-point precisions, by name: a vector register holds twice as many floats
/// as doubles, so the single-precision peak is twice the double one.
enum class Precision {
    float64,  ///< double
    float32,  ///< float
};
/// The precision of \p T.
template <Scalar T>
inline constexpr Precision precision_of =
    std::same_as<T, float> ? Precision::float32 : Precision::float64;
/// `"float64"` or `"float32"`, as the command lines and the JSON name it.
std::string to_string(Precision precision);
/// The precision called \p name (`float64`, `float32`).
/// \throws std::invalid_argument listing the valid names.
Precision precision_named(std::string_view name);

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
template <class T>
Shape shape_of(const MatrixOf<T>& m) {
    return {m.size1(), m.size2()};
}

/// Makes \p m a rows x cols matrix, keeping its buffer when it already is one, so that
/// the matrices a training step writes into are allocated once, not once per step. The
/// entries are left unspecified: the caller overwrites them.
template <class T>
void ensure_shape(MatrixOf<T>& m, std::size_t rows, std::size_t cols) {
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

/// \p m with every entry rounded to \p To (or widened, exactly, from float to double).
template <Scalar To, Scalar From>
MatrixOf<To> converted(const MatrixOf<From>& m) {
    MatrixOf<To> out(m.size1(), m.size2());
    for (std::size_t i = 0; i < m.data().size(); ++i)
        out.data()[i] = static_cast<To>(m.data()[i]);
    return out;
}
/// \p v with every entry rounded to \p To.
template <Scalar To, Scalar From>
VectorOf<To> converted(const VectorOf<From>& v) {
    VectorOf<To> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        out(i) = static_cast<To>(v(i));
    return out;
}

}  // namespace backprop
