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
///
/// **What is read.** load_model() reads a regular file only, or one a symbolic link leads to:
/// a FIFO, a device such as `/dev/zero`, a socket or a directory is refused at once, without
/// waiting for a writer or reading a byte. A file larger than any model (1 GiB) is refused
/// from its size alone, and the sizes in the header are checked against the file's length
/// before anything is allocated from them.
///
/// **What is written.** A save writes regular files only. Before it writes anything (and
/// check_model_destination() before the training that produces the model) it refuses an
/// empty path, a path ending in `/`, a directory, a folder that does not exist or cannot be
/// written, and a destination that is a FIFO, a device (`/dev/null`), a socket or anything
/// else that is not a regular file, naming the path and what it is.
///
/// - *Symbolic links are followed.* Saving to a link replaces the file it leads to (all
///   links resolved), in that file's folder; the link stays a link. A link that leads
///   nowhere (dangling) or round in circles is refused: a save never creates the file a link
///   names.
/// - *The replaced file's permissions are kept:* its permission bits, and its owner and group
///   where the saving process may set them (root may); otherwise the new file belongs to
///   whoever saved it. A new file gets 0666 less the umask, as any new file does.
/// - *The temporary file* is `.NAME.bpmlp-tmp-PID-N` beside the destination NAME (hidden;
///   PID is the saving process, N a number). Every such name fits in the 255 bytes a file
///   name may have: where NAME is too long to leave room, it is cut and followed by `~` and
///   16 hexadecimal digits of a fingerprint of the whole name. A save that is killed leaves
///   its temporary file behind; the next save to the same destination removes every one
///   whose process no longer runs and that no process holds locked. Such a file whose process
///   is gone may also be deleted by hand: it is never a model anyone uses.
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

/// Checks, before the work that produces a model, that save_model() can write it to \p path,
/// as far as can be known without writing: the checks of "What is written" above. It
/// changes nothing on the disk.
/// \throws ModelFileError `PATH: cannot save: REASON` (for an empty path, `cannot save a
///   model: the path is empty`).
void check_model_destination(const std::filesystem::path& path);

/// Writes \p network to \p path atomically, after the checks of check_model_destination().
/// A float network's numbers are written as binary64 too: widening a float is exact, so
/// loading the file in float gives back the same network, bit for bit.
/// \throws ModelFileError if it cannot, or \p network is not an MLP (naming the layer): the
///   destination is then unchanged, unless the message begins "saved, but" (the new file is
///   in place; only flushing its directory failed).
template <Scalar T>
void save_model(const std::filesystem::path& path, const SequentialOf<T>& network);

/// Reads a model written by save_model(): the MLP it holds, in precision \p T (its numbers
/// rounded to float for T = float).
/// \throws ModelFileError naming \p path and what is wrong.
template <Scalar T = Real>
SequentialOf<T> load_model(const std::filesystem::path& path);

}  // namespace backprop
