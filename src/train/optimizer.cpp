#include "backprop/train/optimizer.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace backprop {

template <Scalar T>
SgdOf<T>::SgdOf(double momentum, double weight_decay)
    : momentum_(momentum), weight_decay_(weight_decay) {
    if (!(momentum >= 0.0 && momentum < 1.0))
        throw std::invalid_argument("Sgd: momentum " + std::to_string(momentum) +
                                    " is not in [0, 1)");
    if (!(weight_decay >= 0.0))
        throw std::invalid_argument("Sgd: weight decay " + std::to_string(weight_decay) +
                                    " is negative");
}

template <Scalar T>
void SgdOf<T>::step(Sequential& network, double learning_rate) {
    update(network.parameters(), learning_rate);
}

template <Scalar T>
void SgdOf<T>::step(Sequential& network, std::span<const T> gradient, double learning_rate) {
    std::vector<ParameterView> parameters = network.parameters();
    std::size_t count = 0;
    for (ParameterView& p : parameters) {
        if (count + p.value.size() <= gradient.size())
            p.gradient = gradient.subspan(count, p.value.size());
        count += p.value.size();
    }
    if (count != gradient.size())
        throw std::invalid_argument("Sgd::step: a gradient of " + std::to_string(gradient.size()) +
                                    " entries for a network of " + std::to_string(count) +
                                    " parameters");
    update(parameters, learning_rate);
}

template <Scalar T>
void gradient_of(SequentialOf<T>& network, std::vector<T>& gradient) {
    gradient.clear();
    for (const ParameterViewOf<T>& p : network.parameters())
        gradient.insert(gradient.end(), p.gradient.begin(), p.gradient.end());
}

template <Scalar T>
void SgdOf<T>::update(const std::vector<ParameterView>& parameters, double learning_rate) {
    if (momentum_ > 0.0 && velocity_.empty())
        for (const ParameterView& p : parameters)
            velocity_.emplace_back(p.value.size(), T{0});
    // The velocities belong to the model of the first step; another model needs its own.
    if (momentum_ > 0.0) {
        bool fits = velocity_.size() == parameters.size();
        for (std::size_t k = 0; fits && k < parameters.size(); ++k)
            fits = velocity_[k].size() == parameters[k].value.size();
        if (!fits)
            throw std::invalid_argument(
                "Sgd::step: the velocities were made for another model (one optimizer per "
                "model)");
    }
    //! [sgd_step]
    // θ ← θ − η (∂J/∂θ + λθ), or with momentum v ← μv − η (∂J/∂θ + λθ), θ ← θ + v,
    // for every entry of every parameter (λ = 0 where a parameter does not decay).
    // The rates in the parameters' precision, so that a float network steps in float.
    const T eta = static_cast<T>(learning_rate), mu = static_cast<T>(momentum_);
    for (std::size_t k = 0; k < parameters.size(); ++k) {
        const ParameterView& p = parameters[k];
        const T lambda = p.decays ? static_cast<T>(weight_decay_) : T{0};
        if (momentum_ == 0.0) {
            for (std::size_t i = 0; i < p.value.size(); ++i)
                p.value[i] -= eta * (p.gradient[i] + lambda * p.value[i]);
            continue;
        }
        std::vector<T>& v = velocity_[k];
        for (std::size_t i = 0; i < p.value.size(); ++i) {
            v[i] = mu * v[i] - eta * (p.gradient[i] + lambda * p.value[i]);
            p.value[i] += v[i];
        }
    }
    //! [sgd_step]
}

template <Scalar T>
void SgdOf<T>::backward_and_step(Sequential& network, const Matrix& dJ_dY, double learning_rate) {
    if (momentum_ > 0.0 || weight_decay_ > 0.0) {
        network.backward(dJ_dY);
        step(network, learning_rate);
        return;
    }
    // The Linear layers descend inside their backward pass; the others' parameters (if any)
    // step afterwards from the gradients they store.
    struct Fused {  // sets the layers' learning rate for this pass only, whatever happens
        std::vector<LinearOf<T>*> layers;
        ~Fused() {
            for (LinearOf<T>* linear : layers)
                linear->fused_learning_rate.reset();
        }
    } fused;
    std::vector<ParameterView> others;
    for (auto& layer : network.layers)
        if (auto* linear = dynamic_cast<LinearOf<T>*>(layer.get())) {
            linear->fused_learning_rate = learning_rate;
            fused.layers.push_back(linear);
        } else {
            for (const ParameterView& p : layer->parameters())
                others.push_back(p);
        }
    network.backward(dJ_dY);
    update(others, learning_rate);
}

template class SgdOf<double>;
template class SgdOf<float>;
template void gradient_of(SequentialOf<double>&, std::vector<double>&);
template void gradient_of(SequentialOf<float>&, std::vector<float>&);

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
