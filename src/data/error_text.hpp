// Pieces of error messages shared by the file readers and writers (private to the library).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <system_error>

#include "backprop/data/files.hpp"

namespace backprop::detail {

/// `1 image`, `3 images`.
inline std::string count_text(std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// \p value in hexadecimal with at least \p digits digits: `0x00000803`.
inline std::string hex(std::uint32_t value, int digits = 8) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%0*x", digits, static_cast<unsigned>(value));
    return text;
}

using backprop::errno_text;  // files.hpp

}  // namespace backprop::detail
