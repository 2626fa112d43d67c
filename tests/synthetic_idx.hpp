// A small, learnable classification problem written as IDX files, for tests that run the
// Fashion-MNIST chapter without the real data: 8x8 images of noise in which class k lights up
// its own 2x2 block (larger images, for tests of mismatched sizes, have the blocks in their
// top-left 8x8 corner).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace synthetic {

/// Writes an IDX file of unsigned bytes with the given sizes (big-endian header).
inline void write_idx(const std::filesystem::path& path, const std::vector<std::uint32_t>& sizes,
                      const std::vector<std::uint8_t>& data) {
    std::ofstream out(path, std::ios::binary);
    const unsigned char magic[4] = {0, 0, 0x08, static_cast<unsigned char>(sizes.size())};
    out.write(reinterpret_cast<const char*>(magic), 4);
    for (std::uint32_t n : sizes) {
        const unsigned char be[4] = {
            static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
            static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
        out.write(reinterpret_cast<const char*>(be), 4);
    }
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
}

/// Writes `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` with \p count samples
/// of \p side x \p side pixels (at least 8) into \p directory.
inline void write_split(const std::filesystem::path& directory, const std::string& prefix,
                        std::uint32_t count, unsigned seed, std::uint32_t side = 8) {
    std::mt19937 generator(seed);
    std::uniform_int_distribution<int> noise(0, 90), label(0, 9);
    const std::size_t pixels_per_image = std::size_t{side} * side;
    std::vector<std::uint8_t> pixels(count * pixels_per_image), labels(count);
    for (std::uint32_t s = 0; s < count; ++s) {
        const int k = label(generator);
        labels[s] = static_cast<std::uint8_t>(k);
        std::uint8_t* image = pixels.data() + s * pixels_per_image;
        for (std::size_t i = 0; i < pixels_per_image; ++i)
            image[i] = static_cast<std::uint8_t>(noise(generator));
        const std::size_t row = 2 * (k / 4), col = 2 * (k % 4);  // ten distinct 2x2 blocks
        for (std::size_t dy = 0; dy < 2; ++dy)
            for (std::size_t dx = 0; dx < 2; ++dx)
                image[(row + dy) * side + col + dx] = 255;
    }
    write_idx(directory / (prefix + "-images-idx3-ubyte"), {count, side, side}, pixels);
    write_idx(directory / (prefix + "-labels-idx1-ubyte"), {count}, labels);
}

}  // namespace synthetic
