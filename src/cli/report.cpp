#include "backprop/cli/report.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace backprop {

namespace {

/// Fixed-point notation reads well until a number has more digits before its point than
/// after it; from a million on (a diverging run's weights, say) scientific notation does.
bool reads_in_fixed_point(double v) {
    return !(std::abs(v) >= 1e6);  // NaN reads the same either way
}

}  // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++width;  // count every byte that starts a code point
    return width;
}

std::string table_cell(double v, std::size_t width, int decimals) {
    const std::string text = reads_in_fixed_point(v)
                                 ? fmt::format("{:.{}f}", v, decimals)
                                 : fmt::format("{:.{}e}", v, std::max(decimals - 2, 1));
    if (text.size() >= width) return " " + text;
    return std::string(width - text.size(), ' ') + text;
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
    return reads_in_fixed_point(v) ? fixed_point(v) : scientific(v);
}

std::string Report::fixed_point(double v) const {
    return fmt::format("{:>{}.{}f}", v, decimals_ + 3, decimals_);
}

std::string Report::scientific(double v) const {
    return fmt::format("{:>{}.{}e}", v, decimals_ + 3, decimals_ - 2);
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
    out_ << padded(label) << "  " << scientific(v) << '\n';
}

void Report::value(std::string_view label, std::string_view text) {
    out_ << padded(label) << "  " << text << '\n';
}

void Report::value(std::string_view label, const Matrix& m) {
    // One notation for the whole matrix, and every entry as wide as the widest, so that its
    // columns line up.
    const bool fixed = std::all_of(m.data().begin(), m.data().end(), reads_in_fixed_point);
    std::vector<std::string> entries;
    entries.reserve(m.data().size());
    std::size_t width = 0;
    for (double v : m.data()) {
        entries.push_back(fixed ? fixed_point(v) : scientific(v));
        width = std::max(width, entries.back().size());
    }
    for (std::size_t i = 0; i < m.size1(); ++i) {
        out_ << (i == 0 ? padded(label) : padded(""));
        out_ << '[';
        for (std::size_t j = 0; j < m.size2(); ++j)
            out_ << ' ' << fmt::format("{:>{}}", entries[i * m.size2() + j], width);
        out_ << " ]\n";
    }
}

void Report::value(std::string_view label, const Vector& v) {
    value(label, as_row(v));
}

}  // namespace backprop
