// A small, learnable classification problem written as IDX files, for tests that run the
// Fashion-MNIST chapter without the real data: 8x8 images of noise in which class k lights up
// its own 2x2 block.
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
/// into \p directory.
inline void write_split(const std::filesystem::path& directory, const std::string& prefix,
                        std::uint32_t count, unsigned seed) {
    std::mt19937 generator(seed);
    std::uniform_int_distribution<int> noise(0, 90), label(0, 9);
    std::vector<std::uint8_t> pixels(std::size_t{count} * 64), labels(count);
    for (std::uint32_t s = 0; s < count; ++s) {
        const int k = label(generator);
        labels[s] = static_cast<std::uint8_t>(k);
        std::uint8_t* image = pixels.data() + std::size_t{s} * 64;
        for (int i = 0; i < 64; ++i)
            image[i] = static_cast<std::uint8_t>(noise(generator));
        const int row = 2 * (k / 4), col = 2 * (k % 4);  // ten distinct 2x2 blocks
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx)
                image[(row + dy) * 8 + col + dx] = 255;
    }
    write_idx(directory / (prefix + "-images-idx3-ubyte"), {count, 8, 8}, pixels);
    write_idx(directory / (prefix + "-labels-idx1-ubyte"), {count}, labels);
}

}  // namespace synthetic
