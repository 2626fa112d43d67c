// Saving and loading trained models (model_file.hpp). A saved model loads back bit for bit
// and predicts exactly what the original does; the bytes on the disk are the documented
// layout, checked against an independent CRC-32; every kind of bad file is refused with its
// own message naming the file; a bad model is never written, nor a network that is not an MLP
// (each refusal naming the layer); a save that dies half way (killed by the kernel for
// exceeding a file-size limit) leaves the old file intact, and the next save removes what it
// left. FIFOs and devices are refused at once, for reading and for writing; symbolic links are
// followed; the replaced file's permissions are kept; every file name a folder takes can be
// saved; and check_model_destination() refuses, before any training, what a save would.
#define BOOST_TEST_MODULE model_file
#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <signal.h>
#include <string>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "backprop/core/activation.hpp"
#include "backprop/core/products.hpp"
#include "backprop/data/model_file.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
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

/// The same layers in the same order: every Linear layer's W and b equal, bit for bit, and
/// every activation the same function under the same name.
void check_identical(const Sequential& loaded, const Sequential& saved) {
    BOOST_TEST(layer_sizes(loaded) == layer_sizes(saved), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(loaded.layers.size() == saved.layers.size());
    for (std::size_t i = 0; i < saved.layers.size(); ++i) {
        BOOST_TEST_CONTEXT("layer " << i + 1 << " (" << saved.layers[i]->description() << ")") {
            if (const auto* act = dynamic_cast<const ActivationLayer*>(saved.layers[i].get())) {
                const auto* got = dynamic_cast<const ActivationLayer*>(loaded.layers[i].get());
                BOOST_TEST_REQUIRE(got, "loaded as " << loaded.layers[i]->description());
                BOOST_TEST(got->f.name == act->f.name);
                BOOST_TEST((got->f.f == act->f.f));
                continue;
            }
            const auto& want = dynamic_cast<const Linear&>(*saved.layers[i]);
            const auto* got = dynamic_cast<const Linear*>(loaded.layers[i].get());
            BOOST_TEST_REQUIRE(got, "loaded as " << loaded.layers[i]->description());
            BOOST_TEST_REQUIRE(got->W.size1() == want.W.size1());
            BOOST_TEST_REQUIRE(got->W.size2() == want.W.size2());
            BOOST_TEST_REQUIRE(want.b.has_value());
            BOOST_TEST_REQUIRE(got->b.has_value());
            BOOST_TEST_REQUIRE(got->b->size() == want.b->size());
            std::size_t differ = 0;
            for (std::size_t r = 0; r < want.W.size1(); ++r)
                for (std::size_t c = 0; c < want.W.size2(); ++c)
                    differ += !same_bits(got->W(r, c), want.W(r, c));
            for (std::size_t c = 0; c < want.b->size(); ++c)
                differ += !same_bits((*got->b)(c), (*want.b)(c));
            BOOST_TEST(differ == 0u, differ << " numbers differ");
        }
    }
}

/// Linear layer \p l (0-based) of an MLP as mlp() builds it: layer 2l of the network.
Linear& linear(Sequential& net, std::size_t l) {
    return net.layer<Linear>(2 * l);
}
const Linear& linear(const Sequential& net, std::size_t l) {
    return net.layer<Linear>(2 * l);
}

/// Random weights (Glorot) and random, nonzero biases.
Sequential random_model(const std::vector<std::size_t>& sizes, Activation hidden,
                        std::uint64_t seed) {
    Sequential net = mlp(sizes, hidden, seed, Init::xavier);
    std::mt19937_64 generator(seed + 1);
    std::uniform_real_distribution<double> uniform(-0.5, 0.5);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l)
        for (double& x : linear(net, l).b->data())
            x = uniform(generator);
    return net;
}

Matrix random_batch(std::size_t rows, std::size_t cols, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    return random_uniform(rows, cols, -2.0, 2.0, generator);
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
Sequential small_model() {
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
                Sequential saved = random_model(sizes, activation, ++seed);
                const fs::path path = temp.dir / "model.bpmlp";
                save_model(path, saved);
                Sequential loaded = load_model(path);
                check_identical(loaded, saved);

                // Both through the article's loops: the same numbers in, the same bits out.
                const Matrix X = random_batch(17, sizes.front(), ++seed);
                saved.use_engine(products_named("naive"));
                loaded.use_engine(products_named("naive"));
                const Matrix expected = saved.forward(X, false);
                const Matrix got = loaded.forward(X, false);
                BOOST_TEST_REQUIRE(got.size1() == 17u);
                BOOST_TEST_REQUIRE(got.size2() == sizes.back());
                BOOST_TEST_REQUIRE(expected.size2() == sizes.back());
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
    Sequential saved = random_model({3, 4}, activations::relu, 3);
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
    for (double& w : linear(saved, 0).W.data())
        w = specials[k++ % std::size(specials)];
    (*linear(saved, 0).b)(0) = -0.0;
    const fs::path path = temp.dir / "special.bpmlp";
    save_model(path, saved);
    check_identical(load_model(path), saved);
}

BOOST_AUTO_TEST_CASE(the_deepest_model_a_file_holds) {
    // 64 sizes (63 layers) is the documented maximum.
    TempDir temp;
    const std::vector<std::size_t> sizes(64, 2);
    const Sequential saved = random_model(sizes, activations::tanh, 9);
    const fs::path path = temp.dir / "deep.bpmlp";
    save_model(path, saved);
    check_identical(load_model(path), saved);
}

BOOST_AUTO_TEST_CASE(overwriting_replaces_the_file) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const Sequential first = random_model({4, 6, 3}, activations::sigmoid, 1);
    const Sequential second = random_model({5, 2}, activations::identity, 2);
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
    const Sequential saved = small_model();
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
    const Sequential p = small_model();
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
    const std::uint64_t w00 = std::bit_cast<std::uint64_t>(linear(p, 0).W(0, 0));
    for (int i = 0; i < 8; ++i)
        BOOST_TEST(b[at_numbers + i] == static_cast<unsigned char>(w00 >> (8 * i)),
                   "byte " << i << " of W1(0, 0)");

    // Every number in the documented order: W1 row-major, b1, W2, b2.
    std::vector<double> expected;
    for (std::size_t l = 0; l < 2; ++l) {
        const Linear& layer = linear(p, l);
        for (std::size_t i = 0; i < layer.W.size1(); ++i)
            for (std::size_t j = 0; j < layer.W.size2(); ++j)
                expected.push_back(layer.W(i, j));
        for (std::size_t j = 0; j < layer.b->size(); ++j)
            expected.push_back((*layer.b)(j));
    }
    BOOST_TEST_REQUIRE(at_numbers + 8 * expected.size() == at_crc);
    for (std::size_t k = 0; k < expected.size(); ++k)
        BOOST_TEST(u64_at(b, at_numbers + 8 * k) == std::bit_cast<std::uint64_t>(expected[k]),
                   "number " << k);

    // The CRC-32 of everything before it, little-endian.
    BOOST_TEST(u32_at(b, at_crc) == crc32_independent(b.data(), at_crc));
}

BOOST_AUTO_TEST_CASE(one_linear_layer_is_stored_as_identity) {
    // A network of one Linear layer has no hidden activation; the file names `identity`.
    // Its layout: magic 0, version 8, name length 12, name 16 ("identity", 8 bytes), size
    // count 24, sizes 28 (2 x 8), numbers 44 (W1 3x2 = 6, b1 2: 8 x 8), CRC 108, end 112.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const Sequential p = random_model({3, 2}, activations::relu, 11);
    BOOST_TEST_REQUIRE(p.layers.size() == 1u);
    save_model(path, p);
    const Bytes b = read_bytes(path);
    BOOST_TEST_REQUIRE(b.size() == 112u);
    BOOST_TEST(u32_at(b, at_name_length) == 8u);
    BOOST_TEST(std::string(b.begin() + at_name, b.begin() + at_name + 8) == "identity");
    BOOST_TEST(u32_at(b, 24) == 2u);
    BOOST_TEST(u64_at(b, 28) == 3u);
    BOOST_TEST(u64_at(b, 36) == 2u);
    const Linear& layer = linear(p, 0);
    BOOST_TEST(u64_at(b, 44) == std::bit_cast<std::uint64_t>(layer.W(0, 0)));
    BOOST_TEST(u64_at(b, 44 + 8 * 5) == std::bit_cast<std::uint64_t>(layer.W(2, 1)));
    BOOST_TEST(u64_at(b, 44 + 8 * 7) == std::bit_cast<std::uint64_t>((*layer.b)(1)));
    BOOST_TEST(u32_at(b, 108) == crc32_independent(b.data(), 108));

    // A file of one layer that names another activation (an earlier version wrote the
    // hidden activation whether or not there was a hidden layer) loads as the same single
    // Linear layer, and saves again as `identity`.
    Bytes relu(b.begin(), b.begin() + at_name);
    const std::string name = "relu";
    relu.insert(relu.end(), name.begin(), name.end());
    relu.insert(relu.end(), b.begin() + at_name + 8, b.end());
    set_u32(relu, at_name_length, 4);
    fix_crc(relu);
    BOOST_TEST_REQUIRE(relu.size() == 108u);
    const fs::path old_path = temp.dir / "relu.bpmlp";
    write_bytes(old_path, relu);
    const Sequential loaded = load_model(old_path);
    check_identical(loaded, p);
    save_model(old_path, loaded);
    BOOST_TEST(read_bytes(old_path) == b);
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
                          says(temp.dir, "is a directory, not a regular file"));
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
void check_save_refused(const Sequential& p, const std::string& phrase) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    const Bytes before = read_bytes(path);
    BOOST_CHECK_EXCEPTION(save_model(path, p), ModelFileError, says(path, phrase));
    BOOST_TEST(read_bytes(path) == before);
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"model.bpmlp"},
               boost::test_tools::per_element());
}

/// What every refusal of a network that is not an MLP adds.
const std::string mlp_shape =
    "; a model file holds an MLP: Linear with bias, activation, ..., Linear with bias";
}  // namespace

BOOST_AUTO_TEST_CASE(a_nan_weight) {
    Sequential p = random_model({4, 3, 2}, activations::tanh, 5);
    linear(p, 1).W(2, 0) = std::nan("");
    check_save_refused(p, "cannot save: layer 2's weight W2(2, 0) is nan");
}

BOOST_AUTO_TEST_CASE(an_infinite_bias) {
    Sequential p = random_model({4, 3, 2}, activations::tanh, 5);
    (*linear(p, 0).b)(1) = HUGE_VAL;
    check_save_refused(p, "cannot save: layer 1's bias b1(1) is inf");
}

BOOST_AUTO_TEST_CASE(mismatched_shapes) {
    // Sequential refuses layers that do not fit when it is built; a matrix assigned to a
    // layer afterwards is caught when saving.
    Sequential p = random_model({4, 3, 2}, activations::relu, 5);
    linear(p, 1).W = Matrix(5, 2, 0.0);
    check_save_refused(
        p, "cannot save: Linear layer 2's weights are 5x2 but Linear layer 1 has 3 outputs");

    p = random_model({4, 3, 2}, activations::relu, 5);
    linear(p, 0).b = Vector(4, 0.0);
    check_save_refused(p,
                       "cannot save: Linear layer 1's bias has 4 entries; its weights 4x3 need 3");
}

BOOST_AUTO_TEST_CASE(sizes_outside_the_limits) {
    Sequential p(Linear(Matrix(0, 3), Vector(3, 0.0)));
    check_save_refused(p, "cannot save: layer size n_0 = 0 is outside 1 to 16777216");

    const Sequential deep = random_model(std::vector<std::size_t>(65, 1), activations::tanh, 1);
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

BOOST_AUTO_TEST_SUITE(not_an_mlp)

BOOST_AUTO_TEST_CASE(a_batch_norm_layer) {
    // Batch normalization between a Linear layer and its activation (chapter 10's fix).
    const Sequential p(Linear(Matrix(2, 3, 0.1), Vector(3, 0.0)), BatchNorm(3),
                       ActivationLayer(activations::relu),
                       Linear(Matrix(3, 1, 0.2), Vector(1, 0.0)));
    check_save_refused(p, "cannot save: layer 2 (BatchNorm 3) is not an activation" + mlp_shape);

    // In a Linear layer's place.
    const Sequential q(
        Linear(Matrix(2, 3, 0.1), Vector(3, 0.0)), ActivationLayer(activations::relu), BatchNorm(3),
        ActivationLayer(activations::relu), Linear(Matrix(3, 1, 0.2), Vector(1, 0.0)));
    check_save_refused(
        q, "cannot save: layer 3 (BatchNorm 3) is not a Linear layer with bias" + mlp_shape);
}

BOOST_AUTO_TEST_CASE(a_linear_layer_without_bias) {
    // The article's network has no biases; a model file stores one for every layer.
    const Sequential first(Linear(Matrix(2, 3, 0.1)), ActivationLayer(activations::sigmoid),
                           Linear(Matrix(3, 1, 0.2), Vector(1, 0.0)));
    check_save_refused(
        first, "cannot save: layer 1 (Linear 2x3 without bias) is not a Linear layer with bias" +
                   mlp_shape);

    Sequential last = random_model({4, 3, 2}, activations::tanh, 5);
    linear(last, 1).b.reset();
    check_save_refused(
        last, "cannot save: layer 3 (Linear 3x2 without bias) is not a Linear layer with bias" +
                  mlp_shape);
}

BOOST_AUTO_TEST_CASE(two_linear_layers_in_a_row) {
    const Sequential p(Linear(Matrix(2, 3, 0.1), Vector(3, 0.0)),
                       Linear(Matrix(3, 1, 0.2), Vector(1, 0.0)));
    check_save_refused(p, "cannot save: layer 2 (Linear 3x1) is not an activation" + mlp_shape);
}

BOOST_AUTO_TEST_CASE(two_different_activations) {
    // A file names one hidden activation: sigmoid after the first layer and tanh after the
    // second cannot both be stored.
    Sequential p = random_model({2, 3, 3, 1}, activations::sigmoid, 5);
    p.layer<ActivationLayer>(3).f = activations::tanh;
    check_save_refused(p,
                       "cannot save: layer 4 (tanh) differs from layer 2 (sigmoid); a model "
                       "file holds one hidden activation");

    // Any later layer is compared, not only the next.
    Sequential q = random_model({2, 3, 3, 3, 1}, activations::relu, 5);
    q.layer<ActivationLayer>(5).f = activations::identity;
    check_save_refused(q,
                       "cannot save: layer 6 (identity) differs from layer 2 (relu); a model "
                       "file holds one hidden activation");
}

BOOST_AUTO_TEST_CASE(ending_in_an_activation) {
    // The article's 2-3-1 network (with biases) applies the sigmoid to its output too; a
    // model file's last layer is linear (its logits feed softmax).
    const Sequential p(
        Linear(Matrix(2, 3, 0.1), Vector(3, 0.0)), ActivationLayer(activations::sigmoid),
        Linear(Matrix(3, 1, 0.2), Vector(1, 0.0)), ActivationLayer(activations::sigmoid));
    check_save_refused(
        p, "cannot save: layer 4 (sigmoid), the last, is not a Linear layer" + mlp_shape);

    const Sequential one(Linear(Matrix(2, 3, 0.1), Vector(3, 0.0)),
                         ActivationLayer(activations::sigmoid));
    check_save_refused(
        one, "cannot save: layer 2 (sigmoid), the last, is not a Linear layer" + mlp_shape);
}

BOOST_AUTO_TEST_CASE(no_layers_at_all) {
    // Sequential refuses to be built empty, but its layers are public and can be cleared.
    Sequential p = random_model({2, 3, 1}, activations::sigmoid, 5);
    p.layers.clear();
    check_save_refused(p, "cannot save: the network has no layers");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_directory_that_does_not_exist) {
    TempDir temp;
    const fs::path path = temp.dir / "no-such-dir" / "model.bpmlp";
    BOOST_CHECK_EXCEPTION(save_model(path, small_model()), ModelFileError,
                          says(path, "cannot save: the folder '" +
                                         (temp.dir / "no-such-dir").string() + "' does not exist"));
    BOOST_TEST(listing(temp.dir).empty());
}

BOOST_AUTO_TEST_CASE(a_directory_is_refused_before_anything_is_written) {
    // Once the rename failed only after the whole file was written; now nothing is written.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    fs::create_directory(path);
    write_bytes(path / "keep", Bytes{1, 2, 3});
    BOOST_CHECK_EXCEPTION(save_model(path, small_model()), ModelFileError,
                          says(path, "cannot save: is a directory: give a file name inside it"));
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
int save_in_limited_child(const fs::path& path, const Sequential& p, rlim_t limit, bool ignore) {
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

/// The documented length of \p p's file: header, name, sizes, every W and b, checksum.
std::uint64_t file_length_of(const Sequential& p) {
    const std::vector<std::size_t> sizes = layer_sizes(p);
    std::uint64_t numbers = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l)
        numbers += sizes[l - 1] * sizes[l] + sizes[l];
    const std::size_t name = p.layer<ActivationLayer>(1).f.name.size();
    return 8 + 4 + 4 + name + 4 + 8 * sizes.size() + 8 * numbers + 4;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_save_killed_mid_write_leaves_the_old_file) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const Sequential old_model = random_model({20, 30, 10}, activations::sigmoid, 1);
    const Sequential new_model = random_model({50, 60, 10}, activations::tanh, 2);
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
    // `.model.bpmlp.bpmlp-tmp-<pid>-<n>`, so it is recognisable and can be deleted.
    std::size_t left = 0;
    for (const std::string& name : listing(temp.dir)) {
        if (name == "model.bpmlp") continue;
        ++left;
        BOOST_TEST(name.starts_with(".model.bpmlp.bpmlp-tmp-"), "unexpected file " << name);
        BOOST_TEST_MESSAGE("left by the killed save: " << name << ", "
                                                       << fs::file_size(temp.dir / name)
                                                       << " bytes of " << new_length);
        BOOST_TEST(fs::file_size(temp.dir / name) <= new_length / 2);
    }
    // A child killed mid-write cannot have removed its temporary file.
    if (killed) BOOST_TEST(left == 1u);

    // And a save that is allowed to finish replaces the old model, and removes what the
    // killed one left (its process is gone).
    save_model(path, new_model);
    check_identical(load_model(path), new_model);
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"model.bpmlp"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_save_that_fails_to_write_leaves_the_old_file_and_no_temporary) {
    // The same limit with SIGXFSZ ignored: write() fails with EFBIG, save_model throws, and
    // it removes its temporary file.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    const Sequential old_model = random_model({20, 30, 10}, activations::relu, 3);
    const Sequential new_model = random_model({50, 60, 10}, activations::identity, 4);
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

BOOST_AUTO_TEST_CASE(a_killed_save_of_a_long_name_leaves_a_temporary_that_fits) {
    // A 255-byte name of two-byte characters (é) and an x: the temporary file's name must
    // still fit in 255 bytes, cut at a character boundary, and the next save removes it.
    TempDir temp;
    std::string name;
    for (int i = 0; i < 127; ++i)
        name += "\xc3\xa9";
    name += "x";
    BOOST_TEST_REQUIRE(name.size() == 255u);
    const fs::path path = temp.dir / name;
    const Sequential old_model = random_model({20, 30, 10}, activations::sigmoid, 5);
    const Sequential new_model = random_model({50, 60, 10}, activations::tanh, 6);
    save_model(path, old_model);

    const int status = save_in_limited_child(path, new_model, file_length_of(new_model) / 2, false);
    BOOST_TEST_REQUIRE(WIFSIGNALED(status));
    BOOST_TEST_REQUIRE(WTERMSIG(status) == SIGXFSZ);
    check_identical(load_model(path), old_model);

    std::vector<std::string> left;
    for (const std::string& entry : listing(temp.dir))
        if (entry != name) left.push_back(entry);
    BOOST_TEST_REQUIRE(left.size() == 1u);
    const std::string& temporary = left.front();
    BOOST_TEST_MESSAGE("left by the killed save: " << temporary.size() << " bytes: " << temporary);
    BOOST_TEST(temporary.size() <= 255u);
    // `.` + the name cut + `~` + 16 hexadecimal digits + `.bpmlp-tmp-` + pid-n.
    const std::size_t tilde = temporary.find('~');
    BOOST_TEST_REQUIRE(tilde != std::string::npos);
    BOOST_TEST(temporary.front() == '.');
    BOOST_TEST((tilde - 1) % 2 == 0u, "cut inside a character, after " << tilde - 1 << " bytes");
    BOOST_TEST(tilde - 1 >= 200u);
    BOOST_TEST(temporary.compare(1, tilde - 1, name, 0, tilde - 1) == 0);
    BOOST_TEST(temporary.compare(tilde + 17, 11, ".bpmlp-tmp-") == 0);

    save_model(path, new_model);
    check_identical(load_model(path), new_model);
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{name},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(stale_temporary_files_are_removed_and_only_those) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());

    // A pid that no longer runs: a child that has exited and been waited for.
    const pid_t dead = ::fork();
    BOOST_TEST_REQUIRE(dead >= 0, "fork failed");
    if (dead == 0) ::_exit(0);
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(dead, &status, 0) == dead);
    BOOST_TEST_REQUIRE(::kill(dead, 0) != 0);
    BOOST_TEST_REQUIRE(errno == ESRCH);

    const std::string prefix = ".model.bpmlp.bpmlp-tmp-";
    const std::string d = std::to_string(dead);
    const std::string stale = prefix + d + "-123";
    const std::vector<std::string> kept{
        prefix + d + "-456",                         // locked: a live save elsewhere
        prefix + "1-789",                            // pid 1 runs
        prefix + std::to_string(::getpid()) + "-7",  // this process's own
        ".other.bpmlp.bpmlp-tmp-" + d + "-1",        // another destination's
        prefix + d + "-1x",                          // not a temporary file's name
        "model.bpmlp.bpmlp-tmp-" + d + "-2",         // not hidden: not one either
        prefix + d + "-9",                           // a directory
    };
    for (const std::string& name : kept)
        if (name != kept.back()) write_bytes(temp.dir / name, Bytes{1, 2, 3});
    fs::create_directory(temp.dir / kept.back());
    write_bytes(temp.dir / stale, Bytes{4, 5, 6});
    // The lock of a save in another pid namespace, whose pid means nothing here.
    const int lock = ::open((temp.dir / kept.front()).c_str(), O_RDONLY | O_CLOEXEC);
    BOOST_TEST_REQUIRE(lock >= 0);
    BOOST_TEST_REQUIRE(::flock(lock, LOCK_EX | LOCK_NB) == 0);

    const Sequential saved = random_model({3, 4, 2}, activations::relu, 8);
    save_model(path, saved);
    ::close(lock);
    check_identical(load_model(path), saved);
    std::vector<std::string> expected = kept;
    expected.push_back("model.bpmlp");
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(listing(temp.dir) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------
// Special files, symbolic links, permissions, long names, and the check before training.

namespace {

/// What became of a child process: its wait status, and how long it ran.
struct Child {
    int status = 0;
    double seconds = 0;
};

/// Runs \p body in a child process that SIGALRM kills after \p limit seconds, so that a
/// regression that blocks fails instead of hanging the test. The child exits with what
/// \p body returns (98 if it throws).
Child run_in_child(unsigned limit, const std::function<int()>& body) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0, "fork failed");
    if (pid == 0) {
        // The child: nothing here may return into Boost.Test; every way out is _exit.
        ::signal(SIGALRM, SIG_DFL);
        ::alarm(limit);
        int code = 98;
        try {
            code = body();
        } catch (...) {
        }
        ::_exit(code);
    }
    Child child;
    while (::waitpid(pid, &child.status, 0) < 0)
        BOOST_TEST_REQUIRE(errno == EINTR, "waitpid failed");
    child.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return child;
}

/// Loading \p path is refused within a second, with a message that starts with the path and
/// says \p phrase. The load runs in a child that is killed after 5 seconds.
void check_load_refused_at_once(const fs::path& path, const std::string& phrase) {
    const Child child = run_in_child(5, [&] {
        try {
            load_model(path);
        } catch (const ModelFileError& e) {
            const std::string what = e.what();
            std::fprintf(stderr, "the child's load says: %s\n", what.c_str());
            return what.starts_with(path.string() + ": ") && what.find(phrase) != std::string::npos
                       ? 0
                       : 1;
        }
        return 2;
    });
    BOOST_TEST_REQUIRE(WIFEXITED(child.status), "the load did not return: killed by signal "
                                                    << WTERMSIG(child.status) << " after "
                                                    << child.seconds << " s");
    BOOST_TEST(WEXITSTATUS(child.status) == 0,
               "exit " << WEXITSTATUS(child.status) << " (1: another message; 2: it loaded)");
    BOOST_TEST(child.seconds < 1.0);
}

/// A Unix-domain socket bound at \p path: a socket file.
void make_socket(const fs::path& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string name = path.string();
    BOOST_TEST_REQUIRE(name.size() < sizeof address.sun_path);
    std::copy(name.begin(), name.end(), address.sun_path);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    BOOST_TEST_REQUIRE(fd >= 0);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    ::close(fd);  // the socket file stays
    BOOST_TEST_REQUIRE(bound == 0, "cannot bind a socket at " << path);
}

/// The kind and identity of what \p path itself is (not following a link).
struct stat lstat_of(const fs::path& path) {
    struct stat status {};
    BOOST_TEST_REQUIRE(::lstat(path.c_str(), &status) == 0, "cannot lstat " << path);
    return status;
}

/// Saving to \p path, which is \p kind, is refused by check_model_destination() and by
/// save_model() before anything is written: the message names the path and what it is,
/// \p path is still what it was, and nothing is left beside it.
void check_special_refused(const fs::path& path, const std::string& kind) {
    const struct stat before = lstat_of(path);
    const std::vector<std::string> names = listing(path.parent_path());
    const std::string phrase = "cannot save: is " + kind + ", not a regular file";
    BOOST_CHECK_EXCEPTION(check_model_destination(path), ModelFileError, says(path, phrase));
    BOOST_CHECK_EXCEPTION(save_model(path, small_model()), ModelFileError, says(path, phrase));
    const struct stat after = lstat_of(path);
    BOOST_TEST((after.st_mode & S_IFMT) == (before.st_mode & S_IFMT));
    BOOST_TEST(after.st_ino == before.st_ino);
    BOOST_TEST(listing(path.parent_path()) == names, boost::test_tools::per_element());
}

/// Sets the umask for as long as it lives.
struct Umask {
    mode_t old;
    explicit Umask(mode_t mask) : old(::umask(mask)) {}
    ~Umask() { ::umask(old); }
    Umask(const Umask&) = delete;
    Umask& operator=(const Umask&) = delete;
};

mode_t mode_of(const fs::path& path) {
    struct stat status {};
    BOOST_TEST_REQUIRE(::stat(path.c_str(), &status) == 0, "cannot stat " << path);
    return status.st_mode & 07777;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(special_files)

BOOST_AUTO_TEST_CASE(loading_a_fifo_is_refused_at_once) {
    // Opening a FIFO for reading waits for a writer: forever, were it not refused.
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    BOOST_TEST_REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    check_load_refused_at_once(path, "is a FIFO (named pipe), not a regular file");
}

BOOST_AUTO_TEST_CASE(loading_dev_zero_is_refused_at_once) {
    // Endless zeros: once read up to the 1 GiB limit (42 s and 3 GB) before the refusal.
    BOOST_TEST_REQUIRE(fs::is_character_file("/dev/zero"));
    check_load_refused_at_once("/dev/zero", "is a character device, not a regular file");
}

BOOST_AUTO_TEST_CASE(saving_to_a_fifo_a_socket_or_a_device_is_refused) {
    TempDir temp;
    const fs::path fifo = temp.dir / "fifo.bpmlp";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    check_special_refused(fifo, "a FIFO (named pipe)");

    const fs::path socket = temp.dir / "socket.bpmlp";
    make_socket(socket);
    check_special_refused(socket, "a socket");

    // A device node of the test's own, with /dev/null's numbers, where this process may make
    // one (root can): never the system's /dev/null, which a save that got past the check
    // would replace.
    const fs::path device = temp.dir / "null.bpmlp";
    if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0)
        check_special_refused(device, "a character device");
    else
        BOOST_TEST_MESSAGE("cannot make a device node here (" << std::strerror(errno)
                                                              << "): that case is not tested");
}

BOOST_AUTO_TEST_CASE(dev_null_is_refused_by_the_check) {
    // Only the check, which never writes; save_model() makes the same check before it
    // creates anything (the device node above).
    BOOST_TEST_REQUIRE(fs::is_character_file("/dev/null"));
    BOOST_CHECK_EXCEPTION(
        check_model_destination("/dev/null"), ModelFileError,
        says("/dev/null", "cannot save: is a character device, not a regular file"));
    BOOST_TEST(fs::is_character_file("/dev/null"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(symbolic_links)

BOOST_AUTO_TEST_CASE(a_save_follows_the_link_and_the_link_stays) {
    // The link in one folder, the file it leads to in another: the file is replaced, in its
    // own folder, and the link still leads to it.
    TempDir here, there;
    const fs::path target = there.dir / "target.bpmlp";
    const fs::path link = here.dir / "link.bpmlp";
    save_model(target, small_model());
    fs::create_symlink(target, link);
    const Sequential saved = random_model({4, 5, 3}, activations::tanh, 11);
    BOOST_CHECK_NO_THROW(check_model_destination(link));
    save_model(link, saved);
    BOOST_TEST(fs::is_symlink(link));
    BOOST_TEST(fs::read_symlink(link) == target);
    check_identical(load_model(target), saved);
    check_identical(load_model(link), saved);
    BOOST_TEST(listing(here.dir) == std::vector<std::string>{"link.bpmlp"},
               boost::test_tools::per_element());
    BOOST_TEST(listing(there.dir) == std::vector<std::string>{"target.bpmlp"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_relative_link_and_a_chain_of_links) {
    TempDir temp;
    const fs::path target = temp.dir / "target.bpmlp";
    save_model(target, small_model());
    fs::create_symlink("target.bpmlp", temp.dir / "relative.bpmlp");
    fs::create_symlink("relative.bpmlp", temp.dir / "chain.bpmlp");
    const Sequential saved = random_model({3, 3, 3}, activations::relu, 12);
    save_model(temp.dir / "chain.bpmlp", saved);
    BOOST_TEST(fs::read_symlink(temp.dir / "chain.bpmlp") == fs::path("relative.bpmlp"));
    BOOST_TEST(fs::read_symlink(temp.dir / "relative.bpmlp") == fs::path("target.bpmlp"));
    BOOST_TEST(!fs::is_symlink(target));
    check_identical(load_model(target), saved);
    BOOST_TEST(listing(temp.dir) ==
                   (std::vector<std::string>{"chain.bpmlp", "relative.bpmlp", "target.bpmlp"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_dangling_link_is_refused) {
    // A save never creates the file a link names.
    TempDir temp;
    const fs::path missing = temp.dir / "missing.bpmlp";
    const fs::path link = temp.dir / "link.bpmlp";
    fs::create_symlink(missing, link);
    const std::string phrase =
        "cannot save: is a symbolic link to '" + missing.string() + "', which does not exist";
    BOOST_CHECK_EXCEPTION(check_model_destination(link), ModelFileError, says(link, phrase));
    BOOST_CHECK_EXCEPTION(save_model(link, small_model()), ModelFileError, says(link, phrase));
    BOOST_TEST(fs::is_symlink(link));
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"link.bpmlp"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_link_in_a_loop_or_to_what_is_not_a_regular_file) {
    TempDir temp;
    const fs::path a = temp.dir / "a.bpmlp", b = temp.dir / "b.bpmlp";
    fs::create_symlink(b, a);
    fs::create_symlink(a, b);
    BOOST_CHECK_EXCEPTION(save_model(a, small_model()), ModelFileError,
                          says(a, "cannot save: is a symbolic link to '" + b.string() +
                                      "', which cannot be followed: Too many levels of "
                                      "symbolic links"));

    const fs::path fifo = temp.dir / "fifo";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const fs::path to_fifo = temp.dir / "to-fifo.bpmlp";
    fs::create_symlink(fifo, to_fifo);
    BOOST_CHECK_EXCEPTION(save_model(to_fifo, small_model()), ModelFileError,
                          says(to_fifo, "cannot save: is a symbolic link to '" + fifo.string() +
                                            "', which is a FIFO (named pipe), not a regular "
                                            "file"));
    BOOST_TEST(S_ISFIFO(lstat_of(fifo).st_mode));

    const fs::path folder = temp.dir / "folder";
    fs::create_directory(folder);
    const fs::path to_folder = temp.dir / "to-folder.bpmlp";
    fs::create_symlink(folder, to_folder);
    BOOST_CHECK_EXCEPTION(check_model_destination(to_folder), ModelFileError,
                          says(to_folder, "cannot save: is a symbolic link to '" + folder.string() +
                                              "', which is a directory: give a file name "
                                              "inside it"));
    BOOST_TEST(
        listing(temp.dir) == (std::vector<std::string>{"a.bpmlp", "b.bpmlp", "fifo", "folder",
                                                       "to-fifo.bpmlp", "to-folder.bpmlp"}),
        boost::test_tools::per_element());
    BOOST_TEST(listing(folder).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(permissions)

BOOST_AUTO_TEST_CASE(the_replaced_files_permission_bits_are_kept) {
    // Under a umask of 022 a new file gets 0644: every mode here differs from that.
    TempDir temp;
    const Umask umask(022);
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    BOOST_TEST_REQUIRE(mode_of(path) == mode_t{0644});
    std::uint64_t seed = 20;
    for (const mode_t mode : {0640, 0604, 0600, 0444, 0755}) {
        BOOST_TEST_CONTEXT("mode 0" << std::oct << mode) {
            BOOST_TEST_REQUIRE(::chmod(path.c_str(), mode) == 0);
            const Sequential saved = random_model({3, 2, 2}, activations::sigmoid, ++seed);
            save_model(path, saved);
            check_identical(load_model(path), saved);
            BOOST_TEST(mode_of(path) == mode);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_replaced_files_owner_is_kept_where_the_saver_may_set_it) {
    TempDir temp;
    const fs::path path = temp.dir / "model.bpmlp";
    save_model(path, small_model());
    if (::geteuid() != 0) {
        // Only root can give a file away: the new file is the saver's, as a new file is.
        save_model(path, small_model());
        BOOST_TEST(lstat_of(path).st_uid == ::geteuid());
        BOOST_TEST_MESSAGE("not root: keeping another owner is not tested");
        return;
    }
    BOOST_TEST_REQUIRE(::chown(path.c_str(), 12345, 23456) == 0);
    BOOST_TEST_REQUIRE(::chmod(path.c_str(), 0640) == 0);
    save_model(path, small_model());
    const struct stat status = lstat_of(path);
    BOOST_TEST(status.st_uid == uid_t{12345});
    BOOST_TEST(status.st_gid == gid_t{23456});
    BOOST_TEST((status.st_mode & 07777) == mode_t{0640});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(long_names)

BOOST_AUTO_TEST_CASE(names_of_250_and_255_bytes_save_and_load) {
    // The longest names a folder takes: the temporary file's name must fit as well.
    TempDir temp;
    std::string two_byte;  // 127 é and an x: 255 bytes
    for (int i = 0; i < 127; ++i)
        two_byte += "\xc3\xa9";
    two_byte += "x";
    std::uint64_t seed = 30;
    for (const std::string& name :
         {std::string(244, 'm') + ".bpmlp", std::string(249, 'm') + ".bpmlp", two_byte}) {
        BOOST_TEST_CONTEXT(name.size() << "-byte name") {
            const fs::path path = temp.dir / name;
            BOOST_CHECK_NO_THROW(check_model_destination(path));
            const Sequential first = random_model({2, 3, 2}, activations::tanh, ++seed);
            save_model(path, first);
            check_identical(load_model(path), first);
            const Sequential second = random_model({4, 2}, activations::identity, ++seed);
            save_model(path, second);  // over the file
            check_identical(load_model(path), second);
            BOOST_TEST(listing(temp.dir) == std::vector<std::string>{name},
                       boost::test_tools::per_element());
            fs::remove(path);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_name_of_256_bytes_is_refused) {
    TempDir temp;
    const fs::path path = temp.dir / (std::string(250, 'm') + ".bpmlp");
    BOOST_CHECK_EXCEPTION(check_model_destination(path), ModelFileError,
                          says(path, "cannot save: File name too long"));
    BOOST_CHECK_EXCEPTION(save_model(path, small_model()), ModelFileError,
                          says(path, "cannot save: File name too long"));
    BOOST_TEST(listing(temp.dir).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(checking_a_destination)

BOOST_AUTO_TEST_CASE(what_a_save_can_write_passes_and_nothing_is_written) {
    TempDir temp;
    BOOST_CHECK_NO_THROW(check_model_destination(temp.dir / "new.bpmlp"));
    BOOST_TEST(listing(temp.dir).empty());
    const fs::path old = temp.dir / "old.bpmlp";
    save_model(old, small_model());
    const Bytes bytes = read_bytes(old);
    BOOST_CHECK_NO_THROW(check_model_destination(old));
    fs::create_symlink(old, temp.dir / "link.bpmlp");
    BOOST_CHECK_NO_THROW(check_model_destination(temp.dir / "link.bpmlp"));
    BOOST_TEST(read_bytes(old) == bytes);
    BOOST_TEST(listing(temp.dir) == (std::vector<std::string>{"link.bpmlp", "old.bpmlp"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(what_a_save_cannot_write_is_refused) {
    TempDir temp;
    BOOST_CHECK_EXCEPTION(check_model_destination(""), ModelFileError, [](const ModelFileError& e) {
        BOOST_TEST_MESSAGE(e.what());
        return std::string(e.what()) == "cannot save a model: the path is empty";
    });
    BOOST_CHECK_EXCEPTION(
        save_model("", small_model()), ModelFileError, [](const ModelFileError& e) {
            return std::string(e.what()) == "cannot save a model: the path is empty";
        });

    const std::string ends_in_slash =
        "cannot save: the path ends in '/': give a file name, "
        "not a folder";
    const fs::path folder_slash = temp.dir.string() + "/";
    BOOST_CHECK_EXCEPTION(check_model_destination(folder_slash), ModelFileError,
                          says(folder_slash, ends_in_slash));
    const fs::path new_slash = (temp.dir / "new").string() + "/";
    BOOST_CHECK_EXCEPTION(check_model_destination(new_slash), ModelFileError,
                          says(new_slash, ends_in_slash));

    BOOST_CHECK_EXCEPTION(
        check_model_destination(temp.dir), ModelFileError,
        says(temp.dir, "cannot save: is a directory: give a file name inside it"));

    const fs::path in_missing = temp.dir / "missing" / "model.bpmlp";
    BOOST_CHECK_EXCEPTION(
        check_model_destination(in_missing), ModelFileError,
        says(in_missing,
             "cannot save: the folder '" + (temp.dir / "missing").string() + "' does not exist"));

    const fs::path file = temp.dir / "file";
    write_bytes(file, Bytes{1});
    const fs::path in_file = file / "model.bpmlp";
    BOOST_CHECK_EXCEPTION(
        check_model_destination(in_file), ModelFileError,
        says(in_file, "cannot save: '" + file.string() + "' is a regular file, not a folder"));
    BOOST_TEST(listing(temp.dir) == std::vector<std::string>{"file"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_folder_that_cannot_be_written) {
    // Refused exactly when a file cannot be made there (root can make one anyway).
    TempDir temp;
    const fs::path folder = temp.dir / "read-only";
    fs::create_directory(folder);
    BOOST_TEST_REQUIRE(::chmod(folder.c_str(), 0555) == 0);
    const fs::path probe = folder / "probe";
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    const bool writable = fd >= 0;
    if (writable) {
        ::close(fd);
        fs::remove(probe);
    }
    const fs::path path = folder / "model.bpmlp";
    if (writable) {
        BOOST_TEST_MESSAGE("this process may write in a folder of mode 0555 (root)");
        BOOST_CHECK_NO_THROW(check_model_destination(path));
    } else {
        const std::string phrase = "cannot save: cannot create a file in the folder '" +
                                   folder.string() + "': Permission denied";
        BOOST_CHECK_EXCEPTION(check_model_destination(path), ModelFileError, says(path, phrase));
        BOOST_CHECK_EXCEPTION(save_model(path, small_model()), ModelFileError, says(path, phrase));
    }
    BOOST_TEST(listing(folder).empty());
    ::chmod(folder.c_str(), 0755);
}

BOOST_AUTO_TEST_SUITE_END()
