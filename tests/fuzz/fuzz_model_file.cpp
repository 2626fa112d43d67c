// Fuzz target: the model-file loader. Any input must give a valid model or a ModelFileError;
// a model it accepts must run (a forward pass) and save again to exactly the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

#include "backprop/data/model_file.hpp"
#include "backprop/nn/mlp.hpp"

#include "fuzz_target.hpp"

BACKPROP_FUZZ_TARGET(model_file) {
    static FuzzInputFile input, output;
    try {
        const backprop::MlpParameters p = backprop::load_model(input.write(data, size));
        const auto sizes = p.sizes();
        if (sizes.size() < 2) __builtin_trap();
        // A model that loads runs: one sample through it (small models only, to stay fast).
        double weights = 0;
        for (std::size_t l = 1; l < sizes.size(); ++l)
            weights += double(sizes[l - 1] * sizes[l]);
        if (weights < 1e5) {
            const backprop::Matrix X(1, sizes.front(), 0.5);
            backprop::make_step("naive")->forward(p, X);
        }
        // It saves to exactly the bytes it was read from.
        const std::string& path = output.write(nullptr, 0);
        backprop::save_model(path, p);
        std::ifstream in(path, std::ios::binary);
        const std::vector<std::uint8_t> saved{std::istreambuf_iterator<char>(in), {}};
        if (saved.size() != size || !std::equal(saved.begin(), saved.end(), data)) __builtin_trap();
    } catch (const backprop::ModelFileError&) {
    }
    return 0;
}
