/// \file
/// \brief Numbers for people: labelled, aligned text.
///
/// Every chapter prints its steps through a Report so that all of them look alike:
///
///     Forward pass
///     ------------
///       z1 = W1ᵀ x            [  0.37000000   0.50000000   0.63000000 ]
///
/// Matrices print one row per line, later rows under the first. Numbers print with a fixed
/// number of decimals so that columns line up, or in scientific notation from a million on
/// (a whole matrix in one notation); the JSON output (see json.hpp) carries every value at
/// full precision.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// The number of characters \p text takes on a terminal: its UTF-8 code points.
std::size_t display_width(std::string_view text);

/// One cell of a table row: \p v right-aligned in \p width characters, with \p decimals
/// digits after the point below a million in magnitude and in scientific notation from there,
/// as Report prints numbers, and at least one space before it, so that a number wider than
/// its column never runs into the cell on its left.
std::string table_cell(double v, std::size_t width, int decimals);

/// Writes a chapter's labelled values to a stream.
class Report {
  public:
    /// \param out where to write.
    /// \param label_width the column the values start in (labels are padded to it).
    /// \param decimals digits after the decimal point for every number.
    explicit Report(std::ostream& out, std::size_t label_width = 24, int decimals = 8);

    /// The chapter's title, underlined with `=`.
    void title(std::string_view text);
    /// A section heading after a blank line, underlined with `-`.
    void section(std::string_view text);
    /// A line of prose, indented like the values; an empty \p line gives an empty line.
    void text(std::string_view line);
    /// `label  number`.
    void value(std::string_view label, double v);
    /// `label  number`, in scientific notation (for values spanning many magnitudes).
    void value_scientific(std::string_view label, double v);
    /// `label  text`: a value that is words, not a number, in the numbers' column.
    void value(std::string_view label, std::string_view text);
    /// `label  [ row 0 ]`, then each further row on its own line under the first; all entries
    /// as wide as the widest, and in scientific notation if any is a million or more in
    /// magnitude.
    void value(std::string_view label, const Matrix& m);
    /// `label  [ v_0 v_1 ... ]`.
    void value(std::string_view label, const Vector& v);
    /// One number, formatted as value() formats it: fixed-point below a million in
    /// magnitude, scientific from there.
    std::string number(double v) const;

  private:
    std::string padded(std::string_view label) const;
    std::string fixed_point(double v) const;
    std::string scientific(double v) const;

    std::ostream& out_;
    std::size_t label_width_;
    int decimals_;
};

}  // namespace backprop
