// Fuzz target: the IDX reader. Any input must give either images/labels (or a header) or an
// IdxError; anything else (a crash, another exception, a leak, a hang) is a bug.
#include <cstddef>
#include <cstdint>

#include "backprop/data/dataset.hpp"
#include "backprop/data/idx.hpp"

#include "fuzz_target.hpp"

BACKPROP_FUZZ_TARGET(idx) {
    static FuzzInputFile file;
    const std::string& path = file.write(data, size);
    // The header alone, as the dataset loader reads it first: whatever the whole read accepts,
    // the header read accepts too, with the same sizes.
    bool header_read = false;
    backprop::IdxHeader header;
    try {
        header = backprop::read_idx_header(path, backprop::IdxKind::images);
        header_read = true;
    } catch (const backprop::IdxError&) {
    }
    try {
        const backprop::IdxImages images = backprop::read_idx_images(path);
        // What was read must be what the header promised.
        if (images.pixels.size() != images.count * images.rows * images.cols) __builtin_trap();
        if (!header_read || header.count != images.count || header.rows != images.rows ||
            header.cols != images.cols)
            __builtin_trap();
    } catch (const backprop::IdxError&) {
    }
    try {
        const auto labels = backprop::read_idx_labels(path, 10);
        for (std::uint8_t label : labels)
            if (label >= 10) __builtin_trap();
    } catch (const backprop::IdxError&) {
    }
    return 0;
}
