#include "backprop/nn/mlp.hpp"

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include <boost/random/mersenne_twister.hpp>

#include "backprop/core/shape_check.hpp"

namespace backprop {

double training_bytes(const std::vector<std::size_t>& sizes, std::size_t batch) {
    double parameters = 0, outputs = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        parameters += (double(sizes[l - 1]) + 1) * double(sizes[l]);  // W and b
        outputs += double(sizes[l]);
    }
    return double(sizeof(Real)) * (3 * parameters + 4 * double(batch) * outputs);
}

void check_training_memory(const std::vector<std::size_t>& sizes, std::size_t batch) {
    const double bytes = training_bytes(sizes, batch);
    if (bytes <= max_training_bytes) return;
    const double GiB = 1024.0 * 1024 * 1024;
    std::ostringstream message;
    message.precision(4);
    message << "a network of sizes ";
    for (std::size_t l = 0; l < sizes.size(); ++l)
        message << (l > 0 ? "-" : "") << sizes[l];
    message << " trained on batches of " << batch << " needs " << bytes / GiB << " GiB (" << bytes
            << " bytes: the parameters, their gradients and velocities, and the "
            << "batch's activations), more than the limit of " << max_training_bytes / GiB
            << " GiB";
    throw std::length_error(message.str());
}

template <Scalar T>
SequentialOf<T> mlp(const std::vector<std::size_t>& sizes, const Activation& hidden,
                    std::uint64_t seed, Init init) {
    if (sizes.size() < 2)
        throw std::invalid_argument("mlp: needs at least two layer sizes, got " +
                                    std::to_string(sizes.size()));
    for (std::size_t l = 0; l < sizes.size(); ++l)
        if (sizes[l] == 0)
            throw std::invalid_argument("mlp: layer size " + std::to_string(l) + " is 0");
    check_training_memory(sizes, 1);
    boost::random::mt19937_64 generator(seed);
    std::vector<Matrix> W;
    std::vector<Vector> b;
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        W.push_back(random_weights(sizes[l - 1], sizes[l], init, generator));
        b.emplace_back(sizes[l], 0.0);
    }
    return mlp<T>(W, b, hidden);
}

template <Scalar T>
SequentialOf<T> mlp(const std::vector<Matrix>& W, const std::vector<Vector>& b,
                    const Activation& hidden) {
    if (W.empty() || W.size() != b.size())
        throw std::invalid_argument("mlp: " + std::to_string(W.size()) + " weight matrices and " +
                                    std::to_string(b.size()) + " bias vectors");
    std::vector<std::unique_ptr<LayerOf<T>>> layers;
    for (std::size_t l = 0; l < W.size(); ++l) {
        if (b[l].size() != W[l].size2())
            throw std::invalid_argument("mlp: b" + std::to_string(l + 1) + " has " +
                                        std::to_string(b[l].size()) + " entries but W" +
                                        std::to_string(l + 1) + " (" + to_string(shape_of(W[l])) +
                                        ") has " + std::to_string(W[l].size2()) + " columns");
        if (l > 0) layers.push_back(std::make_unique<ActivationLayerOf<T>>(hidden));
        layers.push_back(std::make_unique<LinearOf<T>>(converted<T>(W[l]), converted<T>(b[l])));
    }
    return SequentialOf<T>(std::move(layers));  // checks that the layers fit one another
}

template SequentialOf<double> mlp(const std::vector<std::size_t>&, const Activation&, std::uint64_t,
                                  Init);
template SequentialOf<float> mlp(const std::vector<std::size_t>&, const Activation&, std::uint64_t,
                                 Init);
template SequentialOf<double> mlp(const std::vector<Matrix>&, const std::vector<Vector>&,
                                  const Activation&);
template SequentialOf<float> mlp(const std::vector<Matrix>&, const std::vector<Vector>&,
                                 const Activation&);

std::vector<std::size_t> mlp_sizes(std::size_t inputs, const std::vector<std::size_t>& hidden,
                                   std::size_t outputs) {
    std::vector<std::size_t> sizes{inputs};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(outputs);
    return sizes;
}

template <Scalar T>
std::vector<std::size_t> layer_sizes(const SequentialOf<T>& network) {
    std::vector<std::size_t> sizes;
    for (const auto& layer : network.layers)
        if (const auto* linear = dynamic_cast<const LinearOf<T>*>(layer.get())) {
            if (sizes.empty()) sizes.push_back(linear->W.size1());
            sizes.push_back(linear->W.size2());
        }
    return sizes;
}

template std::vector<std::size_t> layer_sizes(const SequentialOf<double>&);
template std::vector<std::size_t> layer_sizes(const SequentialOf<float>&);

namespace {
double sum_of_products(const std::vector<std::size_t>& sizes, std::size_t first) {
    double sum = 0.0;
    for (std::size_t l = first; l < sizes.size(); ++l)
        sum += static_cast<double>(sizes[l - 1]) * static_cast<double>(sizes[l]);
    return sum;
}
}  // namespace

double forward_flops(const std::vector<std::size_t>& sizes, std::size_t batch) {
    return 2.0 * static_cast<double>(batch) * sum_of_products(sizes, 1);
}

double backward_flops(const std::vector<std::size_t>& sizes, std::size_t batch) {
    return 2.0 * static_cast<double>(batch) *
           (sum_of_products(sizes, 1) + sum_of_products(sizes, 2));
}

}  // namespace backprop
