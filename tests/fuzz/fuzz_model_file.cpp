// Fuzz target: the model-file loader. Any input must give a valid model or a ModelFileError;
// a model it accepts must be an MLP as mlp() builds it, run (a forward pass), and save again
// to exactly the same bytes, except that a network of one Linear layer (no hidden
// activation) is always saved with the activation name `identity`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "backprop/core/products.hpp"
#include "backprop/data/model_file.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/mlp.hpp"

#include "fuzz_target.hpp"

namespace {

/// The model in the file at \p path, or none if load_model() refuses it.
std::optional<backprop::Sequential> load(const std::string& path) {
    try {
        return backprop::load_model(path);
    } catch (const backprop::ModelFileError&) {
        return std::nullopt;
    }
}

}  // namespace

BACKPROP_FUZZ_TARGET(model_file) {
    static FuzzInputFile input, output;
    std::optional<backprop::Sequential> loaded = load(input.write(data, size));
    if (!loaded) return 0;
    backprop::Sequential& network = *loaded;

    // An MLP: Linear, activation, Linear, ..., Linear, with a bias in every Linear layer.
    const auto sizes = backprop::layer_sizes(network);
    if (sizes.size() < 2) __builtin_trap();
    if (network.layers.size() != 2 * sizes.size() - 3) __builtin_trap();
    for (std::size_t i = 0; i < network.layers.size(); ++i) {
        const backprop::Layer* layer = network.layers[i].get();
        if (i % 2 == 0) {
            const auto* linear = dynamic_cast<const backprop::Linear*>(layer);
            if (!linear || !linear->b) __builtin_trap();
        } else if (!dynamic_cast<const backprop::ActivationLayer*>(layer)) {
            __builtin_trap();
        }
    }

    // A model that loads runs: one sample through it (small models only, to stay fast).
    double weights = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l)
        weights += double(sizes[l - 1] * sizes[l]);
    if (weights < 1e5) {
        network.use_engine(backprop::products_named("naive"));
        const backprop::Matrix X(1, sizes.front(), 0.5);
        const backprop::Matrix& Y = network.forward(X, false);
        if (Y.size1() != 1 || Y.size2() != sizes.back()) __builtin_trap();
    }

    // It saves (a model that loads is never refused) to the bytes it was read from. With one
    // Linear layer the name becomes `identity`: the header up to the name's length (12
    // bytes), then the length 8 and the name, then the rest up to the checksum unchanged.
    const std::string& path = output.write(nullptr, 0);
    try {
        backprop::save_model(path, network);
    } catch (const backprop::ModelFileError&) {
        __builtin_trap();
    }
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> saved{std::istreambuf_iterator<char>(in), {}};
    std::vector<std::uint8_t> expected(data, data + size);
    if (sizes.size() == 2) {
        const std::size_t name_length = std::size_t{data[12]} | std::size_t{data[13]} << 8 |
                                        std::size_t{data[14]} << 16 | std::size_t{data[15]} << 24;
        const std::string identity = "identity";
        std::vector<std::uint8_t> renamed(data, data + 12);
        renamed.insert(renamed.end(), {8, 0, 0, 0});
        renamed.insert(renamed.end(), identity.begin(), identity.end());
        renamed.insert(renamed.end(), data + 16 + name_length, data + size);
        expected = std::move(renamed);
    }
    if (saved.size() != expected.size()) __builtin_trap();
    if (!std::equal(saved.begin(), saved.end() - 4, expected.begin())) __builtin_trap();
    if (expected.size() == size && std::equal(expected.begin(), expected.end(), data)) {
        // Nothing renamed: the checksum is the input's too.
        if (!std::equal(saved.end() - 4, saved.end(), expected.end() - 4)) __builtin_trap();
    } else if (!load(path)) {
        // Renamed: the checksum is new, and must be right for the new bytes.
        __builtin_trap();
    }
    return 0;
}
