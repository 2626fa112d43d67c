#include "backprop/nn/mlp.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "backprop/nn/loss.hpp"

namespace backprop {

MlpParameters MlpParameters::random(const std::vector<std::size_t>& sizes, Activation hidden,
                                    std::uint64_t seed, Init init) {
    if (sizes.size() < 2)
        throw std::invalid_argument("MlpParameters::random: needs at least two layer sizes, got " +
                                    std::to_string(sizes.size()));
    boost::random::mt19937_64 generator(seed);
    MlpParameters p{{}, {}, hidden};
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        const double fan_in = static_cast<double>(sizes[l - 1]);
        const double fan_out = static_cast<double>(sizes[l]);
        Matrix W(sizes[l - 1], sizes[l]);
        if (init == Init::he) {
            boost::random::normal_distribution<double> normal(0.0, std::sqrt(2.0 / fan_in));
            for (double& w : W.data())
                w = normal(generator);
        } else {
            const double limit = std::sqrt(6.0 / (fan_in + fan_out));
            boost::random::uniform_real_distribution<double> uniform(-limit, limit);
            for (double& w : W.data())
                w = uniform(generator);
        }
        p.W.push_back(std::move(W));
        p.b.emplace_back(sizes[l], 0.0);
    }
    return p;
}

std::vector<std::size_t> MlpParameters::sizes() const {
    std::vector<std::size_t> sizes;
    if (W.empty()) return sizes;
    sizes.push_back(W.front().size1());
    for (const Matrix& w : W)
        sizes.push_back(w.size2());
    return sizes;
}

double MlpStep::step(MlpParameters& p, const Matrix& X, const Matrix& T, double learning_rate) {
    const double J = softmax_cross_entropy(forward(p, X), T);
    const MlpGradients& g = backward(p, T);
    // theta <- theta - alpha dJ/dtheta, one plain loop per parameter (it vectorizes).
    const auto descend = [&](auto& theta, const auto& gradient) {
        double* t = theta.data().data();
        const double* d = gradient.data().data();
        for (std::size_t i = 0, n = theta.data().size(); i < n; ++i)
            t[i] -= learning_rate * d[i];
    };
    for (std::size_t l = 0; l < p.W.size(); ++l) {
        descend(p.W[l], g.dJ_dW[l]);
        descend(p.b[l], g.dJ_db[l]);
    }
    return J;
}

std::unique_ptr<MlpStep> make_step(std::string_view name) {
    if (name == "naive") return make_naive_step();
    try {
        return make_vectorized_step(products_named(name));
    } catch (const std::invalid_argument&) {
        std::string valid;
        for (std::string_view n : step_names())
            valid += (valid.empty() ? "" : ", ") + std::string(n);
        throw std::invalid_argument("unknown implementation '" + std::string(name) +
                                    "'; this build has: " + valid);
    }
}

std::vector<std::string_view> step_names() {
    std::vector<std::string_view> names{"naive"};
    for (const Products& p : available_products())
        names.push_back(p.name);
    return names;
}

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
