#include "backprop/data/dataset.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <boost/random/uniform_int_distribution.hpp>

#include "error_text.hpp"

namespace backprop {

namespace {

using detail::count_text;

/// `<directory>/<name>.gz` if it exists, else `<directory>/<name>`.
/// \throws IdxError naming the directory and both names if neither exists.
std::filesystem::path find_file(const std::filesystem::path& directory, const std::string& name,
                                const std::string& what) {
    std::filesystem::path compressed = directory / (name + ".gz");
    std::filesystem::path plain = directory / name;
    std::error_code error;
    if (std::filesystem::exists(compressed, error)) return compressed;
    if (std::filesystem::exists(plain, error)) return plain;
    std::string message =
        directory.string() + ": no " + what + ": neither " + name + ".gz nor " + name + " is there";
    if (!std::filesystem::exists(directory, error))
        message += " (the directory does not exist)";
    else if (!std::filesystem::is_directory(directory, error))
        message += " (it is not a directory)";
    throw IdxError(message);
}

/// The two files of one split, their headers read and checked against each other.
struct Split {
    std::filesystem::path images_path;
    std::filesystem::path labels_path;
    IdxHeader images;
    IdxHeader labels;
};

/// \throws IdxError naming both files unless they hold as many images as labels.
void check_counts(const std::filesystem::path& images_path, std::size_t images,
                  const std::filesystem::path& labels_path, std::size_t labels) {
    if (images != labels)
        throw IdxError(images_path.string() + " holds " + count_text(images, "image", "images") +
                       " but " + labels_path.string() + " holds " +
                       count_text(labels, "label", "labels") +
                       "; the two files must hold the same number of samples");
}

/// \throws IdxError naming both image files unless their images have the same size.
void check_sizes(const std::filesystem::path& train_path, std::size_t train_rows,
                 std::size_t train_cols, const std::filesystem::path& test_path,
                 std::size_t test_rows, std::size_t test_cols) {
    if (train_rows == test_rows && train_cols == test_cols) return;
    throw IdxError(train_path.string() + " holds images of " + std::to_string(train_rows) + "x" +
                   std::to_string(train_cols) + " but " + test_path.string() + " holds images of " +
                   std::to_string(test_rows) + "x" + std::to_string(test_cols) +
                   "; the training and test images must have the same size");
}

/// Finds the two files of the split \p prefix (a missing one fails at once).
Split find_split(const std::filesystem::path& directory, const std::string& prefix) {
    Split split;
    split.images_path = find_file(directory, prefix + "-images-idx3-ubyte", prefix + " images");
    split.labels_path = find_file(directory, prefix + "-labels-idx1-ubyte", prefix + " labels");
    return split;
}

/// Reads the headers of both files of \p split, and checks that they agree in count.
void read_headers(Split& split) {
    split.images = read_idx_header(split.images_path, IdxKind::images);
    split.labels = read_idx_header(split.labels_path, IdxKind::labels);
    check_counts(split.images_path, split.images.count, split.labels_path, split.labels.count);
}

/// Reads the data of both files of \p split, whose headers were checked already; the checks
/// are made again on what was read, in case a file changed in between.
Dataset read_data(const Split& split, std::size_t classes) {
    Dataset data;
    data.classes = classes;
    data.images = read_idx_images(split.images_path);
    data.labels = read_idx_labels(split.labels_path, classes);
    check_counts(split.images_path, data.images.count, split.labels_path, data.labels.size());
    return data;
}

}  // namespace

Dataset load_split(const std::filesystem::path& directory, const std::string& prefix,
                   std::size_t classes) {
    Split split = find_split(directory, prefix);
    read_headers(split);
    return read_data(split, classes);
}

TrainTest load_train_test(const std::filesystem::path& directory, std::size_t classes) {
    // All four files are found, then all four headers read and checked, before any data.
    Split train = find_split(directory, "train");
    Split test = find_split(directory, "t10k");
    read_headers(train);
    read_headers(test);
    check_sizes(train.images_path, train.images.rows, train.images.cols, test.images_path,
                test.images.rows, test.images.cols);
    TrainTest both{read_data(train, classes), read_data(test, classes)};
    check_sizes(train.images_path, both.train.images.rows, both.train.images.cols, test.images_path,
                both.test.images.rows, both.test.images.cols);
    return both;
}

void shuffle(std::vector<std::size_t>& order, boost::random::mt19937_64& generator) {
    for (std::size_t i = order.size(); i > 1; --i) {
        boost::random::uniform_int_distribution<std::size_t> pick(0, i - 1);
        std::swap(order[i - 1], order[pick(generator)]);
    }
}

template <Scalar S>
void fill_batch(const Dataset& data, std::span<const std::size_t> indices, MatrixOf<S>& X,
                MatrixOf<S>& T) {
    const std::size_t samples = data.size();
    const std::size_t features = data.features();
    const std::size_t classes = data.classes;
    // Everything is checked before X and T are touched.
    if (data.images.count != samples || data.images.pixels.size() != samples * features)
        throw std::invalid_argument(
            "fill_batch: inconsistent dataset: " + count_text(samples, "label", "labels") + ", " +
            count_text(data.images.count, "image", "images") + " of " +
            std::to_string(data.images.rows) + "x" + std::to_string(data.images.cols) + ", " +
            count_text(data.images.pixels.size(), "byte", "bytes") + " of pixels");
    for (std::size_t s = 0; s < indices.size(); ++s) {
        const std::size_t index = indices[s];
        if (index >= samples)
            throw std::out_of_range("fill_batch: index " + std::to_string(index) + " (row " +
                                    std::to_string(s) +
                                    " of the batch) is out of range for a dataset of " +
                                    count_text(samples, "sample", "samples"));
        if (data.labels[index] >= classes)
            throw std::invalid_argument("fill_batch: sample " + std::to_string(index) +
                                        " has label " + std::to_string(data.labels[index]) +
                                        " but the dataset has " +
                                        count_text(classes, "class", "classes"));
    }

    const std::size_t batch = indices.size();
    ensure_shape(X, batch, features);
    ensure_shape(T, batch, classes);
    // Each of the 256 grey levels once, as a fraction of 255 rounded to S: a table lookup per
    // pixel instead of a division.
    static const std::array<S, 256> intensity = [] {
        std::array<S, 256> table{};
        for (std::size_t level = 0; level < table.size(); ++level)
            table[level] = static_cast<S>(static_cast<double>(level) / 255.0);
        return table;
    }();
    S* x = X.data().data();
    S* t = T.data().data();
    for (std::size_t s = 0; s < batch; ++s) {
        const std::size_t index = indices[s];
        const std::uint8_t* pixels = data.images.pixels.data() + index * features;
        S* x_row = x + s * features;
        for (std::size_t j = 0; j < features; ++j)
            x_row[j] = intensity[pixels[j]];
        S* t_row = t + s * classes;
        std::fill(t_row, t_row + classes, S{0});
        t_row[data.labels[index]] = 1;
    }
}
template void fill_batch(const Dataset&, std::span<const std::size_t>, MatrixOf<double>&,
                         MatrixOf<double>&);
template void fill_batch(const Dataset&, std::span<const std::size_t>, MatrixOf<float>&,
                         MatrixOf<float>&);

const std::vector<std::string>& fashion_mnist_classes() {
    static const std::vector<std::string> names{"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                "Bag",         "Ankle boot"};
    return names;
}

}  // namespace backprop
