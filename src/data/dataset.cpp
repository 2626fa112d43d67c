#include "backprop/data/dataset.hpp"

#include <algorithm>
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

}  // namespace

Dataset load_split(const std::filesystem::path& directory, const std::string& prefix,
                   std::size_t classes) {
    // Both files are found before either is read: a missing one fails at once.
    const std::filesystem::path images_path =
        find_file(directory, prefix + "-images-idx3-ubyte", prefix + " images");
    const std::filesystem::path labels_path =
        find_file(directory, prefix + "-labels-idx1-ubyte", prefix + " labels");
    Dataset data;
    data.classes = classes;
    data.images = read_idx_images(images_path);
    data.labels = read_idx_labels(labels_path, classes);
    if (data.images.count != data.labels.size())
        throw IdxError(images_path.string() + " holds " +
                       count_text(data.images.count, "image", "images") + " but " +
                       labels_path.string() + " holds " +
                       count_text(data.labels.size(), "label", "labels") +
                       "; the two files must hold the same number of samples");
    return data;
}

void shuffle(std::vector<std::size_t>& order, boost::random::mt19937_64& generator) {
    for (std::size_t i = order.size(); i > 1; --i) {
        boost::random::uniform_int_distribution<std::size_t> pick(0, i - 1);
        std::swap(order[i - 1], order[pick(generator)]);
    }
}

void fill_batch(const Dataset& data, std::span<const std::size_t> indices, Matrix& X, Matrix& T) {
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
    double* x = X.data().data();
    double* t = T.data().data();
    for (std::size_t s = 0; s < batch; ++s) {
        const std::size_t index = indices[s];
        const std::uint8_t* pixels = data.images.pixels.data() + index * features;
        double* x_row = x + s * features;
        for (std::size_t j = 0; j < features; ++j)
            x_row[j] = pixels[j] / 255.0;
        double* t_row = t + s * classes;
        std::fill(t_row, t_row + classes, 0.0);
        t_row[data.labels[index]] = 1.0;
    }
}

const std::vector<std::string>& fashion_mnist_classes() {
    static const std::vector<std::string> names{"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                "Bag",         "Ankle boot"};
    return names;
}

}  // namespace backprop
