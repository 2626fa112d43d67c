#include "backprop/report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace backprop {

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++width;  // count every byte that starts a code point
    return width;
}

Report::Report(std::ostream& out, std::size_t label_width, int decimals)
    : out_(out), label_width_(label_width), decimals_(decimals) {}

void Report::title(std::string_view text) {
    out_ << text << '\n' << std::string(display_width(text), '=') << '\n';
}

void Report::section(std::string_view text) {
    out_ << '\n' << text << '\n' << std::string(display_width(text), '-') << '\n';
}

void Report::text(std::string_view line) {
    if (!line.empty()) out_ << "  " << line;
    out_ << '\n';
}

std::string Report::number(double v) const {
    return fmt::format("{:{}.{}f}", v, decimals_ + 3, decimals_);
}

std::string Report::padded(std::string_view label) const {
    const std::size_t width = display_width(label);
    return "  " + std::string(label) +
           std::string(width < label_width_ ? label_width_ - width : 1, ' ');
}

// Two spaces where a matrix has "[ ", so that scalars and matrix entries line up.
void Report::value(std::string_view label, double v) {
    out_ << padded(label) << "  " << number(v) << '\n';
}

void Report::value_scientific(std::string_view label, double v) {
    out_ << padded(label) << "  " << fmt::format("{:{}.{}e}", v, decimals_ + 3, decimals_ - 2)
         << '\n';
}

void Report::value(std::string_view label, const Matrix& m) {
    for (std::size_t i = 0; i < m.size1(); ++i) {
        out_ << (i == 0 ? padded(label) : padded(""));
        out_ << '[';
        for (std::size_t j = 0; j < m.size2(); ++j)
            out_ << ' ' << number(m(i, j));
        out_ << " ]\n";
    }
}

void Report::value(std::string_view label, const Vector& v) {
    Matrix one_row(1, v.size());
    std::copy(v.begin(), v.end(), one_row.data().begin());
    value(label, one_row);
}

}  // namespace backprop
