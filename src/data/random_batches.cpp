#include "backprop/data/random_batches.hpp"

#include <random>
#include <utility>

#include "backprop/nn/init.hpp"

namespace backprop {

RandomBatches::RandomBatches(std::size_t count, std::size_t batch, std::size_t inputs,
                             std::size_t classes, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::uniform_int_distribution<std::size_t> label(0, classes - 1);
    for (std::size_t k = 0; k < count; ++k) {
        Matrix t(batch, classes, 0.0);
        X.push_back(random_uniform(batch, inputs, 0.0, 1.0, generator));
        for (std::size_t s = 0; s < batch; ++s)
            t(s, label(generator)) = 1.0;
        T.push_back(std::move(t));
    }
}

}  // namespace backprop
