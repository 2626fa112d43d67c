#include "backprop/data/image_grid.hpp"

#include <stb_image_write.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "backprop/data/files.hpp"

namespace backprop {

void write_image_grid(const std::filesystem::path& path, const Dataset& data,
                      std::span<const std::size_t> indices, std::size_t columns,
                      std::size_t scale) {
    if (indices.empty() || columns == 0 || scale == 0)
        throw std::invalid_argument("write_image_grid: nothing to draw");
    const std::size_t rows = (indices.size() + columns - 1) / columns;
    const std::size_t cell_w = data.images.cols * scale, cell_h = data.images.rows * scale;
    const std::size_t gap = scale;
    const std::size_t width = columns * cell_w + (columns + 1) * gap;
    const std::size_t height = rows * cell_h + (rows + 1) * gap;
    std::vector<unsigned char> canvas(width * height, 128);  // the grey grid lines
    for (std::size_t k = 0; k < indices.size(); ++k) {
        if (indices[k] >= data.size())
            throw std::out_of_range("write_image_grid: index " + std::to_string(indices[k]) +
                                    " is beyond the " + std::to_string(data.size()) + " images");
        const std::uint8_t* image = data.images.pixels.data() + indices[k] * data.features();
        const std::size_t x0 = gap + (k % columns) * (cell_w + gap);
        const std::size_t y0 = gap + (k / columns) * (cell_h + gap);
        for (std::size_t y = 0; y < cell_h; ++y)
            for (std::size_t x = 0; x < cell_w; ++x)
                canvas[(y0 + y) * width + x0 + x] =
                    image[(y / scale) * data.images.cols + x / scale];
    }
    // Encoded in memory, then written by write_file(), which reports a full disk (stb's own
    // file writer does not check its writes).
    std::string png;
    const auto append = [](void* context, void* bytes, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(bytes),
                                                   static_cast<std::size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &png, static_cast<int>(width), static_cast<int>(height), 1,
                                canvas.data(), static_cast<int>(width)))
        throw std::runtime_error("cannot encode the PNG image for " + path.string());
    write_file(path, png);
}

}  // namespace backprop
