// clang-format off
/// \file
/// \brief Saving and loading a trained MLP: a documented, versioned, checksummed file,
/// written atomically.
///
/// The file (all integers little-endian, all numbers IEEE-754 binary64 little-endian):
///
/// | offset | size | content |
/// |--------|------|---------|
/// | 0      | 8    | magic: the ASCII bytes `BPMLP` followed by `\0\r\n` |
/// | 8      | 4    | format version, uint32: 1 |
/// | 12     | 4    | length n of the hidden activation's name, uint32 (1–32) |
/// | 16     | n    | the activation's name, ASCII (`sigmoid`, `tanh`, `relu`, `identity`) |
/// | …      | 4    | number of layer sizes L + 1, uint32 (2–64) |
/// | …      | 8(L+1) | the sizes \f$n_0, \dots, n_L\f$, uint64 each (1 to 2^24) |
/// | …      | …    | for each layer l = 1 … L: \f$W^l\f$ (\f$n_{l-1} n_l\f$ numbers, row-major), then \f$b^l\f$ (\f$n_l\f$ numbers) |
/// | end − 4 | 4   | CRC-32 (zlib's) of every byte before it |
///
/// The model is an MLP as mlp.hpp builds it: Linear layers with biases, the hidden activation
/// between each two, and a linear output layer (its logits feed softmax with cross-entropy).
/// A network with one Linear layer and no activation is stored with the name `identity`.
/// save_model() writes a temporary file in the same directory, flushes it to the
/// disk, and only then renames it over the destination: a crash at any moment leaves either
/// the old file or the new one, never a mixture. load_model() checks the magic, the version,
/// the sizes against the file's length, and the checksum before it returns anything.
// clang-format on
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>

#include "backprop/nn/layers.hpp"
#include "backprop/nn/mlp.hpp"

namespace backprop {

/// A model file that cannot be read, is not a model file, has another version, or is
/// damaged. `what()` names the file and what is wrong.
class ModelFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The current format version.
inline constexpr std::uint32_t model_file_version = 1;

/// Writes \p network to \p path atomically.
/// \throws ModelFileError if it cannot, or \p network is not an MLP (naming the layer): the
///   destination is then unchanged, unless the message begins "saved, but" (the new file is
///   in place; only flushing its directory failed).
void save_model(const std::filesystem::path& path, const Sequential& network);

/// Reads a model written by save_model(): the MLP it holds.
/// \throws ModelFileError naming \p path and what is wrong.
Sequential load_model(const std::filesystem::path& path);

}  // namespace backprop
