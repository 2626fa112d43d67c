// clang-format off
/// \file
/// \brief Reading the IDX files of MNIST and Fashion-MNIST, gzip-compressed or plain.
///
/// An IDX file is a big-endian header followed by the data:
///
/// | bytes | content |
/// |-------|---------|
/// | 0–1   | zero |
/// | 2     | element type: `0x08` for unsigned bytes (the only type these datasets use) |
/// | 3     | number of dimensions d: 3 for images (count, rows, columns), 1 for labels |
/// | 4 …   | d sizes, each a 32-bit big-endian unsigned integer |
/// | then  | the product of the sizes, in bytes, row-major |
///
/// The reader checks all of it before trusting any of it: that the path is a regular file (a
/// FIFO, a device or a directory is refused at once, never waited on), the magic number, the
/// kind of file (images or labels), sizes that are positive and not absurd, a data section
/// exactly as long as the header says (no fewer bytes: truncated; no more: trailing garbage),
/// and for labels that every label is below the number of classes. Any failure throws IdxError
/// with a message that names the file and says what is wrong. Files whose first two bytes are
/// the gzip signature are decompressed on the fly (zlib); a damaged gzip stream is an error
/// too.
///
/// Memory: the data section is allocated once, at the size the header promises, and filled as
/// it is read; a gzip stream that inflates to more than that is refused without holding the
/// excess. A header whose data cannot be allocated is refused with a message that says so,
/// never with a bare `std::bad_alloc`. The headers alone can be read first (read_idx_header)
/// so that files that cannot belong together are refused before their bulk is read.
// clang-format on
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace backprop {

/// A file that is not a valid IDX file of the kind expected. `what()` names the file.
class IdxError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The images of an IDX image file: `count` images of `rows` x `cols` bytes each, one after
/// another, row-major.
struct IdxImages {
    std::size_t count = 0;             ///< number of images
    std::size_t rows = 0;              ///< rows of each image
    std::size_t cols = 0;              ///< columns of each image
    std::vector<std::uint8_t> pixels;  ///< count * rows * cols bytes, 0 (background) to 255
};

/// What the header of an IDX file claims, checked against the reader's limits.
struct IdxHeader {
    std::size_t count = 0;    ///< number of images, or of labels
    std::size_t rows = 0;     ///< rows of each image; 0 in a label file
    std::size_t cols = 0;     ///< columns of each image; 0 in a label file
    bool compressed = false;  ///< whether the file is gzip-compressed
};

/// The two kinds of IDX file the datasets hold.
enum class IdxKind {
    images,  ///< 3 dimensions: count, rows, columns
    labels,  ///< 1 dimension: count
};

/// Reads only the header of an IDX file of kind \p kind, and checks it as read_idx_images()
/// and read_idx_labels() do: for a plain file, also that the file's length matches it. The data
/// is not read (so neither a gzip stream's damage after the header nor the labels' range is
/// checked): reading the headers of several files first lets their sizes be compared before
/// any bulk is read.
/// \throws IdxError naming \p path if it cannot be read or its header is not valid.
IdxHeader read_idx_header(const std::filesystem::path& path, IdxKind kind);

/// Reads an IDX image file (3 dimensions).
/// \throws IdxError naming \p path if it cannot be read or is not a valid image file.
IdxImages read_idx_images(const std::filesystem::path& path);

/// Reads an IDX label file (1 dimension) and checks every label is below \p classes.
/// \throws IdxError naming \p path if it cannot be read, is not a valid label file, or holds
///   a label \p classes or above (the message gives the first such label and its index).
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path,
                                          std::size_t classes = 10);

}  // namespace backprop
