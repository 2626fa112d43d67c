// Saving and loading trained models (model_file.hpp). A saved model loads back bit for bit
// and predicts exactly what the original does; the bytes on the disk are the documented
// layout, checked against an independent CRC-32; every kind of bad file is refused with its
// own message naming the file; a bad model is never written; and a save that dies half way
// (killed by the kernel for exceeding a file-size limit) leaves the old file intact.
#define BOOST_TEST_MODULE model_file
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <signal.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "backprop/core/activation.hpp"
#include "backprop/data/model_file.hpp"
#include "backprop/nn/mlp.hpp"

using namespace backprop;
namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

namespace {

// ---------------------------------------------------------------------------------------
// An independent CRC-32 (the IEEE polynomial, reflected, as zlib and PNG compute it),
// table-driven, so that the layout test does not check zlib against itself.

std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}

std::uint32_t crc32_independent(const unsigned char* data, std::size_t n) {
    static const std::array<std::uint32_t, 256> table = make_crc_table();
    std::uint32_t c = 0xffffffffu;
    for (std::size_t i = 0; i < n; ++i)
        c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

// ---------------------------------------------------------------------------------------
// Bytes, little-endian, written out by hand.

std::uint32_t u32_at(const Bytes& b, std::size_t at) {
    return std::uint32_t{b.at(at)} | std::uint32_t{b.at(at + 1)} << 8 |
           std::uint32_t{b.at(at + 2)} << 16 | std::uint32_t{b.at(at + 3)} << 24;
}
std::uint64_t u64_at(const Bytes& b, std::size_t at) {
    return std::uint64_t{u32_at(b, at)} | std::uint64_t{u32_at(b, at + 4)} << 32;
}
void set_u32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b.at(at + i) = static_cast<unsigned char>(v >> (8 * i));
}
void set_u64(Bytes& b, std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        b.at(at + i) = static_cast<unsigned char>(v >> (8 * i));
}
/// Rewrites the trailing checksum so that it matches the bytes before it.
void fix_crc(Bytes& b) {
    set_u32(b, b.size() - 4, crc32_independent(b.data(), b.size() - 4));
}

Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(static_cast<bool>(in), "cannot open " << path);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
void write_bytes(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    BOOST_TEST_REQUIRE(static_cast<bool>(out), "cannot write " << path);
}

/// The names in \p dir, sorted.
std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// A fresh, empty directory for one test, removed with everything in it afterwards.
struct TempDir {
    fs::path dir;
    TempDir() {
        static int counter = 0;
        std::random_device random;
        dir = fs::temp_directory_path() /
              ("test_model_file-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
               "-" + std::to_string(random()));
        fs::create_directories(dir);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

// ---------------------------------------------------------------------------------------
// Models.

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Every W, b and the activation equal, bit for bit.
void check_identical(const MlpParameters& loaded, const MlpParameters& saved) {
    BOOST_TEST(loaded.hidden.name == saved.hidden.name);
    BOOST_TEST((loaded.hidden.f == saved.hidden.f));
    BOOST_TEST(loaded.sizes() == saved.sizes(), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(loaded.W.size() == saved.W.size());
    BOOST_TEST_REQUIRE(loaded.b.size() == saved.b.size());
    for (std::size_t l = 0; l < saved.W.size(); ++l) {
        BOOST_TEST_REQUIRE(loaded.W[l].size1() == saved.W[l].size1());
        BOOST_TEST_REQUIRE(loaded.W[l].size2() == saved.W[l].size2());
        BOOST_TEST_REQUIRE(loaded.b[l].size() == saved.b[l].size());
        std::size_t differ = 0;
        for (std::size_t i = 0; i < saved.W[l].size1(); ++i)
            for (std::size_t j = 0; j < saved.W[l].size2(); ++j)
                differ += !same_bits(loaded.W[l](i, j), saved.W[l](i, j));
        for (std::size_t j = 0; j < saved.b[l].size(); ++j)
            differ += !same_bits(loaded.b[l](j), saved.b[l](j));
        BOOST_TEST(differ == 0u, "layer " << l + 1 << ": " << differ << " numbers differ");
    }
}

/// Random weights (Glorot) and random, nonzero biases.
MlpParameters random_model(const std::vector<std::size_t>& sizes, Activation hidden,
                           std::uint64_t seed) {
    MlpParameters p = MlpParameters::random(sizes, hidden, seed);
    std::mt19937_64 generator(seed + 1);
    std::uniform_real_distribution<double> uniform(-0.5, 0.5);
    for (Vector& b : p.b)
        for (double& x : b.data())
            x = uniform(generator);
    return p;
}

Matrix random_batch(std::size_t rows, std::size_t cols, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::uniform_real_distribution<double> uniform(-2.0, 2.0);
    Matrix X(rows, cols);
    for (double& x : X.data())
        x = uniform(generator);
    return X;
}

std::vector<std::size_t> argmax_rows(const Matrix& m) {
    std::vector<std::size_t> labels;
    for (std::size_t i = 0; i < m.size1(); ++i) {
        std::size_t best = 0;
        for (std::size_t j = 1; j < m.size2(); ++j)
            if (m(i, j) > m(i, best)) best = j;
        labels.push_back(best);
    }
    return labels;
}

/// The 2-3-1 sigmoid model of the layout and error tests, and its file's offsets:
/// magic 0, version 8, name length 12, name 16 ("sigmoid", 7 bytes), size count 23,
/// sizes 27 (3 x 8), numbers 51 (W1 6, b1 3, W2 3, b2 1: 13 x 8), CRC 155, end 159.
MlpParameters small_model() {
    return random_model({2, 3, 1}, activations::sigmoid, 7);
}
constexpr std::size_t at_version = 8, at_name_length = 12, at_name = 16, at_count = 23,
                      at_sizes = 27, at_numbers = 51, at_crc = 155, small_length = 159;

// ---------------------------------------------------------------------------------------
// Errors.

/// A predicate for BOOST_CHECK_EXCEPTION: the message starts with the path and says
/// \p phrase. It logs the message, so that --log_level=message shows every one.
std::function<bool(const ModelFileError&)> says(const fs::path& path, std::string phrase) {
    return [path, phrase](const ModelFileError& e) {
        const std::string what = e.what();
        BOOST_TEST_MESSAGE(what);
        const bool names_path = what.starts_with(path.string() + ": ");
        const bool has_phrase = what.find(phrase) != std::string::npos;
        if (!names_path) BOOST_TEST_MESSAGE("  ^ does not start with the path " << path);
        if (!has_phrase) BOOST_TEST_MESSAGE("  ^ does not say: " << phrase);
        return names_path && has_phrase;
    };
}

/// Writes \p bytes to \p path and checks that loading it is refused, saying \p phrase.
void check_refused(const fs::path& path, const Bytes& bytes, const std::string& phrase) {
    write_bytes(path, bytes);
    BOOST_CHECK_EXCEPTION(load_model(path), ModelFileError, says(path, phrase));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(round_trip)

BOOST_AUTO_TEST_CASE(crc_of_the_test_itself) {
    // The standard check value of CRC-32: the test's own CRC is right.
    const std::string nine = "123456789";
    BOOST_TEST(crc32_independent(reinterpret_cast<const unsigned char*>(nine.data()),
                                 nine.size()) == 0xcbf43926u);
}

BOOST_AUTO_TEST_CASE(every_shape_and_activation) {
    TempDir temp;
    const std::vector<std::vector<std::size_t>> shapes{
        {1, 1}, {3, 2}, {2, 3, 1}, {5, 7, 4}, {6, 9, 8, 3}, {11, 13, 5, 7, 2}, {784, 32, 10}};
    std::uint64_t seed = 100;
    for (const std::vector<std::size_t>& sizes : shapes) {
        for (const Activation& activation : activations::all) {
            BOOST_TEST_CONTEXT("sizes " << sizes.size() << " layers from " << sizes.front()
                                        << " to " << sizes.back() << ", " << activation.name) {
                const MlpParameters saved = random_model(sizes, activation, ++seed);
                const fs::path path = temp.dir / "model.bpmlp";
                save_model(path, saved);
                const MlpParameters loaded = load_model(path);
                check_identical(loaded, saved);

                const Matrix X = random_batch(17, sizes.front(), ++seed);
                const Matrix expected = make_step("naive")->forward(saved, X);
                const Matrix got = make_step("naive")->forward(loaded, X);
                std::size_t differ = 0;
                for (std::size_t i = 0; i < expected.data().size(); ++i)
                    differ += !same_bits(got.data()[i], expected.data()[i]);
                BOOST_TEST(differ == 0u, differ << " logits differ");
                BOOST_TEST(argmax_rows(got) == argmax_rows(expected),
                           boost::test_tools::per_element());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(special_numbers_keep_their_bits) {
    // -0, subnormals, the extremes and a number with all mantissa bits set: the encoding is
    // of the bits, not of a decimal rendering.
    TempDir temp;
    MlpParameters saved = random_model({3, 4}, activations::relu, 3);
    const double specials[] = {-0.0,
                               std::numeric_limits<double>::denorm_min(),
                               -std::numeric_limits<double>::denorm_min(),
                               std::numeric_limits<double>::min(),
                               std::numeric_limits<double>::max(),
                               -std::numeric_limits<double>::max(),
                               std::numeric_limits<double>::epsilon(),
                               std::nextafter(1.0, 2.0),
                               0.1,
                               -1.0 / 3.0};
    std::size_t k = 0;
    for (double& w : saved.W[0].data())
        w = specials[k++ % std::size(specials)];
    saved.b[0](0) = -0.0;
    const fs::path path = temp.dir / "special.bpmlp";
    save_model(path, saved);
    check_identical(load_model(path), saved);
}

BOOST_AUTO_TEST_CASE(the_deepest_model_a_file_holds) {
    // 64 sizes (63 layers) is the documented maximum.
    TempDir temp;
    const std::vector<std::size_t> sizes(64, 2);
    const MlpParameters saved = random_model(sizes, activations::tanh, 9);
    const fs::path path = temp.dir / "deep.bpmlp";
    save_model(path, saved);
    check_identical(load_model(path), saved);
}

BOOST_AUTO_TEST_CASE(overwriting_replaces_the_file) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const MlpParameters first = random_model({4, 6, 3}, activations::sigmoid, 1);
    const MlpParameters second = random_model({5, 2}, activations::identity, 2);
    save_model(path, first);
    check_identical(load_model(path), first);
    save_model(path, second);
    check_identical(load_model(path), second);
    // Nothing is left beside it: the temporary file became the destination.
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"model.bpmlp"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_bare_file_name_saves_in_the_current_directory) {
    TempDir temp;
    const fs::path before = fs::current_path();
    fs::current_path(temp.dir);
    const MlpParameters saved = small_model();
    try {
        save_model("bare.bpmlp", saved);
        check_identical(load_model("bare.bpmlp"), saved);
    } catch (...) {
        fs::current_path(before);
        throw;
    }
    fs::current_path(before);
    BOOST_TEST(fs::exists(temp.dir / "bare.bpmlp"));
}

BOOST_AUTO_TEST_CASE(a_saved_file_has_ordinary_permissions) {
    // 0666 less the umask, as for any new file; not mkstemp's 0600.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const mode_t mask = ::umask(0);
    ::umask(mask);
    struct stat status {};
    BOOST_TEST_REQUIRE(::stat(path.c_str(), &status) == 0);
    BOOST_TEST((status.st_mode & 0777) == (0666 & ~mask));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_documented_layout) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const MlpParameters p = small_model();
    save_model(path, p);
    const Bytes b = read_bytes(path);
    BOOST_TEST_REQUIRE(b.size() == small_length);

    const Bytes magic{'B', 'P', 'M', 'L', 'P', '\0', '\r', '\n'};
    BOOST_TEST(Bytes(b.begin(), b.begin() + 8) == magic, boost::test_tools::per_element());
    // Version 1, little-endian: the byte 1 first.
    BOOST_TEST(b[at_version] == 1);
    BOOST_TEST(b[at_version + 1] == 0);
    BOOST_TEST(u32_at(b, at_version) == 1u);
    BOOST_TEST(u32_at(b, at_name_length) == 7u);
    BOOST_TEST(std::string(b.begin() + at_name, b.begin() + at_name + 7) == "sigmoid");
    BOOST_TEST(u32_at(b, at_count) == 3u);
    BOOST_TEST(u64_at(b, at_sizes) == 2u);
    BOOST_TEST(u64_at(b, at_sizes + 8) == 3u);
    BOOST_TEST(u64_at(b, at_sizes + 16) == 1u);

    // The first weight's 8 bytes, least significant first.
    const std::uint64_t w00 = std::bit_cast<std::uint64_t>(p.W[0](0, 0));
    for (int i = 0; i < 8; ++i)
        BOOST_TEST(b[at_numbers + i] == static_cast<unsigned char>(w00 >> (8 * i)),
                   "byte " << i << " of W1(0, 0)");

    // Every number in the documented order: W1 row-major, b1, W2, b2.
    std::vector<double> expected;
    for (std::size_t l = 0; l < p.W.size(); ++l) {
        for (std::size_t i = 0; i < p.W[l].size1(); ++i)
            for (std::size_t j = 0; j < p.W[l].size2(); ++j)
                expected.push_back(p.W[l](i, j));
        for (std::size_t j = 0; j < p.b[l].size(); ++j)
            expected.push_back(p.b[l](j));
    }
    BOOST_TEST_REQUIRE(at_numbers + 8 * expected.size() == at_crc);
    for (std::size_t k = 0; k < expected.size(); ++k)
        BOOST_TEST(u64_at(b, at_numbers + 8 * k) == std::bit_cast<std::uint64_t>(expected[k]),
                   "number " << k);

    // The CRC-32 of everything before it, little-endian.
    BOOST_TEST(u32_at(b, at_crc) == crc32_independent(b.data(), at_crc));
}

BOOST_AUTO_TEST_SUITE(bad_files)

BOOST_AUTO_TEST_CASE(missing_file) {
    TempDir temp;
    const fs::path path = temp.dir / "nothing-here.bpmlp";
    BOOST_CHECK_EXCEPTION(load_model(path), ModelFileError,
                          says(path, "cannot open: No such file or directory"));
}

BOOST_AUTO_TEST_CASE(a_directory) {
    TempDir temp;
    BOOST_CHECK_EXCEPTION(load_model(temp.dir), ModelFileError,
                          says(temp.dir, "is a directory, not a model file"));
}

BOOST_AUTO_TEST_CASE(empty_file) {
    TempDir temp;
    check_refused(temp.dir / "empty.bpmlp", {}, "truncated: 0 bytes, too short for a model file");
}

BOOST_AUTO_TEST_CASE(truncated) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes whole = read_bytes(path);
    const auto cut = [&](std::size_t n) { return Bytes(whole.begin(), whole.begin() + n); };
    // Inside the magic, the version, the name, the size count and the sizes: too short to
    // know the sizes.
    for (std::size_t n : {5, 10, 14, 20, 25, 30, 50})
        BOOST_TEST_CONTEXT("cut to " << n << " bytes") {
            check_refused(path, cut(n),
                          "truncated: " + std::to_string(n) + " bytes, too short for a model file");
        }
    // Inside the numbers, and just the checksum missing (or part of it): the sizes say how
    // long the file must be.
    for (std::size_t n : {51, 71, 154, 155, 157, 158})
        BOOST_TEST_CONTEXT("cut to " << n << " bytes") {
            check_refused(path, cut(n),
                          "truncated: " + std::to_string(n) + " bytes, the sizes 2-3-1 need 159");
        }
    // Every length short of the whole is refused, one way or the other.
    for (std::size_t n = 0; n < whole.size(); ++n) {
        write_bytes(path, cut(n));
        BOOST_CHECK_THROW(load_model(path), ModelFileError);
    }
}

BOOST_AUTO_TEST_CASE(trailing_bytes) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    Bytes b = read_bytes(path);
    b.insert(b.end(), 8, 0);
    fix_crc(b);  // even with a checksum that matches, the length does not
    check_refused(path, b, "167 bytes, 8 bytes more than the sizes 2-3-1 need (159)");
}

BOOST_AUTO_TEST_CASE(flipped_bit_in_the_weights) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes whole = read_bytes(path);
    const std::uint32_t stored = u32_at(whole, at_crc);
    Bytes b = whole;
    b[at_numbers + 8 * 2 + 3] ^= 0x10;  // W1(0, 2), a low mantissa bit
    const std::uint32_t computed = crc32_independent(b.data(), at_crc);
    char expected[96];
    std::snprintf(expected, sizeof expected,
                  "checksum mismatch (stored 0x%08x, computed 0x%08x): the file is damaged", stored,
                  computed);
    check_refused(path, b, expected);

    // A flipped bit in the checksum itself.
    b = whole;
    b[at_crc + 1] ^= 0x01;
    check_refused(path, b, "checksum mismatch");
}

BOOST_AUTO_TEST_CASE(every_flipped_bit_is_caught) {
    // Wherever the bit is, some check refuses the file: the magic, the version, the name,
    // the sizes (by their limits or the length), the numbers and the CRC (by the CRC).
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes whole = read_bytes(path);
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < whole.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            Bytes b = whole;
            b[i] ^= static_cast<unsigned char>(1u << bit);
            write_bytes(path, b);
            try {
                load_model(path);
                ++accepted;
                BOOST_TEST_MESSAGE("accepted with bit " << bit << " of byte " << i << " flipped");
            } catch (const ModelFileError&) {
            }
        }
    BOOST_TEST(accepted == 0u);
}

BOOST_AUTO_TEST_CASE(not_a_model_file) {
    TempDir temp;
    const std::string phrase = "not a model file (it does not start with BPMLP)";
    // A PNG's signature and the start of its IHDR chunk.
    Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    png.resize(200, 0);
    check_refused(temp.dir / "image.png", png, phrase);
    // An IDX file of 60000 28x28 unsigned bytes (the MNIST images' header), shortened.
    Bytes idx{0, 0, 0x08, 0x03, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
    idx.resize(28 * 28 + 16, 0);
    check_refused(temp.dir / "train-images-idx3-ubyte", idx, phrase);
    // Text, and two bytes of it: too short to be a model file, but not the start of one.
    const std::string text = "W1 = [[0.1, 0.2], [0.3, 0.4]]\n";
    check_refused(temp.dir / "model.txt", Bytes(text.begin(), text.end()), phrase);
    check_refused(temp.dir / "two.txt", Bytes{'W', '1'}, phrase);
    // The magic's case matters.
    Bytes lower{'b', 'p', 'm', 'l', 'p', '\0', '\r', '\n'};
    lower.resize(159, 0);
    check_refused(temp.dir / "lower.bpmlp", lower, phrase);
}

BOOST_AUTO_TEST_CASE(another_version) {
    // The version is checked before the checksum, so even a version-2 file whose checksum
    // is right for its bytes is refused for its version.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    Bytes b = read_bytes(path);
    set_u32(b, at_version, 2);
    fix_crc(b);
    check_refused(path, b, "format version 2, this program reads version 1");
    set_u32(b, at_version, 0);
    fix_crc(b);
    check_refused(path, b, "format version 0, this program reads version 1");
    // A version-2 file could be laid out differently: cut after its version, it is still
    // refused for its version, not as truncated.
    b.resize(at_version + 4);
    set_u32(b, at_version, 2);
    check_refused(path, b, "format version 2, this program reads version 1");
}

BOOST_AUTO_TEST_CASE(unknown_activation) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes whole = read_bytes(path);

    Bytes b = whole;
    const std::string softmax = "softmax";  // as long as "sigmoid": the offsets stay
    std::copy(softmax.begin(), softmax.end(), b.begin() + at_name);
    fix_crc(b);
    check_refused(path, b,
                  "unknown activation 'softmax'; valid names are: sigmoid, tanh, relu, identity");

    // Bytes that are not printable are shown escaped.
    b = whole;
    b[at_name + 3] = 0x01;
    fix_crc(b);
    check_refused(path, b, "unknown activation 'sig\\x01oid'");

    // A name length outside 1 to 32.
    for (std::uint32_t n : {0u, 33u, 1000000u}) {
        b = whole;
        set_u32(b, at_name_length, n);
        fix_crc(b);
        check_refused(
            path, b,
            "the activation's name is " + std::to_string(n) + " bytes long; a name has 1 to 32");
    }
}

BOOST_AUTO_TEST_CASE(absurd_sizes) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes whole = read_bytes(path);
    const auto with = [&](std::size_t at, std::uint64_t value, bool wide) {
        Bytes b = whole;
        if (wide)
            set_u64(b, at, value);
        else
            set_u32(b, at, static_cast<std::uint32_t>(value));
        fix_crc(b);
        return b;
    };
    check_refused(path, with(at_count, 1, false), "1 layer sizes; a model has 2 to 64");
    check_refused(path, with(at_count, 65, false), "65 layer sizes; a model has 2 to 64");
    check_refused(path, with(at_count, 0xffffffffu, false),
                  "4294967295 layer sizes; a model has 2 to 64");
    check_refused(path, with(at_sizes + 8, 0, true),
                  "layer size n_1 is 0; a size is 1 to 16777216");
    check_refused(path, with(at_sizes, std::uint64_t{1} << 40, true),
                  "layer size n_0 is 1099511627776; a size is 1 to 16777216");
    check_refused(path, with(at_sizes + 16, ~std::uint64_t{0}, true),
                  "layer size n_2 is 18446744073709551615; a size is 1 to 16777216");
    // Within the limits, but not what the file holds: the length check.
    check_refused(path, with(at_sizes + 8, 1u << 24, true),
                  "truncated: 159 bytes, the sizes 2-16777216-1 need 536870975");
    check_refused(path, with(at_sizes + 8, 2, true),
                  "159 bytes, 32 bytes more than the sizes 2-2-1 need (127)");
}

BOOST_AUTO_TEST_CASE(a_number_that_is_not_finite) {
    // Only a program other than this one writes such a file (save_model refuses), and its
    // checksum can be right: the numbers are checked too.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes whole = read_bytes(path);
    Bytes b = whole;
    set_u64(b, at_numbers + 8, std::bit_cast<std::uint64_t>(std::nan("")));
    fix_crc(b);
    check_refused(path, b, "weight W1(0, 1) is nan; every number must be finite");
    b = whole;
    set_u64(b, at_crc - 8, std::bit_cast<std::uint64_t>(-HUGE_VAL));
    fix_crc(b);
    check_refused(path, b, "bias b2(0) is -inf; every number must be finite");
}

BOOST_AUTO_TEST_CASE(a_file_larger_than_any_model) {
    // Refused from its size alone, before a byte of it is read (the file is sparse: it
    // takes no space on the disk).
    TempDir temp;
    const fs::path path = temp.dir / "huge.bpmlp";
    write_bytes(path, Bytes{'B', 'P', 'M', 'L', 'P', '\0', '\r', '\n'});
    fs::resize_file(path, std::uintmax_t{2} << 30);
    BOOST_CHECK_EXCEPTION(
        load_model(path), ModelFileError,
        says(path, "2.0 GiB (2147483648 bytes), larger than any model this program writes"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(saving_refuses)

namespace {
/// Saving \p p over a valid model file is refused, saying \p phrase, and leaves the file
/// as it was and nothing beside it.
void check_save_refused(const MlpParameters& p, const std::string& phrase) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes before = read_bytes(path);
    BOOST_CHECK_EXCEPTION(save_model(path, p), ModelFileError, says(path, phrase));
    BOOST_TEST(read_bytes(path) == before);
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"model.bpmlp"},
               boost::test_tools::per_element());
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_nan_weight) {
    MlpParameters p = random_model({4, 3, 2}, activations::tanh, 5);
    p.W[1](2, 0) = std::nan("");
    check_save_refused(p, "cannot save: layer 2's weight W2(2, 0) is nan");
}

BOOST_AUTO_TEST_CASE(an_infinite_bias) {
    MlpParameters p = random_model({4, 3, 2}, activations::tanh, 5);
    p.b[0](1) = HUGE_VAL;
    check_save_refused(p, "cannot save: layer 1's bias b1(1) is inf");
}

BOOST_AUTO_TEST_CASE(mismatched_shapes) {
    MlpParameters p = random_model({4, 3, 2}, activations::relu, 5);
    p.W[1] = Matrix(5, 2, 0.0);
    check_save_refused(p, "cannot save: layer 2's weights are 5x2 but layer 1 has 3 outputs");

    p = random_model({4, 3, 2}, activations::relu, 5);
    p.b[0] = Vector(4, 0.0);
    check_save_refused(p, "cannot save: layer 1's bias has 4 entries; its weights 4x3 need 3");

    p = random_model({4, 3, 2}, activations::relu, 5);
    p.b.pop_back();
    check_save_refused(p, "cannot save: 2 weight matrices but 1 bias vectors");

    check_save_refused(MlpParameters{{}, {}, activations::relu},
                       "cannot save: the model has no layers");
}

BOOST_AUTO_TEST_CASE(sizes_outside_the_limits) {
    MlpParameters p{{Matrix(0, 3)}, {Vector(3, 0.0)}, activations::sigmoid};
    check_save_refused(p, "cannot save: layer size n_0 = 0 is outside 1 to 16777216");

    const MlpParameters deep = random_model(std::vector<std::size_t>(65, 1), activations::tanh, 1);
    check_save_refused(deep, "cannot save: 64 layers; a model file holds at most 63");
}

BOOST_AUTO_TEST_CASE(an_activation_a_file_cannot_name) {
    Activation renamed = activations::tanh;
    renamed.name = "sigmoid";
    check_save_refused(random_model({2, 2, 2}, renamed, 1),
                       "cannot save: the activation is called 'sigmoid' but is not the "
                       "library's sigmoid");

    Activation unknown = activations::tanh;
    unknown.name = "softsign";
    check_save_refused(random_model({2, 2, 2}, unknown, 1),
                       "unknown activation 'softsign'; valid names are: sigmoid, tanh");
}

BOOST_AUTO_TEST_CASE(a_directory_that_does_not_exist) {
    TempDir temp;
    const fs::path path = temp.dir / "no-such-dir" / "model.bpmlp";
    BOOST_CHECK_EXCEPTION(
        save_model(path, small_model()), ModelFileError,
        says(path, "cannot create a temporary file in " + (temp.dir / "no-such-dir").string() +
                       ": No such file or directory"));
    BOOST_TEST(listing(temp.dir).empty());
}

BOOST_AUTO_TEST_CASE(a_failed_rename_removes_the_temporary_file) {
    // The destination is a directory: the temporary file is written and flushed, then the
    // rename fails, and the temporary file must go.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    fs::create_directory(path);
    write_bytes(path / "keep", Bytes{1, 2, 3});
    BOOST_CHECK_EXCEPTION(save_model(path, small_model()), ModelFileError,
                          says(path, "cannot rename " + path.string() + ".tmp-"));
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"model.bpmlp"},
               boost::test_tools::per_element());
    BOOST_TEST(listing(path) == std::vector<std::string>{"keep"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(atomicity)

namespace {

/// Runs save_model(\p path, \p p) in a child process whose files may not grow past
/// \p limit bytes, with SIGXFSZ at its default (the kernel kills the child mid-write) or
/// ignored (the write fails with EFBIG and save_model throws). Returns waitpid's status.
/// With \p ignore, the child exits 0 only if save_model threw the expected error.
int save_in_limited_child(const fs::path& path, const MlpParameters& p, rlim_t limit, bool ignore) {
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0, "fork failed");
    if (pid == 0) {
        // The child: nothing here may return into Boost.Test; every way out is _exit.
        ::signal(SIGXFSZ, ignore ? SIG_IGN : SIG_DFL);
        rlimit fsize{};
        ::getrlimit(RLIMIT_FSIZE, &fsize);
        fsize.rlim_cur = limit;
        if (::setrlimit(RLIMIT_FSIZE, &fsize) != 0) ::_exit(10);
        try {
            save_model(path, p);
        } catch (const ModelFileError& e) {
            const std::string what = e.what();
            const bool expected = what.starts_with(path.string() + ": cannot write ") &&
                                  what.find("File too large") != std::string::npos;
            ::_exit(ignore && expected ? 0 : 11);
        } catch (...) {
            ::_exit(12);
        }
        ::_exit(ignore ? 13 : 0);  // a save that succeeded past the limit: wrong either way
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        BOOST_TEST_REQUIRE(errno == EINTR, "waitpid failed");
    return status;
}

std::uint64_t file_length_of(const MlpParameters& p) {
    std::uint64_t numbers = 0;
    for (std::size_t l = 0; l < p.W.size(); ++l)
        numbers += p.W[l].size1() * p.W[l].size2() + p.b[l].size();
    return 8 + 4 + 4 + p.hidden.name.size() + 4 + 8 * (p.W.size() + 1) + 8 * numbers + 4;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_save_killed_mid_write_leaves_the_old_file) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const MlpParameters old_model = random_model({20, 30, 10}, activations::sigmoid, 1);
    const MlpParameters new_model = random_model({50, 60, 10}, activations::tanh, 2);
    save_model(path, old_model);
    const Bytes old_bytes = read_bytes(path);

    const std::uint64_t new_length = file_length_of(new_model);
    const int status = save_in_limited_child(path, new_model, new_length / 2, false);
    if (WIFSIGNALED(status))
        BOOST_TEST_MESSAGE("the saving child was killed by signal "
                           << WTERMSIG(status) << " (SIGXFSZ is " << SIGXFSZ << ")");
    else
        BOOST_TEST_MESSAGE("the saving child exited with status " << WEXITSTATUS(status));
    BOOST_TEST(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
               "the save succeeded past the file-size limit");
    // The child resets SIGXFSZ to its default, so the kernel kills it; were the signal
    // somehow ignored, write() fails with EFBIG and save_model throws (exit 11). Either way
    // the save did not complete.
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ;
    const bool threw = WIFEXITED(status) && WEXITSTATUS(status) == 11;
    BOOST_TEST((killed || threw));

    // The destination is still the old model, every byte of it.
    BOOST_TEST(read_bytes(path) == old_bytes);
    check_identical(load_model(path), old_model);

    // The killed child had no chance to clean up: its half-written temporary file may
    // remain. That is harmless (the destination never pointed at it) and it is named
    // `model.bpmlp.tmp-<pid>-<n>`, so it is recognisable and can be deleted.
    for (const std::string& name : listing(temp.dir)) {
        if (name == "model.bpmlp") continue;
        BOOST_TEST(name.starts_with("model.bpmlp.tmp-"), "unexpected file " << name);
        BOOST_TEST_MESSAGE("left by the killed save: " << name << ", "
                                                       << fs::file_size(temp.dir / name)
                                                       << " bytes of " << new_length);
        BOOST_TEST(fs::file_size(temp.dir / name) <= new_length / 2);
    }

    // And a save that is allowed to finish replaces the old model.
    save_model(path, new_model);
    check_identical(load_model(path), new_model);
}

BOOST_AUTO_TEST_CASE(a_save_that_fails_to_write_leaves_the_old_file_and_no_temporary) {
    // The same limit with SIGXFSZ ignored: write() fails with EFBIG, save_model throws, and
    // it removes its temporary file.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const MlpParameters old_model = random_model({20, 30, 10}, activations::relu, 3);
    const MlpParameters new_model = random_model({50, 60, 10}, activations::identity, 4);
    save_model(path, old_model);
    const Bytes old_bytes = read_bytes(path);

    const int status = save_in_limited_child(path, new_model, file_length_of(new_model) / 2, true);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0, "the child's save did not throw the expected error (exit "
                                             << WEXITSTATUS(status) << ")");
    BOOST_TEST(read_bytes(path) == old_bytes);
    check_identical(load_model(path), old_model);
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"model.bpmlp"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
