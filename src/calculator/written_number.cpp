#include "backprop/calculator/written_number.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace backprop {
namespace {

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

}  // namespace

WrittenNumber::WrittenNumber(std::string_view text) : text_(trimmed(text)) {
    const auto invalid = [&] {
        return std::invalid_argument("'" + std::string(text) + "' is not a number");
    };
    // [+-] digits [. digits] [e [+-] digits], with at least one digit before the exponent.
    std::size_t i = 0;
    const std::string& s = text_;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t mantissa_digits = 0, decimals = 0;
    while (i < s.size() && is_digit(s[i]))
        ++i, ++mantissa_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i]))
            ++i, ++decimals;
    }
    if (mantissa_digits + decimals == 0) throw invalid();
    long exponent = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        scientific_ = true;
        ++i;
        const std::size_t exponent_start = i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        const std::size_t digits_start = i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        if (i == digits_start || i - digits_start > 4) throw invalid();
        exponent = std::strtol(s.c_str() + exponent_start, nullptr, 10);
    }
    if (i != s.size()) throw invalid();

    value_ = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(value_))
        throw std::invalid_argument("'" + std::string(text) + "' is not a finite number");
    last_digit_exponent_ = static_cast<int>(exponent) - static_cast<int>(decimals);
}

double WrittenNumber::half_unit() const {
    return 0.5 * std::pow(10.0, last_digit_exponent_);
}

bool WrittenNumber::agrees_with(double exact) const {
    // 1e-9: the rounding of half_unit() itself; the last term: the rounding of a written
    // number with more digits than a double holds.
    const double allowed =
        half_unit() * (1 + 1e-9) + 4 * std::numeric_limits<double>::epsilon() * std::abs(exact);
    return std::abs(exact - value_) <= allowed;
}

std::string WrittenNumber::written_like(double exact) const {
    if (scientific_) {
        // Keep the mantissa's decimals: the exponent of exact may differ from the written one.
        const int exponent =
            exact == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::abs(exact))));
        const int mantissa_decimals = std::max(0, exponent - last_digit_exponent_);
        return fmt::format("{:.{}e}", exact, mantissa_decimals);
    }
    return fmt::format("{:.{}f}", exact, std::max(0, -last_digit_exponent_));
}

}  // namespace backprop
