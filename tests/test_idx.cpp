// The IDX reader and the dataset loader, on files this test writes: good ones, read back byte
// for byte, and bad ones, each of which must be refused with its own message. Every bad file
// is checked for the error it is (truncated, not IDX, the wrong kind, trailing bytes, an
// absurd header, corrupt gzip, labels out of range), not merely for failing: a reader that
// refused everything with one message would not pass. Each message is printed to the log
// (--log_level=message) so that a reader of the log sees what a user would.
//
// gzip files are written with zlib: both real deflate streams and stored (uncompressed) ones,
// whose layout is known byte for byte.
//
// Special files (a FIFO, a directory, a device) and files that would cost too much memory are
// read in a child process (in_child) that is killed if it takes too long, so that a reader that
// blocks fails the test instead of hanging it, and whose address space is limited to what it
// already uses plus a budget, so that a reader that holds more than it should fails instead of
// taking the machine. Under AddressSanitizer the address space cannot be limited: the tests
// that need the limit report themselves skipped there.
#define BOOST_TEST_MODULE idx
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <poll.h>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

#include <boost/test/unit_test.hpp>

#include "backprop/core/matrix.hpp"
#include "backprop/data/dataset.hpp"
#include "backprop/data/idx.hpp"

#include "run_program.hpp"

using namespace backprop;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put_big_endian_32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

/// An IDX file: the magic (0, 0, \p type, number of sizes), the sizes, then \p data.
Bytes idx_file(std::uint8_t type, std::initializer_list<std::uint32_t> sizes, const Bytes& data) {
    Bytes out{0, 0, type, static_cast<std::uint8_t>(sizes.size())};
    for (std::uint32_t size : sizes)
        put_big_endian_32(out, size);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

Bytes image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, const Bytes& pixels) {
    return idx_file(0x08, {count, rows, cols}, pixels);
}

Bytes label_file(const Bytes& labels) {
    return idx_file(0x08, {static_cast<std::uint32_t>(labels.size())}, labels);
}

/// \p n bytes that cover 0 to 255 and vary enough to exercise deflate: a fixed seed, so the
/// files (and what corrupting them does) are the same on every run.
Bytes pattern(std::size_t n, std::uint32_t seed = 1) {
    std::minstd_rand engine(seed);
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::uint8_t>(i % 3 == 0 ? engine() % 256 : (i * 7) % 256);
    return out;
}

/// Labels 0 to classes - 1, in turn.
Bytes cycling_labels(std::size_t n, std::size_t classes = 10) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::uint8_t>(i % classes);
    return out;
}

/// \p data as one gzip member, deflated at \p level (0: stored blocks, no compression).
Bytes gzip(const Bytes& data, int level = Z_BEST_COMPRESSION) {
    z_stream stream{};
    BOOST_REQUIRE_EQUAL(
        deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    Bytes out(deflateBound(&stream, static_cast<uLong>(data.size())) + 64);
    Bytes input = data;  // zlib's next_in is not const in every version
    stream.next_in = input.data();
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    BOOST_REQUIRE_EQUAL(status, Z_STREAM_END);
    return out;
}

Bytes concatenated(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// A gzip file of several members: one of \p head, then \p copies copies of one member of
/// \p zeros zero bytes. One stream of head + copies * zeros bytes, written in little time and
/// space however long it inflates.
Bytes gzip_with_zeros(const Bytes& head, std::size_t zeros, std::size_t copies) {
    Bytes out = gzip(head);
    const Bytes member = gzip(Bytes(zeros, 0), Z_BEST_SPEED);
    for (std::size_t i = 0; i < copies; ++i)
        out.insert(out.end(), member.begin(), member.end());
    return out;
}

Bytes first(const Bytes& bytes, std::size_t n) {
    return Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
}

/// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::random_device random;
        for (;;) {
            const std::uint64_t tag = (std::uint64_t{random()} << 32) ^ random();
            path_ = fs::temp_directory_path() / ("backprop-test-idx-" + std::to_string(tag));
            if (fs::create_directory(path_)) break;
        }
    }
    ~TempDir() {
        std::error_code error;
        fs::remove_all(path_, error);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }

    /// Writes \p bytes to the file \p name in the directory; returns its path.
    fs::path write(const std::string& name, const Bytes& bytes) const {
        fs::path file = path_ / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        out.close();
        BOOST_REQUIRE_MESSAGE(out, "cannot write " << file);
        return file;
    }

  private:
    fs::path path_;
};

/// A predicate for BOOST_CHECK_EXCEPTION: the message starts with `<start>:` (if start is not
/// empty), contains every one of parts, and equals whole (if whole is not empty). It prints
/// the message to the log, and reports what is wrong with it.
struct Says {
    std::string start;
    std::vector<std::string> parts;
    std::string whole;

    bool operator()(const std::exception& e) const {
        const std::string what = e.what();
        BOOST_TEST_MESSAGE("    " << what);
        bool ok = start.empty() || what.starts_with(start + ":");
        BOOST_TEST(ok, "the message does not start with '" << start << ":': " << what);
        for (const std::string& part : parts) {
            const bool found = what.find(part) != std::string::npos;
            BOOST_TEST(found, "the message does not contain '" << part << "': " << what);
            ok = ok && found;
        }
        if (!whole.empty()) {
            const bool equal = what == whole;
            BOOST_TEST(equal, "the message is\n  " << what << "\nnot\n  " << whole);
            ok = ok && equal;
        }
        return ok;
    }
};

/// The message names \p file (at its start) and says every one of \p parts.
Says says(const fs::path& file, std::vector<std::string> parts) {
    return Says{file.string(), std::move(parts), ""};
}

/// The message is exactly `<file>: <rest>`.
Says says_exactly(const fs::path& file, const std::string& rest) {
    return Says{file.string(), {}, file.string() + ": " + rest};
}

/// What a call made in a child process did.
struct ChildResult {
    bool finished = false;  ///< the child reported back before it was killed
    bool threw = false;     ///< the call threw
    std::string message;    ///< what the call returned, or the exception's what()
    double seconds = 0;     ///< how long the call took, measured in the child
};

/// The address space this process uses now, in bytes.
std::uint64_t address_space_in_use() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t pages = 0;
    statm >> pages;
    return pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

/// Runs \p call in a forked child whose address space is limited to what it already uses plus
/// \p budget_mib MiB (none if 0), and kills it if it has not reported back after \p timeout_s
/// seconds. The child reports what the call returned or threw, and how long it took.
ChildResult in_child(const std::function<std::string()>& call, std::size_t budget_mib,
                     int timeout_s) {
    int pipe_ends[2];
    BOOST_REQUIRE(pipe(pipe_ends) == 0);
    const pid_t child = fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        close(pipe_ends[0]);
        if (budget_mib > 0) {
            const rlim_t limit = address_space_in_use() + (rlim_t{budget_mib} << 20);
            const rlimit as{limit, limit};
            if (setrlimit(RLIMIT_AS, &as) != 0) _exit(3);
        }
        std::string report;
        const auto start = std::chrono::steady_clock::now();
        try {
            report = "R" + call();
        } catch (const std::exception& e) {
            report = std::string("T") + e.what();
        } catch (...) {
            report = "Tan exception that is not a std::exception";
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        report = std::to_string(took.count()) + " " + report;
        for (std::size_t done = 0; done < report.size();) {
            const ssize_t n = write(pipe_ends[1], report.data() + done, report.size() - done);
            if (n <= 0) _exit(4);
            done += static_cast<std::size_t>(n);
        }
        _exit(0);
    }
    close(pipe_ends[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    std::string report;
    bool ended = false;
    while (!ended) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd ready{pipe_ends[0], POLLIN, 0};
        const int polled = poll(&ready, 1, static_cast<int>(left.count()));
        if (polled < 0 && errno == EINTR) continue;
        if (polled <= 0) break;
        char buffer[4096];
        const ssize_t n = read(pipe_ends[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            ended = true;
        else
            report.append(buffer, static_cast<std::size_t>(n));
    }
    close(pipe_ends[0]);
    if (!ended) kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ChildResult result;
    const std::size_t space = report.find(' ');
    if (!ended || space == std::string::npos || space + 1 >= report.size()) {
        result.message = !ended
                             ? "killed after " + std::to_string(timeout_s) + " s"
                             : "the child reported nothing (status " + std::to_string(status) + ")";
        return result;
    }
    result.finished = true;
    result.seconds = std::stod(report.substr(0, space));
    result.threw = report[space + 1] == 'T';
    result.message = report.substr(space + 2);
    return result;
}

/// The call finished in under \p seconds by throwing exactly \p message.
void check_refused(const ChildResult& r, const std::string& message, double seconds) {
    BOOST_TEST_MESSAGE("    " << r.message << " (" << r.seconds << " s)");
    BOOST_TEST_REQUIRE(r.finished, r.message);
    BOOST_TEST(r.threw, "the call returned: " << r.message);
    BOOST_TEST(r.message == message);
    BOOST_TEST(r.seconds < seconds, "it took " << r.seconds << " s");
}

// Five images of 4x3 and their five labels: small enough to spell out.
constexpr std::uint32_t small_count = 5;
constexpr std::uint32_t small_rows = 4;
constexpr std::uint32_t small_cols = 3;
const Bytes small_pixels = pattern(std::size_t{small_count} * small_rows * small_cols);
const Bytes small_labels{3, 0, 9, 1, 7};

// 32768 images of 64x64, all zero: 128 MiB of pixels in a gzip file of some 130 KB.
constexpr std::uint32_t big_count = 32768;
constexpr std::uint32_t big_side = 64;
constexpr std::size_t big_bytes = std::size_t{big_count} * big_side * big_side;
constexpr std::size_t zeros_member = std::size_t{16} << 20;

Bytes big_images_gz() {
    return gzip_with_zeros(image_file(big_count, big_side, big_side, {}), zeros_member,
                           big_bytes / zeros_member);
}

/// A call for in_child() that reads \p path as an image file and throws what the reader
/// throws.
std::function<std::string()> reading_images(const fs::path& path) {
    return [path] {
        const IdxImages images = read_idx_images(path);
        return std::to_string(images.count) + " images";
    };
}

// The memory tests need the address space limited.
const auto when_memory_can_be_limited = boost::unit_test::enable_if<address_space_can_be_limited>();

}  // namespace

BOOST_AUTO_TEST_SUITE(reading)

BOOST_AUTO_TEST_CASE(plain_and_gzip_files_read_back_exactly) {
    TempDir dir;
    // 300 images of 28x28: large enough for several deflate blocks and more than one read of
    // the reader's input buffer.
    const Bytes pixels = pattern(std::size_t{300} * 28 * 28, 7);
    const Bytes labels = cycling_labels(300);
    const Bytes images_bytes = image_file(300, 28, 28, pixels);
    const Bytes labels_bytes = label_file(labels);
    struct Variant {
        const char* suffix;
        Bytes images;
        Bytes labels;
    };
    const std::vector<Variant> variants{
        {"", images_bytes, labels_bytes},
        {".gz", gzip(images_bytes), gzip(labels_bytes)},
        {"-stored.gz", gzip(images_bytes, 0), gzip(labels_bytes, 0)},
        // Two gzip members, as `cat a.gz b.gz` makes: one stream, as gzip -d reads it.
        {"-two-members.gz",
         concatenated(gzip(first(images_bytes, 1000)),
                      gzip(Bytes(images_bytes.begin() + 1000, images_bytes.end()))),
         concatenated(gzip(first(labels_bytes, 5)),
                      gzip(Bytes(labels_bytes.begin() + 5, labels_bytes.end())))},
    };
    for (const Variant& variant : variants) {
        BOOST_TEST_CONTEXT("variant '" << variant.suffix << "'") {
            const fs::path images_path =
                dir.write(std::string("images") + variant.suffix, variant.images);
            const fs::path labels_path =
                dir.write(std::string("labels") + variant.suffix, variant.labels);
            const IdxImages images = read_idx_images(images_path);
            BOOST_TEST(images.count == 300u);
            BOOST_TEST(images.rows == 28u);
            BOOST_TEST(images.cols == 28u);
            BOOST_TEST(images.pixels == pixels, boost::test_tools::per_element());
            const std::vector<std::uint8_t> read_labels = read_idx_labels(labels_path);
            BOOST_TEST(read_labels == labels, boost::test_tools::per_element());
        }
    }

    // Non-square images keep rows and columns apart.
    const fs::path small =
        dir.write("small", image_file(small_count, small_rows, small_cols, small_pixels));
    const IdxImages images = read_idx_images(small);
    BOOST_TEST(images.count == small_count);
    BOOST_TEST(images.rows == small_rows);
    BOOST_TEST(images.cols == small_cols);
    BOOST_TEST(images.pixels == small_pixels, boost::test_tools::per_element());
    // Every byte value survives, 0 and 255 included.
    Bytes every_value(256);
    for (std::size_t i = 0; i < 256; ++i)
        every_value[i] = static_cast<std::uint8_t>(i);
    const IdxImages all =
        read_idx_images(dir.write("all.gz", gzip(image_file(1, 16, 16, every_value))));
    BOOST_TEST(all.pixels == every_value, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(labels_up_to_the_class_count) {
    TempDir dir;
    const fs::path path = dir.write("labels", label_file({0, 1, 2, 8}));
    BOOST_TEST(read_idx_labels(path, 9) == Bytes({0, 1, 2, 8}), boost::test_tools::per_element());
    BOOST_TEST(read_idx_labels(path, 256) == Bytes({0, 1, 2, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_files)

BOOST_AUTO_TEST_CASE(missing_or_unreadable) {
    TempDir dir;
    const fs::path missing = dir.path() / "no-such-file";
    BOOST_CHECK_EXCEPTION(read_idx_images(missing), IdxError,
                          says_exactly(missing, "cannot open: No such file or directory"));
    BOOST_CHECK_EXCEPTION(read_idx_labels(missing), IdxError,
                          says_exactly(missing, "cannot open: No such file or directory"));
    // A directory is refused for what it is (it would open, on Linux, but not read).
    BOOST_CHECK_EXCEPTION(read_idx_images(dir.path()), IdxError,
                          says_exactly(dir.path(), "is a directory, not a regular file"));
}

BOOST_AUTO_TEST_CASE(truncated_plain_files) {
    TempDir dir;
    const Bytes images = image_file(small_count, small_rows, small_cols, small_pixels);
    const Bytes labels = label_file(small_labels);
    // Cut inside the magic, inside the sizes, right after the header, inside the data, and one
    // byte short of the end.
    for (std::size_t cut : {0, 1, 3, 4, 9, 15, 16, 17, 40, 75}) {
        BOOST_TEST_CONTEXT("images cut to " << cut << " bytes") {
            const fs::path path = dir.write("images-" + std::to_string(cut), first(images, cut));
            BOOST_CHECK_EXCEPTION(read_idx_images(path), IdxError, says(path, {"truncated: "}));
        }
    }
    for (std::size_t cut : {0, 2, 4, 7, 8, 9, 12}) {
        BOOST_TEST_CONTEXT("labels cut to " << cut << " bytes") {
            const fs::path path = dir.write("labels-" + std::to_string(cut), first(labels, cut));
            BOOST_CHECK_EXCEPTION(read_idx_labels(path), IdxError, says(path, {"truncated: "}));
        }
    }
    // The exact wording, at each stage.
    const fs::path three = dir.write("three", first(images, 3));
    BOOST_CHECK_EXCEPTION(read_idx_images(three), IdxError,
                          says_exactly(three, "truncated: 3 bytes, too short for an IDX header"));
    const fs::path ten = dir.write("ten", first(images, 10));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(ten), IdxError,
        says_exactly(ten,
                     "truncated: 10 bytes, too short for the 16-byte header of an IDX image file"));
    const fs::path six = dir.write("six", first(labels, 6));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(six), IdxError,
        says_exactly(six,
                     "truncated: 6 bytes, too short for the 8-byte header of an IDX label file"));
    const fs::path data = dir.write("data", first(images, 16 + 50));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(data), IdxError,
        says_exactly(data,
                     "truncated: the header promises 60 bytes of pixels but the file holds 50"));
    const fs::path label_data = dir.write("label-data", first(labels, 8 + 4));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(label_data), IdxError,
        says_exactly(label_data,
                     "truncated: the header promises 5 bytes of labels but the file holds 4"));
}

BOOST_AUTO_TEST_CASE(truncated_gzip_contents) {
    // Complete gzip streams of cut IDX files: the decompressed data is too short.
    TempDir dir;
    const Bytes images = image_file(small_count, small_rows, small_cols, small_pixels);
    const Bytes labels = label_file(small_labels);
    for (std::size_t cut : {0, 3, 4, 9, 15, 16, 40, 75}) {
        BOOST_TEST_CONTEXT("images cut to " << cut << " bytes, then compressed") {
            const fs::path path =
                dir.write("images-" + std::to_string(cut) + ".gz", gzip(first(images, cut)));
            BOOST_CHECK_EXCEPTION(read_idx_images(path), IdxError,
                                  says(path, {"truncated (gzip): "}));
        }
    }
    for (std::size_t cut : {0, 2, 7, 8, 12}) {
        BOOST_TEST_CONTEXT("labels cut to " << cut << " bytes, then compressed") {
            const fs::path path =
                dir.write("labels-" + std::to_string(cut) + ".gz", gzip(first(labels, cut)));
            BOOST_CHECK_EXCEPTION(read_idx_labels(path), IdxError,
                                  says(path, {"truncated (gzip): "}));
        }
    }
    const fs::path three = dir.write("three.gz", gzip(first(images, 3)));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(three), IdxError,
        says_exactly(three, "truncated (gzip): 3 bytes, too short for an IDX header"));
    const fs::path data = dir.write("data.gz", gzip(first(images, 16 + 50)));
    BOOST_CHECK_EXCEPTION(read_idx_images(data), IdxError,
                          says_exactly(data,
                                       "truncated (gzip): the header promises 60 bytes of pixels "
                                       "but the file holds 50 once decompressed"));
}

BOOST_AUTO_TEST_CASE(truncated_gzip_streams) {
    // A whole IDX file, compressed, and the compressed file cut: inside the gzip header, inside
    // the deflate stream, inside the 8-byte trailer (CRC-32 and length), and just before it.
    TempDir dir;
    const Bytes images = image_file(200, 28, 28, pattern(std::size_t{200} * 28 * 28, 3));
    for (int level : {Z_BEST_COMPRESSION, 0}) {
        const Bytes compressed = gzip(images, level);
        BOOST_TEST_MESSAGE("level " << level << ": " << compressed.size() << " bytes compressed");
        for (std::size_t cut :
             {std::size_t{5}, std::size_t{12}, compressed.size() / 2, compressed.size() - 9,
              compressed.size() - 8, compressed.size() - 3, compressed.size() - 1}) {
            BOOST_TEST_CONTEXT("level " << level << ", cut to " << cut << " bytes") {
                const fs::path path =
                    dir.write("cut-" + std::to_string(level) + "-" + std::to_string(cut) + ".gz",
                              first(compressed, cut));
                BOOST_CHECK_EXCEPTION(
                    read_idx_images(path), IdxError,
                    says(path, {"truncated (gzip): the file ends inside the compressed stream"}));
            }
        }
    }
    const Bytes labels = gzip(label_file(cycling_labels(1000)));
    const fs::path path = dir.write("labels-cut.gz", first(labels, labels.size() - 4));
    BOOST_CHECK_EXCEPTION(read_idx_labels(path), IdxError,
                          says(path, {"truncated (gzip): the file ends inside the compressed "
                                      "stream, after 1008 bytes of decompressed data"}));
}

BOOST_AUTO_TEST_CASE(bad_magic) {
    TempDir dir;
    const Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D',
                    'R',  0,   0,   0,   1,    0,    0,    0,    1, 8, 2, 0,  0,   0};
    const fs::path png_path = dir.write("picture.png", png);
    BOOST_CHECK_EXCEPTION(
        read_idx_images(png_path), IdxError,
        says_exactly(png_path,
                     "not an IDX file (magic 0x89504e47, expected 0x00000803 for images)"));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(png_path), IdxError,
        says_exactly(png_path,
                     "not an IDX file (magic 0x89504e47, expected 0x00000801 for labels)"));
    const fs::path png_gz = dir.write("picture.png.gz", gzip(png));
    BOOST_CHECK_EXCEPTION(read_idx_images(png_gz), IdxError,
                          says(png_gz, {"not an IDX file (magic 0x89504e47"}));

    // Only the first byte non-zero; only the second.
    Bytes images = image_file(small_count, small_rows, small_cols, small_pixels);
    images[0] = 0x01;
    const fs::path first_byte = dir.write("first-byte", images);
    BOOST_CHECK_EXCEPTION(read_idx_images(first_byte), IdxError,
                          says(first_byte, {"not an IDX file (magic 0x01000803"}));
    images[0] = 0x00;
    images[1] = 0x08;
    const fs::path second_byte = dir.write("second-byte", images);
    BOOST_CHECK_EXCEPTION(read_idx_images(second_byte), IdxError,
                          says(second_byte, {"not an IDX file (magic 0x00080803"}));

    // Element type 0x0D (float32), a real IDX type these datasets never use; and 0x09.
    const fs::path floats =
        dir.write("floats", idx_file(0x0d, {small_count, small_rows, small_cols}, small_pixels));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(floats), IdxError,
        says_exactly(floats, "element type 0x0d, but only unsigned bytes (0x08) are supported"));
    const fs::path signed_bytes = dir.write("signed.gz", gzip(idx_file(0x09, {5}, small_labels)));
    BOOST_CHECK_EXCEPTION(read_idx_labels(signed_bytes), IdxError,
                          says(signed_bytes, {"element type 0x09"}));
}

BOOST_AUTO_TEST_CASE(wrong_kind) {
    TempDir dir;
    const fs::path labels = dir.write("labels", label_file(small_labels));
    const fs::path images =
        dir.write("images", image_file(small_count, small_rows, small_cols, small_pixels));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(labels), IdxError,
        says_exactly(labels, "holds labels (1 dimension), expected images (3 dimensions)"));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(images), IdxError,
        says_exactly(images, "holds images (3 dimensions), expected labels (1 dimension)"));
    const fs::path labels_gz = dir.write("labels.gz", gzip(label_file(small_labels)));
    BOOST_CHECK_EXCEPTION(read_idx_images(labels_gz), IdxError,
                          says(labels_gz, {"holds labels (1 dimension)"}));
    // Neither kind: a 2-dimensional file, and one with no sizes at all.
    const fs::path matrix = dir.write("matrix", idx_file(0x08, {2, 3}, pattern(6)));
    BOOST_CHECK_EXCEPTION(read_idx_images(matrix), IdxError,
                          says_exactly(matrix, "has 2 dimensions, expected images (3 dimensions)"));
    const fs::path none = dir.write("none", idx_file(0x08, {}, {}));
    BOOST_CHECK_EXCEPTION(read_idx_labels(none), IdxError,
                          says_exactly(none, "has 0 dimensions, expected labels (1 dimension)"));
}

BOOST_AUTO_TEST_CASE(header_and_data_disagree) {
    TempDir dir;
    // The header promises six images but five follow; four, and five follow.
    const fs::path more = dir.write("more", image_file(6, small_rows, small_cols, small_pixels));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(more), IdxError,
        says_exactly(more,
                     "truncated: the header promises 72 bytes of pixels but the file holds 60"));
    const fs::path fewer = dir.write("fewer", image_file(4, small_rows, small_cols, small_pixels));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(fewer), IdxError,
        says_exactly(fewer, "12 trailing bytes after the 48 bytes of pixels the header promises"));
    const fs::path more_gz =
        dir.write("more.gz", gzip(image_file(6, small_rows, small_cols, small_pixels)));
    BOOST_CHECK_EXCEPTION(read_idx_images(more_gz), IdxError,
                          says(more_gz, {"truncated (gzip): the header promises 72 bytes"}));
    const fs::path fewer_gz =
        dir.write("fewer.gz", gzip(image_file(4, small_rows, small_cols, small_pixels)));
    BOOST_CHECK_EXCEPTION(
        read_idx_images(fewer_gz), IdxError,
        says_exactly(fewer_gz,
                     "12 trailing bytes (gzip, decompressed) after the 48 bytes of "
                     "pixels the header promises"));

    // Labels: one byte more, one byte fewer.
    Bytes labels = label_file(small_labels);
    labels.push_back(4);
    const fs::path extra_label = dir.write("extra-label", labels);
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(extra_label), IdxError,
        says_exactly(extra_label,
                     "1 trailing byte after the 5 bytes of labels the header promises"));
    labels[7] = 7;  // count 7, six labels
    const fs::path missing_label = dir.write("missing-label.gz", gzip(labels));
    BOOST_CHECK_EXCEPTION(read_idx_labels(missing_label), IdxError,
                          says(missing_label, {"truncated (gzip)", "promises 7 bytes of labels"}));
}

BOOST_AUTO_TEST_CASE(absurd_headers_fail_before_reading) {
    // Headers that claim more than any dataset holds, on files of a few bytes: refused from the
    // header alone, before anything is allocated (a reader that allocated 4 GiB x 784 first
    // would die here, not throw).
    TempDir dir;
    const Bytes tiny = pattern(10);
    struct Case {
        const char* name;
        Bytes bytes;
        std::string message;
    };
    const std::vector<Case> image_cases{
        {"count", image_file(0xFFFFFFFF, 28, 28, tiny),
         "header claims 4294967295 images of 28x28, more than the 100000000 this reader accepts"},
        {"rows", image_file(10, 0xFFFFFFFF, 28, tiny),
         "header claims images of 4294967295x28 pixels, larger than the 4096x4096 this reader "
         "accepts"},
        {"cols", image_file(10, 28, 4097, tiny),
         "header claims images of 28x4097 pixels, larger than the 4096x4096 this reader accepts"},
        {"bytes", image_file(100000000, 28, 28, tiny),
         "header claims 100000000 images of 28x28, 78400000000 bytes of pixels, more than the "
         "4 GiB (4294967296 bytes) this reader accepts"},
        {"no images", image_file(0, 28, 28, {}),
         "header claims 0 images; an image file must hold at least one"},
        {"no rows", image_file(10, 0, 28, {}),
         "header claims images of 0x28 pixels; rows and columns must be at least 1"},
    };
    for (const Case& c : image_cases) {
        BOOST_TEST_CONTEXT(c.name) {
            const fs::path plain = dir.write(c.name, c.bytes);
            BOOST_CHECK_EXCEPTION(read_idx_images(plain), IdxError, says_exactly(plain, c.message));
            const fs::path compressed = dir.write(std::string(c.name) + ".gz", gzip(c.bytes));
            BOOST_CHECK_EXCEPTION(read_idx_images(compressed), IdxError,
                                  says_exactly(compressed, c.message));
        }
    }
    const fs::path labels = dir.write("labels", idx_file(0x08, {0xFFFFFFFF}, tiny));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(labels), IdxError,
        says_exactly(
            labels,
            "header claims 4294967295 labels, more than the 100000000 this reader accepts"));
    const fs::path no_labels = dir.write("no-labels", idx_file(0x08, {0}, {}));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(no_labels), IdxError,
        says_exactly(no_labels, "header claims 0 labels; a label file must hold at least one"));
    // Within the limits but far beyond the file: the plain file's length refuses it before any
    // allocation, and so does the gzip file's, since deflate inflates at most 1032 bytes per
    // compressed byte (a fuzzer found the 4 GiB allocation a 37-byte file could ask for).
    const fs::path big = dir.write("big", idx_file(0x08, {100000000}, tiny));
    BOOST_CHECK_EXCEPTION(read_idx_labels(big), IdxError,
                          says_exactly(big,
                                       "truncated: the header promises 100000000 bytes of "
                                       "labels but the file holds 10"));
    const fs::path big_gz = dir.write("big.gz", gzip(idx_file(0x08, {100000000}, tiny)));
    const std::string gz_bytes = std::to_string(fs::file_size(big_gz));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(big_gz), IdxError,
        says_exactly(big_gz,
                     "truncated (gzip): the header promises 100000000 bytes of labels, "
                     "more than a gzip file of " +
                         gz_bytes +
                         " bytes can hold (deflate inflates at most 1032 bytes per "
                         "compressed byte)"));
    // Just below the bound, 1032 n - 1 bytes promised by a gzip file of n bytes, the stream
    // is read and found short; at 1032 n it is refused before reading.
    std::size_t n = 0;
    Bytes below_bound;
    for (std::uint32_t promised = 1000; n != below_bound.size() || n == 0;) {
        n = below_bound.size();
        below_bound = gzip(idx_file(0x08, {promised}, tiny));
        promised = static_cast<std::uint32_t>(1032 * below_bound.size() - 1);
    }
    const auto promised_below = static_cast<std::uint32_t>(1032 * n - 1);
    const fs::path below = dir.write("below.gz", gzip(idx_file(0x08, {promised_below}, tiny)));
    BOOST_TEST_REQUIRE(fs::file_size(below) == n);
    BOOST_CHECK_EXCEPTION(read_idx_labels(below), IdxError,
                          says(below, {"but the file holds 10 once decompressed"}));
    const fs::path at = dir.write("at.gz", gzip(idx_file(0x08, {promised_below + 1}, tiny)));
    if (fs::file_size(at) == n)
        BOOST_CHECK_EXCEPTION(read_idx_labels(at), IdxError,
                              says(at, {"more than a gzip file of", "can hold"}));
}

BOOST_AUTO_TEST_CASE(corrupt_gzip) {
    TempDir dir;
    const Bytes images = image_file(200, 28, 28, pattern(std::size_t{200} * 28 * 28, 5));
    // Bytes flipped in the middle of a deflated stream, and of a stored one (where only the
    // CRC-32 can tell).
    for (int level : {Z_BEST_COMPRESSION, Z_BEST_SPEED, 0}) {
        Bytes compressed = gzip(images, level);
        for (std::size_t at : {compressed.size() / 3, compressed.size() / 2}) {
            BOOST_TEST_CONTEXT("level " << level << ", byte " << at << " flipped") {
                Bytes damaged = compressed;
                damaged[at] ^= 0xff;
                const fs::path path = dir.write(
                    "flip-" + std::to_string(level) + "-" + std::to_string(at) + ".gz", damaged);
                BOOST_CHECK_EXCEPTION(read_idx_images(path), IdxError,
                                      says(path, {"corrupt gzip data: "}));
            }
        }
    }
    // A stored stream's data damaged: exactly the CRC-32 check fails.
    Bytes stored = gzip(images, 0);
    stored[stored.size() / 2] ^= 0x01;
    const fs::path crc = dir.write("crc.gz", stored);
    BOOST_CHECK_EXCEPTION(read_idx_images(crc), IdxError,
                          says_exactly(crc, "corrupt gzip data: incorrect data check"));
    // Damage that reaches the decompressed header: reported as damage, not as a bad header.
    Bytes header_hit = gzip(images, 0);
    header_hit[10 + 5 + 2] ^= 0x01;  // gzip header, stored-block header, then the IDX magic
    const fs::path header_path = dir.write("header-hit.gz", header_hit);
    BOOST_CHECK_EXCEPTION(read_idx_images(header_path), IdxError,
                          says_exactly(header_path, "corrupt gzip data: incorrect data check"));
    // The length in the trailer wrong.
    Bytes length = gzip(images);
    length[length.size() - 1] ^= 0x01;
    const fs::path length_path = dir.write("length.gz", length);
    BOOST_CHECK_EXCEPTION(read_idx_images(length_path), IdxError,
                          says_exactly(length_path, "corrupt gzip data: incorrect length check"));
    // A gzip header followed by garbage; a gzip signature with an unknown method.
    Bytes garbage{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};
    garbage.insert(garbage.end(), 100, 0xff);
    const fs::path garbage_path = dir.write("garbage.gz", garbage);
    BOOST_CHECK_EXCEPTION(read_idx_images(garbage_path), IdxError,
                          says_exactly(garbage_path, "corrupt gzip data: invalid block type"));
    Bytes method{0x1f, 0x8b, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};
    method.insert(method.end(), 100, 0x00);
    const fs::path method_path = dir.write("method.gz", method);
    BOOST_CHECK_EXCEPTION(read_idx_labels(method_path), IdxError,
                          says(method_path, {"corrupt gzip data: "}));
    // Garbage after a complete, valid gzip stream.
    const fs::path after = dir.write(
        "after.gz", concatenated(gzip(label_file(small_labels)), Bytes{'j', 'u', 'n', 'k'}));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(after), IdxError,
        says_exactly(after,
                     "corrupt gzip data: bytes that are not gzip after the end of the "
                     "compressed stream"));
}

BOOST_AUTO_TEST_CASE(labels_out_of_range) {
    TempDir dir;
    const fs::path path = dir.write("labels", label_file({0, 1, 2, 3, 4, 12, 200}));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(path), IdxError,
        says_exactly(path, "label 12 at index 5 is out of range (10 classes: 0 to 9)"));
    const fs::path nine = dir.write("nine.gz", gzip(label_file({0, 8, 9})));
    BOOST_CHECK_EXCEPTION(
        read_idx_labels(nine, 9), IdxError,
        says_exactly(nine, "label 9 at index 2 is out of range (9 classes: 0 to 8)"));
    BOOST_TEST(read_idx_labels(nine, 10) == Bytes({0, 8, 9}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(headers)

BOOST_AUTO_TEST_CASE(the_header_alone) {
    TempDir dir;
    const Bytes images = image_file(small_count, small_rows, small_cols, small_pixels);
    const fs::path plain = dir.write("images", images);
    const fs::path compressed = dir.write("images.gz", gzip(images));
    for (const fs::path& path : {plain, compressed}) {
        BOOST_TEST_CONTEXT(path.filename()) {
            const IdxHeader header = read_idx_header(path, IdxKind::images);
            BOOST_TEST(header.count == small_count);
            BOOST_TEST(header.rows == small_rows);
            BOOST_TEST(header.cols == small_cols);
            BOOST_TEST(header.compressed == (path == compressed));
        }
    }
    const fs::path labels = dir.write("labels.gz", gzip(label_file(small_labels)));
    const IdxHeader label_header = read_idx_header(labels, IdxKind::labels);
    BOOST_TEST(label_header.count == small_labels.size());
    BOOST_TEST(label_header.rows == 0u);
    BOOST_TEST(label_header.cols == 0u);
    BOOST_TEST(label_header.compressed);

    // Only the header is read: damage to a stored gzip stream's last pixels is found by the
    // whole read (its CRC-32), not by the header's.
    Bytes damaged = gzip(images, 0);
    damaged[damaged.size() - 8 - 2] ^= 0x01;  // before the 8-byte trailer: the pixels
    const fs::path damaged_path = dir.write("damaged.gz", damaged);
    BOOST_TEST(read_idx_header(damaged_path, IdxKind::images).count == small_count);
    BOOST_CHECK_EXCEPTION(read_idx_images(damaged_path), IdxError,
                          says_exactly(damaged_path, "corrupt gzip data: incorrect data check"));

    // The header's own checks, with the whole reader's messages; a plain file's length is one.
    BOOST_CHECK_EXCEPTION(
        read_idx_header(plain, IdxKind::labels), IdxError,
        says_exactly(plain, "holds images (3 dimensions), expected labels (1 dimension)"));
    const fs::path cut = dir.write("cut", first(images, 16 + 50));
    BOOST_CHECK_EXCEPTION(
        read_idx_header(cut, IdxKind::images), IdxError,
        says_exactly(cut,
                     "truncated: the header promises 60 bytes of pixels but the file holds 50"));
    const fs::path absurd = dir.write("absurd.gz", gzip(image_file(10, 28, 4097, pattern(10))));
    BOOST_CHECK_EXCEPTION(read_idx_header(absurd, IdxKind::images), IdxError,
                          says_exactly(absurd,
                                       "header claims images of 28x4097 pixels, larger than the "
                                       "4096x4096 this reader accepts"));
    const fs::path missing = dir.path() / "missing";
    BOOST_CHECK_EXCEPTION(read_idx_header(missing, IdxKind::labels), IdxError,
                          says_exactly(missing, "cannot open: No such file or directory"));
}

BOOST_AUTO_TEST_SUITE_END()

// Each read here runs in a child process that is killed after 10 seconds: a reader that waits
// on a FIFO fails the test instead of hanging it.
BOOST_AUTO_TEST_SUITE(special_files)

BOOST_AUTO_TEST_CASE(a_fifo_is_refused_at_once) {
    TempDir dir;
    dir.write("train-images-idx3-ubyte",
              image_file(small_count, small_rows, small_cols, small_pixels));
    const fs::path fifo = dir.path() / "train-labels-idx1-ubyte";
    BOOST_REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    const std::string message = fifo.string() + ": is a FIFO (named pipe), not a regular file";
    check_refused(in_child(
                      [&] {
                          read_idx_labels(fifo);
                          return std::string();
                      },
                      0, 10),
                  message, 1.0);
    check_refused(in_child(reading_images(fifo), 0, 10), message, 1.0);
    check_refused(in_child(
                      [&] {
                          read_idx_header(fifo, IdxKind::labels);
                          return std::string();
                      },
                      0, 10),
                  message, 1.0);
    check_refused(in_child(
                      [&] {
                          load_split(dir.path(), "train");
                          return std::string();
                      },
                      0, 10),
                  message, 1.0);
}

BOOST_AUTO_TEST_CASE(a_directory_and_a_device_are_refused_at_once) {
    TempDir dir;
    check_refused(in_child(reading_images(dir.path()), 0, 10),
                  dir.path().string() + ": is a directory, not a regular file", 1.0);
    // /dev/zero never ends: a reader that read it would read forever, or until memory ran out
    // (64 MiB more, where that can be limited).
    const std::size_t budget = address_space_can_be_limited ? 64 : 0;
    const fs::path zero = "/dev/zero";
    BOOST_TEST_REQUIRE(fs::is_character_file(zero));
    check_refused(in_child(reading_images(zero), budget, 10),
                  "/dev/zero: is a character device, not a regular file", 1.0);
    check_refused(in_child(
                      [&] {
                          read_idx_labels(zero);
                          return std::string();
                      },
                      budget, 10),
                  "/dev/zero: is a character device, not a regular file", 1.0);
    // Through a link, as a dataset's file: named by the link's path.
    const fs::path link = dir.path() / "t10k-images-idx3-ubyte";
    fs::create_symlink(zero, link);
    dir.write("t10k-labels-idx1-ubyte", label_file(small_labels));
    check_refused(in_child(
                      [&] {
                          load_split(dir.path(), "t10k");
                          return std::string();
                      },
                      budget, 10),
                  link.string() + ": is a character device, not a regular file", 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

// The data is allocated once at the size the header promises, never grown, and nothing past
// it is held. The reads run in a child whose address space is limited to what it uses plus a
// budget, so that a reader that needed more fails these tests (with std::bad_alloc).
BOOST_AUTO_TEST_SUITE(memory)

BOOST_AUTO_TEST_CASE(a_large_gzip_file_is_held_once, *when_memory_can_be_limited) {
    TempDir dir;
    const fs::path path = dir.write("big.gz", big_images_gz());
    // 128 MiB of pixels in 128 + 40 MiB: a reader that grew its storage by doubling (64 MiB,
    // then 128 MiB while the 64 are copied) would need 192.
    const auto read_all = [&] {
        const IdxImages images = read_idx_images(path);
        const bool zero = std::all_of(images.pixels.begin(), images.pixels.end(),
                                      [](std::uint8_t p) { return p == 0; });
        return std::to_string(images.count) + " images of " + std::to_string(images.rows) + "x" +
               std::to_string(images.cols) + ", " + std::to_string(images.pixels.size()) +
               " bytes" + (zero ? ", all zero" : ", not all zero");
    };
    const ChildResult r = in_child(read_all, 128 + 40, 120);
    BOOST_TEST_MESSAGE("    " << r.message << " (" << r.seconds << " s)");
    BOOST_TEST_REQUIRE(r.finished, r.message);
    BOOST_TEST(!r.threw, r.message);
    BOOST_TEST(r.message == "32768 images of 64x64, 134217728 bytes, all zero");

    // Too little memory for the data: said so, naming the file and the size, never a bare
    // std::bad_alloc.
    check_refused(in_child(reading_images(path), 32, 120),
                  path.string() +
                      ": cannot hold the 134217728 bytes of pixels the header promises: out of "
                      "memory",
                  30.0);
}

// Where the address space cannot be limited, this test still checks the message and the time.
BOOST_AUTO_TEST_CASE(a_gzip_stream_longer_than_its_header_is_refused_without_holding_it) {
    TempDir dir;
    // Ten images of 28x28, then 304 MiB of zeros: the reader stops counting after 64 MiB, in a
    // small scratch buffer, within a budget of 48 MiB.
    const std::size_t budget = address_space_can_be_limited ? 48 : 0;
    const fs::path images = dir.write(
        "long.gz", gzip_with_zeros(image_file(10, 28, 28, pattern(std::size_t{10} * 28 * 28)),
                                   zeros_member, 19));
    check_refused(in_child(reading_images(images), budget, 120),
                  images.string() +
                      ": more than 67108864 trailing bytes (gzip, decompressed) after the 7840 "
                      "bytes of pixels the header promises",
                  10.0);
    const fs::path labels =
        dir.write("long-labels.gz", gzip_with_zeros(label_file(small_labels), zeros_member, 19));
    check_refused(in_child(
                      [&] {
                          read_idx_labels(labels);
                          return std::string();
                      },
                      budget, 120),
                  labels.string() +
                      ": more than 67108864 trailing bytes (gzip, decompressed) after the 5 "
                      "bytes of labels the header promises",
                  10.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dataset)

BOOST_AUTO_TEST_CASE(load_split_reads_both_files) {
    TempDir dir;
    dir.write("train-images-idx3-ubyte",
              image_file(small_count, small_rows, small_cols, small_pixels));
    dir.write("train-labels-idx1-ubyte.gz", gzip(label_file(small_labels)));
    const Dataset data = load_split(dir.path(), "train");
    BOOST_TEST(data.size() == small_count);
    BOOST_TEST(data.features() == small_rows * small_cols);
    BOOST_TEST(data.classes == 10u);
    BOOST_TEST(data.images.pixels == small_pixels, boost::test_tools::per_element());
    BOOST_TEST(data.labels == small_labels, boost::test_tools::per_element());
    // The class count reaches the label check.
    BOOST_CHECK_EXCEPTION(load_split(dir.path(), "train", 5), IdxError,
                          says(dir.path() / "train-labels-idx1-ubyte.gz",
                               {"label 9 at index 2 is out of range (5 classes: 0 to 4)"}));
}

BOOST_AUTO_TEST_CASE(load_split_prefers_gzip) {
    TempDir dir;
    const Bytes other_pixels = pattern(small_pixels.size(), 99);
    const Bytes other_labels{1, 1, 1, 1, 1};
    dir.write("t10k-images-idx3-ubyte",
              image_file(small_count, small_rows, small_cols, other_pixels));
    dir.write("t10k-labels-idx1-ubyte", label_file(other_labels));
    dir.write("t10k-images-idx3-ubyte.gz",
              gzip(image_file(small_count, small_rows, small_cols, small_pixels)));
    dir.write("t10k-labels-idx1-ubyte.gz", gzip(label_file(small_labels)));
    const Dataset data = load_split(dir.path(), "t10k");
    BOOST_TEST(data.images.pixels == small_pixels, boost::test_tools::per_element());
    BOOST_TEST(data.labels == small_labels, boost::test_tools::per_element());
    // With the compressed files gone, the plain ones are read.
    fs::remove(dir.path() / "t10k-images-idx3-ubyte.gz");
    fs::remove(dir.path() / "t10k-labels-idx1-ubyte.gz");
    const Dataset plain = load_split(dir.path(), "t10k");
    BOOST_TEST(plain.images.pixels == other_pixels, boost::test_tools::per_element());
    BOOST_TEST(plain.labels == other_labels, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_split_missing_files) {
    TempDir dir;
    BOOST_CHECK_EXCEPTION(load_split(dir.path(), "train"), IdxError,
                          says_exactly(dir.path(),
                                       "no train images: neither train-images-idx3-ubyte.gz nor "
                                       "train-images-idx3-ubyte is there"));
    dir.write("train-images-idx3-ubyte.gz",
              gzip(image_file(small_count, small_rows, small_cols, small_pixels)));
    BOOST_CHECK_EXCEPTION(load_split(dir.path(), "train"), IdxError,
                          says_exactly(dir.path(),
                                       "no train labels: neither train-labels-idx1-ubyte.gz nor "
                                       "train-labels-idx1-ubyte is there"));
    const fs::path nowhere = dir.path() / "nowhere";
    BOOST_CHECK_EXCEPTION(load_split(nowhere, "t10k"), IdxError,
                          says(nowhere, {"t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte ",
                                         "(the directory does not exist)"}));
}

BOOST_AUTO_TEST_CASE(load_split_counts_disagree) {
    TempDir dir;
    const fs::path images = dir.write(
        "train-images-idx3-ubyte", image_file(small_count, small_rows, small_cols, small_pixels));
    const fs::path labels = dir.write("train-labels-idx1-ubyte", label_file({3, 0, 9, 1}));
    const std::string expected = images.string() + " holds 5 images but " + labels.string() +
                                 " holds 4 labels; the two files must hold the same number of "
                                 "samples";
    BOOST_CHECK_EXCEPTION(load_split(dir.path(), "train"), IdxError, (Says{"", {}, expected}));
}

// The counts come from the headers: 128 MiB of images are not read (they would not fit in the
// 32 MiB this test allows) before the 5 labels are found to disagree.
BOOST_AUTO_TEST_CASE(counts_are_compared_before_the_data_is_read, *when_memory_can_be_limited) {
    TempDir dir;
    const fs::path images = dir.write("train-images-idx3-ubyte.gz", big_images_gz());
    const fs::path labels = dir.write("train-labels-idx1-ubyte", label_file(small_labels));
    check_refused(in_child(
                      [&] {
                          load_split(dir.path(), "train");
                          return std::string();
                      },
                      32, 60),
                  images.string() + " holds 32768 images but " + labels.string() +
                      " holds 5 labels; the two files must hold the same number of samples",
                  1.0);
}

BOOST_AUTO_TEST_CASE(load_train_test_reads_both_splits) {
    TempDir dir;
    const Bytes other_pixels = pattern(small_pixels.size(), 42);
    dir.write("train-images-idx3-ubyte.gz",
              gzip(image_file(small_count, small_rows, small_cols, small_pixels)));
    const Bytes train_labels{4, 0, 3, 1, 2};
    dir.write("train-labels-idx1-ubyte", label_file(train_labels));
    dir.write("t10k-images-idx3-ubyte",
              image_file(small_count, small_rows, small_cols, other_pixels));
    dir.write("t10k-labels-idx1-ubyte.gz", gzip(label_file({1, 2, 3, 4, 5})));
    const TrainTest data = load_train_test(dir.path());
    BOOST_TEST(data.train.images.pixels == small_pixels, boost::test_tools::per_element());
    BOOST_TEST(data.train.labels == train_labels, boost::test_tools::per_element());
    BOOST_TEST(data.test.images.pixels == other_pixels, boost::test_tools::per_element());
    BOOST_TEST(data.test.labels == Bytes({1, 2, 3, 4, 5}), boost::test_tools::per_element());
    BOOST_TEST(data.train.features() == data.test.features());
    BOOST_TEST(data.test.classes == 10u);
    // The class count reaches the test split's label check too.
    BOOST_CHECK_EXCEPTION(load_train_test(dir.path(), 5), IdxError,
                          says(dir.path() / "t10k-labels-idx1-ubyte.gz",
                               {"label 5 at index 4 is out of range (5 classes: 0 to 4)"}));
    // A split that disagrees with itself is named, the test split as well as the training one.
    const fs::path test_labels = dir.write("t10k-labels-idx1-ubyte.gz", gzip(label_file({1, 2})));
    BOOST_CHECK_EXCEPTION(load_train_test(dir.path()), IdxError,
                          (Says{"",
                                {},
                                (dir.path() / "t10k-images-idx3-ubyte").string() +
                                    " holds 5 images but " + test_labels.string() +
                                    " holds 2 labels; the two files must hold the same number "
                                    "of samples"}));
    // A missing file is named before anything is read.
    fs::remove(test_labels);
    BOOST_CHECK_EXCEPTION(load_train_test(dir.path()), IdxError,
                          says(dir.path(), {"no t10k labels"}));
}

// 28x28 training images and 29x29 test images would fail only after a whole training run, in
// a matrix product that names neither file: they are refused when the data is loaded.
BOOST_AUTO_TEST_CASE(training_and_test_images_must_have_the_same_size) {
    TempDir dir;
    const fs::path train = dir.write("train-images-idx3-ubyte",
                                     image_file(2, 28, 28, pattern(std::size_t{2} * 28 * 28)));
    dir.write("train-labels-idx1-ubyte", label_file({1, 2}));
    const fs::path test = dir.write("t10k-images-idx3-ubyte.gz",
                                    gzip(image_file(3, 29, 29, pattern(std::size_t{3} * 29 * 29))));
    dir.write("t10k-labels-idx1-ubyte", label_file({3, 4, 5}));
    BOOST_CHECK_EXCEPTION(load_train_test(dir.path()), IdxError,
                          (Says{"",
                                {},
                                train.string() + " holds images of 28x28 but " + test.string() +
                                    " holds images of 29x29; the training and test images must "
                                    "have the same size"}));
    // Rows and columns are told apart: 28x29 against 29x28.
    dir.write("train-images-idx3-ubyte", image_file(2, 28, 29, pattern(std::size_t{2} * 28 * 29)));
    dir.write("t10k-images-idx3-ubyte.gz",
              gzip(image_file(3, 29, 28, pattern(std::size_t{3} * 29 * 28))));
    BOOST_CHECK_EXCEPTION(load_train_test(dir.path()), IdxError,
                          (Says{"", {"images of 28x29 but", "images of 29x28;"}, ""}));
}

// The sizes come from the headers too: the 128 MiB of training images are not read (they would
// not fit in the 32 MiB this test allows) before the test images are found to differ.
BOOST_AUTO_TEST_CASE(image_sizes_are_compared_before_the_data_is_read,
                     *when_memory_can_be_limited) {
    TempDir dir;
    const fs::path train = dir.write("train-images-idx3-ubyte.gz", big_images_gz());
    dir.write("train-labels-idx1-ubyte.gz", gzip(label_file(cycling_labels(big_count))));
    const fs::path test =
        dir.write("t10k-images-idx3-ubyte",
                  image_file(small_count, 28, 28, pattern(std::size_t{small_count} * 784)));
    dir.write("t10k-labels-idx1-ubyte", label_file(small_labels));
    check_refused(in_child(
                      [&] {
                          load_train_test(dir.path());
                          return std::string();
                      },
                      32, 60),
                  train.string() + " holds images of 64x64 but " + test.string() +
                      " holds images of 28x28; the training and test images must have the same "
                      "size",
                  1.0);
}

BOOST_AUTO_TEST_CASE(fill_batch_scales_and_one_hots) {
    Dataset data;
    data.images.count = 3;
    data.images.rows = 1;
    data.images.cols = 4;
    data.images.pixels = {0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0};
    data.labels = {2, 0, 9};
    data.classes = 10;

    Matrix X;
    Matrix T;
    const std::vector<std::size_t> indices{2, 0, 0, 1};
    fill_batch(data, indices, X, T);
    BOOST_TEST(X.size1() == 4u);
    BOOST_TEST(X.size2() == 4u);
    BOOST_TEST(T.size1() == 4u);
    BOOST_TEST(T.size2() == 10u);
    const std::vector<std::vector<double>> expected_x{{1.0, 1.0, 0.0, 0.0},
                                                      {0.0, 1.0, 0.2, 0.4},
                                                      {0.0, 1.0, 0.2, 0.4},
                                                      {1 / 255.0, 2 / 255.0, 3 / 255.0, 4 / 255.0}};
    for (std::size_t s = 0; s < 4; ++s) {
        for (std::size_t j = 0; j < 4; ++j)
            BOOST_TEST(X(s, j) == expected_x[s][j], "X(" << s << ", " << j << ")");
        for (std::size_t c = 0; c < 10; ++c)
            BOOST_TEST(T(s, c) == (c == data.labels[indices[s]] ? 1.0 : 0.0),
                       "T(" << s << ", " << c << ")");
    }

    // The same shape again: the storage is reused, and every old entry overwritten.
    X = Matrix(4, 4, 7.0);
    T = Matrix(4, 10, 7.0);
    const double* x_storage = X.data().data();
    const double* t_storage = T.data().data();
    const std::vector<std::size_t> others{1, 1, 2, 2};
    fill_batch(data, others, X, T);
    BOOST_TEST(X.data().data() == x_storage);
    BOOST_TEST(T.data().data() == t_storage);
    for (std::size_t s = 0; s < 4; ++s) {
        double row_sum = 0;
        for (std::size_t c = 0; c < 10; ++c)
            row_sum += T(s, c);
        BOOST_TEST(row_sum == 1.0);
        BOOST_TEST(T(s, data.labels[others[s]]) == 1.0);
        BOOST_TEST(X(s, 0) == data.images.pixels[others[s] * 4] / 255.0);
    }

    // Another batch size: resized.
    const std::vector<std::size_t> one{1};
    fill_batch(data, one, X, T);
    BOOST_TEST(X.size1() == 1u);
    BOOST_TEST(X.size2() == 4u);
    BOOST_TEST(T.size1() == 1u);
    BOOST_TEST(T.size2() == 10u);
    BOOST_TEST(T(0, 0) == 1.0);
    fill_batch(data, std::span<const std::size_t>(), X, T);
    BOOST_TEST(X.size1() == 0u);
    BOOST_TEST(T.size1() == 0u);
}

// keep_first trims labels, count and pixels together, so fill_batch still accepts the data.
BOOST_AUTO_TEST_CASE(keep_first_trims_everything_together) {
    Dataset data;
    data.images.count = 3;
    data.images.rows = 1;
    data.images.cols = 2;
    data.images.pixels = {10, 11, 20, 21, 30, 31};
    data.labels = {1, 2, 3};
    data.keep_first(5);  // more than there are: nothing changes
    BOOST_TEST(data.size() == 3u);
    data.keep_first(2);
    BOOST_TEST(data.size() == 2u);
    BOOST_TEST(data.images.count == 2u);
    BOOST_TEST(data.images.pixels == (std::vector<std::uint8_t>{10, 11, 20, 21}),
               boost::test_tools::per_element());
    BOOST_TEST(data.labels == (std::vector<std::uint8_t>{1, 2}), boost::test_tools::per_element());
    Matrix X, T;
    const std::vector<std::size_t> both{1, 0};
    BOOST_CHECK_NO_THROW(fill_batch(data, both, X, T));
    BOOST_TEST(X(0, 0) == 20 / 255.0);
}

BOOST_AUTO_TEST_CASE(fill_batch_rejects_indices_out_of_range) {
    Dataset data;
    data.images.count = 2;
    data.images.rows = 2;
    data.images.cols = 2;
    data.images.pixels = {1, 2, 3, 4, 5, 6, 7, 8};
    data.labels = {0, 1};
    Matrix X(3, 4, 7.0);
    Matrix T(3, 10, 7.0);
    const std::vector<std::size_t> indices{0, 1, 2};
    BOOST_CHECK_EXCEPTION(
        fill_batch(data, indices, X, T), std::out_of_range,
        (Says{"fill_batch",
              {"index 2", "row 2 of the batch", "out of range for a dataset of 2 samples"},
              ""}));
    // Nothing was written.
    BOOST_TEST(X(0, 0) == 7.0);
    BOOST_TEST(T(0, 0) == 7.0);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_class_names) {
    const std::vector<std::string> expected{"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                            "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                            "Bag",         "Ankle boot"};
    BOOST_TEST(fashion_mnist_classes() == expected, boost::test_tools::per_element());
}

// The real data is tested by test_fashion_real, which reports itself skipped where it is
// not installed.

BOOST_AUTO_TEST_SUITE_END()
