// Fuzz target: the IDX reader. Any input must give either images/labels or an IdxError;
// anything else (a crash, another exception, a leak, a hang) is a bug.
#include <cstddef>
#include <cstdint>

#include "backprop/data/dataset.hpp"
#include "backprop/data/idx.hpp"

#include "fuzz_target.hpp"

BACKPROP_FUZZ_TARGET(idx) {
    static FuzzInputFile file;
    const std::string& path = file.write(data, size);
    try {
        const backprop::IdxImages images = backprop::read_idx_images(path);
        // What was read must be what the header promised.
        if (images.pixels.size() != images.count * images.rows * images.cols) __builtin_trap();
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
