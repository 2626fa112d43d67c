/// \file
/// \brief A labelled image dataset (MNIST, Fashion-MNIST) and mini-batches drawn from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <boost/random/mersenne_twister.hpp>

#include "backprop/core/matrix.hpp"
#include "backprop/data/idx.hpp"

namespace backprop {

/// Images and their labels, as stored: one byte per pixel, one byte per label.
struct Dataset {
    IdxImages images;                  ///< the images
    std::vector<std::uint8_t> labels;  ///< one label per image, below `classes`
    std::size_t classes = 10;          ///< the number of classes

    std::size_t size() const { return labels.size(); }                  ///< number of samples
    std::size_t features() const { return images.rows * images.cols; }  ///< pixels per image

    /// Keeps only the first \p n samples (all of them if there are no more than \p n).
    void keep_first(std::size_t n) {
        if (n >= size()) return;
        labels.resize(n);
        images.count = n;
        images.pixels.resize(n * features());
    }
};

/// Loads one split of an MNIST-style directory: `<prefix>-images-idx3-ubyte` and
/// `<prefix>-labels-idx1-ubyte`, each with or without `.gz` (the compressed file is used if
/// both exist). \p prefix is `train` or `t10k`. Both headers are read and compared before
/// either file's data is read: a mismatch costs no time and no memory.
/// \throws IdxError if a file is missing, invalid, or the two files hold different numbers
///   of samples (the message names both files and both counts).
Dataset load_split(const std::filesystem::path& directory, const std::string& prefix,
                   std::size_t classes = 10);

/// A training split and a test split whose images have the same size.
struct TrainTest {
    Dataset train;  ///< `train-*`
    Dataset test;   ///< `t10k-*`
};

/// Loads both splits of an MNIST-style directory (`train` and `t10k`, as load_split() does),
/// reading the headers of all four files before any data: each split's images and labels
/// must agree in number, and the training and test images in size, or nothing is read.
/// \throws IdxError as load_split() does, or if the training and test images differ in size
///   (the message names both image files and both sizes).
TrainTest load_train_test(const std::filesystem::path& directory, std::size_t classes = 10);

/// Shuffles \p order in place (Fisher-Yates), with Boost.Random so that every platform draws
/// the same permutation from the same seed: the order of an epoch's samples.
void shuffle(std::vector<std::size_t>& order, boost::random::mt19937_64& generator);

/// The mini-batch of the samples \p indices: `X` `(B, features)` holds the pixels scaled to
/// [0, 1], `T` `(B, classes)` the one-hot labels. Both are resized as needed.
template <Scalar S>
void fill_batch(const Dataset& data, std::span<const std::size_t> indices, MatrixOf<S>& X,
                MatrixOf<S>& T);

/// Fashion-MNIST's class names, in label order: "T-shirt/top", "Trouser", … "Ankle boot".
const std::vector<std::string>& fashion_mnist_classes();

}  // namespace backprop
