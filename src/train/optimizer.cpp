#include "backprop/train/optimizer.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "backprop/core/shape_check.hpp"

namespace backprop {

SgdMomentum::SgdMomentum(double momentum, double weight_decay)
    : momentum_(momentum), weight_decay_(weight_decay) {
    if (!(momentum >= 0.0 && momentum < 1.0))
        throw std::invalid_argument("SgdMomentum: momentum " + std::to_string(momentum) +
                                    " is not in [0, 1)");
    if (!(weight_decay >= 0.0))
        throw std::invalid_argument("SgdMomentum: weight decay " + std::to_string(weight_decay) +
                                    " is negative");
}

void SgdMomentum::step(MlpParameters& p, const MlpGradients& g, double learning_rate) {
    const std::size_t L = p.W.size();
    if (g.dJ_dW.size() != L || g.dJ_db.size() != L)
        throw std::invalid_argument("SgdMomentum::step: gradients for " +
                                    std::to_string(g.dJ_dW.size()) + " layers, parameters for " +
                                    std::to_string(L));
    for (std::size_t l = 0; l < L; ++l) {
        require_same_shape("SgdMomentum::step", "dJ/dW", g.dJ_dW[l], "W", p.W[l]);
        if (g.dJ_db[l].size() != p.b[l].size())
            throw std::invalid_argument("SgdMomentum::step: dJ/db of layer " +
                                        std::to_string(l + 1) + " has " +
                                        std::to_string(g.dJ_db[l].size()) + " entries, b has " +
                                        std::to_string(p.b[l].size()));
    }
    if (velocity_W_.empty())
        for (std::size_t l = 0; l < L; ++l) {
            velocity_W_.emplace_back(p.W[l].size1(), p.W[l].size2(), 0.0);
            velocity_b_.emplace_back(p.b[l].size(), 0.0);
        }
    // The velocities belong to the model of the first step; another model needs its own.
    if (velocity_W_.size() != L)
        throw std::invalid_argument(
            "SgdMomentum::step: the velocities are for " + std::to_string(velocity_W_.size()) +
            " layers, the parameters have " + std::to_string(L) + " (one optimizer per model)");
    for (std::size_t l = 0; l < L; ++l)
        require_same_shape("SgdMomentum::step", "velocity of W", velocity_W_[l], "W", p.W[l]);
    // v <- mu v - eta (g + lambda W);  theta <- theta + v, as plain loops (they vectorize).
    for (std::size_t l = 0; l < L; ++l) {
        double* W = p.W[l].data().data();
        double* v = velocity_W_[l].data().data();
        const double* dW = g.dJ_dW[l].data().data();
        for (std::size_t i = 0, n = p.W[l].data().size(); i < n; ++i) {
            v[i] = momentum_ * v[i] - learning_rate * (dW[i] + weight_decay_ * W[i]);
            W[i] += v[i];
        }
        double* b = p.b[l].data().data();
        double* u = velocity_b_[l].data().data();
        const double* db = g.dJ_db[l].data().data();
        for (std::size_t j = 0, n = p.b[l].size(); j < n; ++j) {
            u[j] = momentum_ * u[j] - learning_rate * db[j];
            b[j] += u[j];
        }
    }
}

Schedule schedule_named(std::string_view name) {
    if (name == "constant") return Schedule::constant;
    if (name == "step") return Schedule::step;
    if (name == "cosine") return Schedule::cosine;
    throw std::invalid_argument("unknown schedule '" + std::string(name) +
                                "'; valid names are: constant, step, cosine");
}

double learning_rate_at(Schedule schedule, double base, std::size_t epoch, std::size_t epochs) {
    const double progress = epochs == 0 ? 0.0 : static_cast<double>(epoch) / double(epochs);
    switch (schedule) {
        case Schedule::constant:
            return base;
        case Schedule::step:
            return progress < 0.5 ? base : progress < 0.75 ? base / 10 : base / 100;
        case Schedule::cosine:
            return base * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    }
    return base;
}

}  // namespace backprop
