// Chapter 9 on the real Fashion-MNIST: the files load as the dataset describes them, and two
// epochs of the default model already reach 0.84 test accuracy. Where the data is not
// installed the test reports itself skipped (exit status 77), never passed.
#define BOOST_TEST_MODULE fashion_real
#define BOOST_TEST_NO_MAIN
#include <array>
#include <filesystem>
#include <iostream>

#include <boost/test/unit_test.hpp>

#include "backprop/data/dataset.hpp"

#include "chapter_json.hpp"

namespace fs = std::filesystem;
using namespace backprop;

namespace {
// Where Debian's dataset-fashion-mnist puts the data.
const fs::path fashion_mnist_directory{"/usr/share/datasets/fashion-mnist"};

bool fashion_mnist_installed() {
    return fs::is_directory(fashion_mnist_directory);
}

}  // namespace

BOOST_AUTO_TEST_CASE(real_fashion_mnist) {
    struct Split {
        const char* prefix;
        std::size_t size;
        std::vector<std::uint8_t> first_labels;
    };
    const std::vector<Split> splits{{"train", 60000, {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}},
                                    {"t10k", 10000, {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}}};
    for (const Split& split : splits) {
        BOOST_TEST_CONTEXT(split.prefix) {
            const Dataset data = load_split(fashion_mnist_directory, split.prefix);
            BOOST_TEST_MESSAGE(split.prefix << ": " << data.size() << " images of "
                                            << data.images.rows << "x" << data.images.cols);
            BOOST_TEST(data.size() == split.size);
            BOOST_TEST(data.images.count == split.size);
            BOOST_TEST(data.images.rows == 28u);
            BOOST_TEST(data.images.cols == 28u);
            BOOST_TEST(data.features() == 784u);
            BOOST_TEST(data.images.pixels.size() == split.size * 784);
            BOOST_TEST(std::vector<std::uint8_t>(data.labels.begin(), data.labels.begin() + 10) ==
                           split.first_labels,
                       boost::test_tools::per_element());
            // Every class occurs, and Fashion-MNIST is balanced: a tenth of the split each.
            std::array<std::size_t, 10> per_class{};
            for (std::uint8_t label : data.labels)
                ++per_class[label];
            for (std::size_t c = 0; c < 10; ++c)
                BOOST_TEST(per_class[c] == split.size / 10,
                           fashion_mnist_classes()[c] << " (" << c << ")");
            // A batch of the first two samples.
            Matrix X;
            Matrix T;
            const std::vector<std::size_t> indices{0, 1};
            fill_batch(data, indices, X, T);
            BOOST_TEST(X.size1() == 2u);
            BOOST_TEST(X.size2() == 784u);
            BOOST_TEST(T(0, 9) == 1.0);
            BOOST_TEST(*std::max_element(X.data().begin(), X.data().end()) <= 1.0);
            BOOST_TEST(*std::min_element(X.data().begin(), X.data().end()) >= 0.0);
        }
    }
}

// Two epochs of the default model: the published MLP baselines sit near 0.87, the default
// run reaches about 0.85 after two epochs; 0.84 leaves a margin for another machine's rounding.
BOOST_AUTO_TEST_CASE(two_epochs_reach_0_84) {
    const auto j = run_json(BACKPROP_CH09_FASHION_MNIST, {"--epochs", "2"});
    BOOST_TEST_MESSAGE("test accuracy after 2 epochs: " << j["test_accuracy"]);
    BOOST_TEST(j["test_accuracy"].get<double>() >= 0.84);
    BOOST_TEST(j["history"].size() == 2u);
}

int main(int argc, char* argv[]) {
    if (!fashion_mnist_installed()) {
        std::cout << "SKIPPED: Fashion-MNIST is not installed at " << fashion_mnist_directory
                  << " (Debian: apt-get install dataset-fashion-mnist)\n";
        return 77;
    }
    return boost::unit_test::unit_test_main([] { return true; }, argc, argv);
}
