/// \file
/// \brief A number as someone wrote it, and whether it is right at the digits written.
///
/// A hand calculation writes 0.37, not 0.370000000000000; a printed example writes 0.845.
/// Whether such a number is right depends on how many digits it has: "0.37" is right for
/// any true value from 0.365 to 0.375, "0.370" only from 0.3695 to 0.3705. So a written
/// number keeps its **text**, and the rule is
///
/// \f[ |\text{true} - \text{written}| \le \tfrac12 \cdot 10^{-d} \f]
///
/// with \f$d\f$ the number of decimals written (for `3.7e-1`, the decimals of the mantissa
/// minus the exponent, so \f$d = 2\f$ as for 0.37). That is: the true value, rounded to the
/// digits written, is the written number.
#pragma once

#include <string>
#include <string_view>

namespace backprop {

/// A decimal number together with the text it was written as.
class WrittenNumber {
  public:
    /// Reads \p text: an optional sign, digits with an optional decimal point, and an
    /// optional exponent (`0.37`, `-1`, `.5`, `3.7e-1`). Surrounding spaces are ignored.
    /// \throws std::invalid_argument if \p text is not such a number, or is not finite.
    explicit WrittenNumber(std::string_view text);

    /// The text as written (without surrounding spaces).
    const std::string& text() const { return text_; }
    /// The number's value.
    double value() const { return value_; }
    /// Half a unit in the last digit written: 0.005 for `0.37`.
    double half_unit() const;
    /// True if \p exact, rounded to the digits written, is this number:
    /// \f$|\text{exact} - \text{value}| \le\f$ half_unit() (up to the rounding of doubles).
    bool agrees_with(double exact) const;
    /// \p exact written with as many digits as this number: 0.3775 as `0.38` for `0.47`.
    std::string written_like(double exact) const;

  private:
    std::string text_;
    double value_ = 0.0;
    int last_digit_exponent_ = 0;
    bool scientific_ = false;  // written with an exponent
};

}  // namespace backprop
