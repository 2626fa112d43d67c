// Reading IDX files, plain or gzip-compressed. The format and what is checked are documented
// in idx.hpp. Only regular files are opened (RegularFile: a FIFO is refused, not waited on).
// The header is read byte by byte (never through a host struct), and nothing is allocated from
// a size the header claims before that size has been checked against the limits below and, for
// a plain file, against the length of the file. The data section is then allocated once, at
// exactly that size: it never grows, so the peak is the data's own size, not twice it.
#include "backprop/data/idx.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unistd.h>
#include <utility>
#include <zlib.h>

#include "backprop/data/files.hpp"

#include "error_text.hpp"

namespace backprop {

namespace {

using detail::count_text;
using detail::errno_text;
using detail::hex;

// What a header may claim. MNIST holds 70 000 images of 28x28; these limits are far above any
// real dataset and far below what would exhaust memory by accident.
constexpr std::uint64_t max_side = 4096;
constexpr std::uint64_t max_count = 100'000'000;
constexpr std::uint64_t max_data_bytes = std::uint64_t{4} << 30;  // 4 GiB

// The data section is allocated once (its capacity: the size the header promises) and filled
// in chunks of this size, so that a stream that ends early has touched no more memory than it
// held.
constexpr std::size_t chunk_bytes = std::size_t{1} << 20;
// Deflate inflates at most 1032 bytes per compressed byte (a length-distance pair of at least
// two bits gives at most 258 bytes), so a gzip file of n bytes cannot hold more than 1032 n:
// a header that promises more is refused before its data is allocated.
constexpr std::uint64_t max_inflation = 1032;
constexpr std::size_t input_buffer_bytes = std::size_t{64} << 10;
// Counting the bytes after the data stops here (a gzip stream may inflate a thousandfold).
constexpr std::uint64_t max_trailing_count = std::uint64_t{64} << 20;
// Before a header error in a gzip file is reported, the rest of the stream is decompressed (up
// to this much) so that a damaged stream is reported as such rather than as what the damage
// made of the header.
constexpr std::uint64_t max_drain = std::uint64_t{256} << 20;

/// The two kinds of IDX file the datasets hold.
struct Kind {
    const char* name;  // "images"
    const char* one;   // "image"
    unsigned dims;     // 3
    const char* data;  // what the data section holds: "pixels"
};
constexpr Kind images_kind{"images", "image", 3, "pixels"};
constexpr Kind labels_kind{"labels", "label", 1, "labels"};

/// `1 byte`, `3 bytes`.
/// `images (3 dimensions)`.
std::string kind_text(const Kind& kind) {
    return std::string(kind.name) + " (" + count_text(kind.dims, "dimension", "dimensions") + ")";
}

std::uint32_t big_endian_32(const std::uint8_t* bytes) {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw IdxError(path.string() + ": " + what);
}

/// An open regular file, read through its descriptor and closed on every path out.
class File {
  public:
    /// \throws IdxError `PATH: cannot open: REASON`, or `PATH: is a FIFO (named pipe), not a
    ///   regular file` (a directory or a device likewise), at once: nothing is waited on.
    explicit File(const std::filesystem::path& path) : path_(path), file_(open(path)) {}

    /// Reads up to \p n bytes; fewer only at the end of the file.
    std::size_t read(void* destination, std::size_t n) {
        auto* bytes = static_cast<std::uint8_t*>(destination);
        std::size_t done = 0;
        while (done < n) {
            const std::size_t want = std::min<std::size_t>(n - done, std::size_t{1} << 30);
            const ssize_t got = ::read(file_->descriptor(), bytes + done, want);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail(path_, "cannot read: " + errno_text(errno));
            if (got == 0) break;
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

    /// The file's length in bytes when it was opened.
    std::uint64_t size() const { return file_->size(); }

  private:
    static std::unique_ptr<RegularFile> open(const std::filesystem::path& path) {
        try {
            return std::make_unique<RegularFile>(path);
        } catch (const FileError& error) {
            throw IdxError(error.what());  // already `PATH: what is wrong`
        }
    }

    std::filesystem::path path_;
    std::unique_ptr<RegularFile> file_;
};

/// The bytes of the file as the IDX reader sees them: decompressed if need be.
class Source {
  public:
    virtual ~Source() = default;
    /// Reads up to \p n bytes; fewer only where the data ends.
    /// \throws IdxError on a read error or a damaged gzip stream.
    virtual std::size_t read(std::uint8_t* destination, std::size_t n) = 0;
    /// Whether the file is gzip-compressed.
    virtual bool compressed() const = 0;
};

/// A plain file; its first bytes were already read to look for the gzip signature.
class PlainSource final : public Source {
  public:
    PlainSource(File& file, const std::uint8_t* prefix, std::size_t prefix_size)
        : file_(file), prefix_size_(prefix_size) {
        std::memcpy(prefix_.data(), prefix, prefix_size);
    }

    std::size_t read(std::uint8_t* destination, std::size_t n) override {
        const std::size_t from_prefix = std::min(n, prefix_size_ - prefix_used_);
        std::memcpy(destination, prefix_.data() + prefix_used_, from_prefix);
        prefix_used_ += from_prefix;
        if (from_prefix == n) return n;
        return from_prefix + file_.read(destination + from_prefix, n - from_prefix);
    }
    bool compressed() const override { return false; }

  private:
    File& file_;
    std::array<std::uint8_t, 2> prefix_{};
    std::size_t prefix_size_;
    std::size_t prefix_used_ = 0;
};

/// A gzip file, inflated as it is read. Concatenated gzip members (as `cat a.gz b.gz` makes)
/// are read as one stream, as gzip(1) does; anything else after the last member is an error.
class GzipSource final : public Source {
  public:
    GzipSource(File& file, const std::filesystem::path& path, const std::uint8_t* prefix,
               std::size_t prefix_size)
        : file_(file), path_(path), input_(input_buffer_bytes) {
        std::memcpy(input_.data(), prefix, prefix_size);
        stream_.next_in = input_.data();
        stream_.avail_in = static_cast<uInt>(prefix_size);
        // 16 + MAX_WBITS: a gzip wrapper only, whose CRC-32 and length inflate() checks.
        const int status = inflateInit2(&stream_, 16 + MAX_WBITS);
        if (status != Z_OK) fail(path_, "cannot start zlib: " + zlib_text(status));
    }
    ~GzipSource() override { inflateEnd(&stream_); }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;

    std::size_t read(std::uint8_t* destination, std::size_t n) override {
        std::size_t done = 0;
        // Every pass either moves input or output, or ends the member, or throws: inflate()
        // reports Z_BUF_ERROR exactly when it can make no progress.
        while (done < n && !finished_) {
            if (member_ended_) {
                start_next_member();
                continue;
            }
            if (stream_.avail_in == 0 && !end_of_file_) refill();
            const std::size_t room = std::min<std::size_t>(n - done, UINT_MAX / 2);
            stream_.next_out = destination + done;
            stream_.avail_out = static_cast<uInt>(room);
            const int status = inflate(&stream_, Z_NO_FLUSH);
            const std::size_t produced = room - stream_.avail_out;
            done += produced;
            decompressed_ += produced;
            switch (status) {
                case Z_OK:
                    break;
                case Z_STREAM_END:
                    member_ended_ = true;
                    break;
                case Z_BUF_ERROR:
                    if (stream_.avail_in == 0 && end_of_file_)
                        fail(path_,
                             "truncated (gzip): the file ends inside the compressed stream, "
                             "after " +
                                 count_text(decompressed_, "byte", "bytes") +
                                 " of decompressed data");
                    fail(path_, "corrupt gzip data: zlib can make no progress");
                case Z_MEM_ERROR:
                    fail(path_, "out of memory while decompressing");
                default:  // Z_DATA_ERROR, Z_STREAM_ERROR, Z_NEED_DICT
                    fail(path_,
                         "corrupt gzip data: " + (stream_.msg != nullptr ? std::string(stream_.msg)
                                                                         : zlib_text(status)));
            }
        }
        return done;
    }
    bool compressed() const override { return true; }

  private:
    static std::string zlib_text(int status) { return zError(status); }

    /// Moves the unread input to the front of the buffer and fills the rest from the file.
    void refill() {
        std::memmove(input_.data(), stream_.next_in, stream_.avail_in);
        const std::size_t want = input_.size() - stream_.avail_in;
        const std::size_t got = file_.read(input_.data() + stream_.avail_in, want);
        if (got < want) end_of_file_ = true;
        stream_.next_in = input_.data();
        stream_.avail_in += static_cast<uInt>(got);
    }

    /// After a member's end: the end of the file, or the signature of another member.
    void start_next_member() {
        member_ended_ = false;
        while (stream_.avail_in < 2 && !end_of_file_)
            refill();
        if (stream_.avail_in == 0) {
            finished_ = true;
            return;
        }
        if (stream_.avail_in >= 2 && stream_.next_in[0] == 0x1f && stream_.next_in[1] == 0x8b) {
            inflateReset(&stream_);
            return;
        }
        fail(path_,
             "corrupt gzip data: bytes that are not gzip after the end of the compressed "
             "stream");
    }

    File& file_;
    std::filesystem::path path_;
    std::vector<std::uint8_t> input_;
    z_stream stream_{};
    std::uint64_t decompressed_ = 0;
    bool end_of_file_ = false;
    bool member_ended_ = false;
    bool finished_ = false;
};

/// The source for \p file: gzip if it starts with the gzip signature 0x1f 0x8b.
std::unique_ptr<Source> open_source(File& file, const std::filesystem::path& path) {
    std::array<std::uint8_t, 2> prefix{};
    const std::size_t got = file.read(prefix.data(), prefix.size());
    if (got == 2 && prefix[0] == 0x1f && prefix[1] == 0x8b)
        return std::make_unique<GzipSource>(file, path, prefix.data(), got);
    return std::make_unique<PlainSource>(file, prefix.data(), got);
}

/// Reads and counts what is left of \p source, stopping once the count passes \p limit.
std::uint64_t count_rest(Source& source, std::uint64_t limit) {
    std::vector<std::uint8_t> scratch(input_buffer_bytes);
    std::uint64_t count = 0;
    while (count <= limit) {
        const std::size_t got = source.read(scratch.data(), scratch.size());
        count += got;
        if (got < scratch.size()) break;
    }
    return count;
}

/// Checks the sizes the header claims; returns the length of the data section they imply.
std::uint64_t checked_data_bytes(const std::filesystem::path& path, const Kind& kind,
                                 const std::array<std::uint64_t, 3>& sizes) {
    const std::uint64_t count = sizes[0];
    if (kind.dims == 1) {
        if (count == 0) fail(path, "header claims 0 labels; a label file must hold at least one");
        if (count > max_count)
            fail(path, "header claims " + std::to_string(count) + " labels, more than the " +
                           std::to_string(max_count) + " this reader accepts");
        return count;
    }
    const std::uint64_t rows = sizes[1];
    const std::uint64_t cols = sizes[2];
    const std::string shape = std::to_string(rows) + "x" + std::to_string(cols);
    if (count == 0) fail(path, "header claims 0 images; an image file must hold at least one");
    if (rows == 0 || cols == 0)
        fail(path,
             "header claims images of " + shape + " pixels; rows and columns must be at least 1");
    if (rows > max_side || cols > max_side)
        fail(path, "header claims images of " + shape + " pixels, larger than the " +
                       std::to_string(max_side) + "x" + std::to_string(max_side) +
                       " this reader accepts");
    if (count > max_count)
        fail(path, "header claims " + std::to_string(count) + " images of " + shape +
                       ", more than the " + std::to_string(max_count) + " this reader accepts");
    // No overflow: 10^8 * 4096 * 4096 < 2^61.
    const std::uint64_t bytes = count * rows * cols;
    if (bytes > max_data_bytes)
        fail(path, "header claims " + std::to_string(count) + " images of " + shape + ", " +
                       std::to_string(bytes) + " bytes of pixels, more than the 4 GiB (" +
                       std::to_string(max_data_bytes) + " bytes) this reader accepts");
    return bytes;
}

/// An IDX file whose header has been read and checked against its kind; its data is read
/// next, by data().
class Reader {
  public:
    /// Opens \p path and reads and checks its header; for a plain file, also its length.
    Reader(const std::filesystem::path& path, const Kind& kind)
        : path_(path),
          kind_(kind),
          file_(path),
          source_(open_source(file_, path)),
          gzip_(source_->compressed()),
          truncated_(gzip_ ? "truncated (gzip): " : "truncated: ") {
        read_header();
    }

    /// What the header claims, checked.
    IdxHeader header() const {
        return {static_cast<std::size_t>(sizes_[0]), static_cast<std::size_t>(sizes_[1]),
                static_cast<std::size_t>(sizes_[2]), gzip_};
    }

    /// Reads the data section: exactly as many bytes as the header promises, into storage
    /// allocated once at that size, and then checks that nothing follows.
    std::vector<std::uint8_t> data() {
        if (gzip_ && expected_ / max_inflation >= file_.size())
            fail(path_, truncated_ + "the header promises " + std::to_string(expected_) +
                            " bytes of " + kind_.data + ", more than a gzip file of " +
                            std::to_string(file_.size()) +
                            " bytes can hold (deflate inflates at most " +
                            std::to_string(max_inflation) + " bytes per compressed byte)");
        std::vector<std::uint8_t> data;
        try {
            data.reserve(static_cast<std::size_t>(expected_));
        } catch (const std::bad_alloc&) {
            fail(path_, "cannot hold the " + std::to_string(expected_) + " bytes of " + kind_.data +
                            " the header promises: out of memory");
        }
        // Filled in chunks, within that capacity (resize() below it never reallocates), so
        // that a gzip stream (or a file that shrank) that ends early has touched no more
        // memory than it held.
        while (data.size() < expected_) {
            const std::size_t done = data.size();
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(expected_ - done, chunk_bytes));
            data.resize(done + want);
            const std::size_t got = source_->read(data.data() + done, want);
            if (got < want) short_data(done + got);
        }
        // Nothing may follow; it is counted in a small scratch buffer, never stored. For a gzip
        // file this also reads the stream to its end, where inflate() checks the CRC-32 and the
        // length.
        const std::uint64_t extra = count_rest(*source_, max_trailing_count);
        if (extra > 0) trailing_data(extra);
        return data;
    }

  private:
    /// A header error. In a gzip file it is reported only once the rest of the stream has
    /// been found undamaged: damage is reported as damage, not as what it made of the header.
    [[noreturn]] void header_error(const std::string& what) {
        if (gzip_) count_rest(*source_, max_drain);
        fail(path_, what);
    }

    void read_header() {
        std::array<std::uint8_t, 4 + 4 * 3> header{};
        std::size_t header_read = source_->read(header.data(), 4);
        if (header_read < 4)
            header_error(truncated_ + count_text(header_read, "byte", "bytes") +
                         ", too short for an IDX header");
        const std::uint32_t magic = big_endian_32(header.data());
        if (header[0] != 0 || header[1] != 0)
            header_error("not an IDX file (magic " + hex(magic, 8) + ", expected " +
                         hex(0x800 | kind_.dims, 8) + " for " + kind_.name + ")");
        if (header[2] != 0x08)
            header_error("element type " + hex(header[2], 2) +
                         ", but only unsigned bytes (0x08) are supported");
        const unsigned dims = header[3];
        if (dims != kind_.dims) {
            const Kind& other = kind_.dims == images_kind.dims ? labels_kind : images_kind;
            if (dims == other.dims)
                header_error("holds " + kind_text(other) + ", expected " + kind_text(kind_));
            header_error("has " + count_text(dims, "dimension", "dimensions") + ", expected " +
                         kind_text(kind_));
        }
        const std::size_t header_size = 4 + 4 * std::size_t{dims};
        header_read += source_->read(header.data() + 4, header_size - 4);
        if (header_read < header_size)
            header_error(truncated_ + count_text(header_read, "byte", "bytes") +
                         ", too short for the " + std::to_string(header_size) +
                         "-byte header of an IDX " + kind_.one + " file");

        for (std::size_t d = 0; d < dims; ++d)
            sizes_[d] = big_endian_32(header.data() + 4 + 4 * d);
        try {
            expected_ = checked_data_bytes(path_, kind_, sizes_);
        } catch (const IdxError&) {
            if (gzip_) count_rest(*source_, max_drain);
            throw;
        }

        // A plain file's length is checked before anything is allocated.
        if (!gzip_) {
            const std::uint64_t length = file_.size();
            const std::uint64_t held = length > header_size ? length - header_size : 0;
            if (held < expected_) short_data(held);
            if (held > expected_) trailing_data(held - expected_);
        }
    }

    [[noreturn]] void short_data(std::uint64_t held) const {
        fail(path_, truncated_ + "the header promises " + std::to_string(expected_) + " bytes of " +
                        kind_.data + " but the file holds " + std::to_string(held) +
                        (gzip_ ? " once decompressed" : ""));
    }

    [[noreturn]] void trailing_data(std::uint64_t extra) const {
        const std::string count =
            extra > max_trailing_count
                ? "more than " + std::to_string(max_trailing_count) + " trailing bytes"
                : count_text(extra, "trailing byte", "trailing bytes");
        fail(path_, count + (gzip_ ? " (gzip, decompressed)" : "") + " after the " +
                        std::to_string(expected_) + " bytes of " + kind_.data +
                        " the header promises");
    }

    std::filesystem::path path_;
    const Kind& kind_;
    File file_;
    std::unique_ptr<Source> source_;
    bool gzip_;
    std::string truncated_;
    std::array<std::uint64_t, 3> sizes_{};
    std::uint64_t expected_ = 0;
};

}  // namespace

IdxHeader read_idx_header(const std::filesystem::path& path, IdxKind kind) {
    return Reader(path, kind == IdxKind::images ? images_kind : labels_kind).header();
}

IdxImages read_idx_images(const std::filesystem::path& path) {
    Reader reader(path, images_kind);
    const IdxHeader header = reader.header();
    return {header.count, header.rows, header.cols, reader.data()};
}

std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path, std::size_t classes) {
    std::vector<std::uint8_t> labels = Reader(path, labels_kind).data();
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < classes) continue;
        const std::string range = classes == 0 ? "0 classes: no label is valid"
                                               : count_text(classes, "class", "classes") +
                                                     ": 0 to " + std::to_string(classes - 1);
        fail(path, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                       " is out of range (" + range + ")");
    }
    return labels;
}

}  // namespace backprop
