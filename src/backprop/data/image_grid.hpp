/// \file
/// \brief A grid of dataset images, written as a PNG (stb_image_write).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "backprop/data/dataset.hpp"

namespace backprop {

/// Writes the images \p indices of \p data to \p path as a PNG: \p columns images per row,
/// each pixel drawn as \p scale x \p scale, separated by a mid-grey line of \p scale pixels.
/// Pixels are shown as stored (0 black, 255 white).
/// \throws std::runtime_error if the file cannot be written; std::out_of_range for an index
///   beyond the dataset.
void write_image_grid(const std::filesystem::path& path, const Dataset& data,
                      std::span<const std::size_t> indices, std::size_t columns,
                      std::size_t scale = 2);

}  // namespace backprop
