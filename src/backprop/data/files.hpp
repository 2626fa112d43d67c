/// \file
/// \brief Files the programs read and write: regular files only, every failure with its
/// reason.
///
/// Three rules, shared by every reader and writer of the library and the programs:
/// - a file is read only if it is a regular file: a FIFO would block forever, a device such
///   as `/dev/zero` never ends, and a directory holds no data (RegularFile refuses them
///   without blocking);
/// - a destination is checked before the work that produces it (check_destination): a run
///   must not find out after an hour of training that its folder does not exist;
/// - a write that fails says so, with the system's reason (write_file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace backprop {

/// A file that cannot be opened, read or written. `what()` names the file and the reason.
class FileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What the system's error number \p error means, for people (`No space left on device`);
/// 0, a failure that set no error number, reads "input/output error".
std::string errno_text(int error);

/// A regular file open for reading, closed when this goes.
class RegularFile {
  public:
    /// Opens \p path for reading, first without blocking, so that a FIFO is refused instead
    /// of waiting forever for a writer.
    /// \throws FileError `PATH: cannot open: REASON`, or `PATH: is a FIFO (named pipe), not a
    ///   regular file` (a directory, a character device, ... likewise).
    explicit RegularFile(const std::filesystem::path& path);
    ~RegularFile();
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;

    /// The open descriptor, in blocking mode.
    int descriptor() const { return descriptor_; }
    /// The file's length in bytes when it was opened.
    std::uint64_t size() const { return size_; }
    /// Gives up ownership: the caller closes the descriptor (for example through fdopen()).
    int release();

  private:
    int descriptor_ = -1;
    std::uint64_t size_ = 0;
};

/// What \p path is, for a message: "a directory", "a FIFO (named pipe)", "a character
/// device", "a block device", "a socket", "a regular file", "a symbolic link" (for a link
/// itself), or "missing".
std::string file_kind(const std::filesystem::path& path);

/// Checks, before the work that will write it, that \p path can be written: not empty, not
/// ending in `/`, not a directory, in a folder that exists. \p what names the output in the
/// message (`--csv`), unless it is empty.
/// \throws FileError `WHAT 'PATH': REASON`.
void check_destination(const std::filesystem::path& path, std::string_view what);

/// Writes \p bytes to \p path (created, or truncated), checking every write and the close.
/// \throws FileError `cannot write PATH: REASON` (`No space left on device`).
void write_file(const std::filesystem::path& path, std::string_view bytes);

}  // namespace backprop
