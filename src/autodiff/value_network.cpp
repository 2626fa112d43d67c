#include "backprop/autodiff/value_network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "backprop/core/shape_check.hpp"

namespace backprop::autodiff {
namespace {

Shape shape_of(const ValueMatrix& m) {
    return {m.size(), m.empty() ? 0 : m.front().size()};
}

}  // namespace

ValueMatrix leaves(const Matrix& m, const std::string& name) {
    ValueMatrix values(m.size1());
    for (std::size_t i = 0; i < m.size1(); ++i)
        for (std::size_t j = 0; j < m.size2(); ++j)
            values[i].emplace_back(m(i, j),
                                   name + "[" + std::to_string(i) + "][" + std::to_string(j) + "]");
    return values;
}

Matrix grad_of(const ValueMatrix& m) {
    const Shape shape = shape_of(m);
    Matrix grads(shape.rows, shape.cols);
    for (std::size_t i = 0; i < shape.rows; ++i)
        for (std::size_t j = 0; j < shape.cols; ++j)
            grads(i, j) = m[i][j].grad();
    return grads;
}

//! [matmul]
ValueMatrix matmul(const ValueMatrix& X, const ValueMatrix& W) {
    require_product("autodiff::matmul", "X", shape_of(X), "W", shape_of(W));
    ValueMatrix Z(X.size());
    for (std::size_t s = 0; s < X.size(); ++s)           // each sample
        for (std::size_t j = 0; j < W[0].size(); ++j) {  // each neuron
            Value z = X[s][0] * W[0][j];
            for (std::size_t i = 1; i < W.size(); ++i)  // z = Σ_i x_i w_ij
                z = z + X[s][i] * W[i][j];
            Z[s].push_back(z);
        }
    return Z;
}
//! [matmul]

ValueMatrix elementwise(Value (*f)(const Value&), const ValueMatrix& Z) {
    ValueMatrix A = Z;
    for (auto& sample : A)
        for (Value& a : sample)
            a = f(a);
    return A;
}

void name_entries(ValueMatrix& m, const std::string& name) {
    for (std::size_t s = 0; s < m.size(); ++s)
        for (std::size_t j = 0; j < m[s].size(); ++j)
            m[s][j].named(m.size() == 1
                              ? name + "[" + std::to_string(j) + "]"
                              : name + "[" + std::to_string(s) + "][" + std::to_string(j) + "]");
}

Value mse(const ValueMatrix& Y, const Matrix& T) {
    if (shape_of(Y) != Shape{T.size1(), T.size2()} || T.size1() == 0 || T.size2() == 0)
        throw std::invalid_argument("autodiff::mse: Y is " + to_string(shape_of(Y)) + " but T is " +
                                    to_string({T.size1(), T.size2()}));
    std::optional<Value> sum;
    for (std::size_t s = 0; s < Y.size(); ++s)
        for (std::size_t k = 0; k < Y[s].size(); ++k) {
            const Value t(T(s, k), "t[" + std::to_string(s) + "][" + std::to_string(k) + "]");
            const Value term = 0.5 * pow(Y[s][k] - t, 2);  // ½ (y − t)²
            sum = sum ? *sum + term : term;
        }
    return *sum / Value(static_cast<double>(Y.size()), "B");
}

Value softmax_cross_entropy(const ValueMatrix& Z, const Matrix& T) {
    if (shape_of(Z) != Shape{T.size1(), T.size2()} || T.size1() == 0 || T.size2() == 0)
        throw std::invalid_argument("autodiff::softmax_cross_entropy: Z is " +
                                    to_string(shape_of(Z)) + " but T is " +
                                    to_string({T.size1(), T.size2()}));
    std::optional<Value> sum;
    for (std::size_t s = 0; s < Z.size(); ++s) {
        double m = Z[s][0].data();  // the largest logit, a constant: the result is the same
        for (const Value& z : Z[s])
            m = std::max(m, z.data());
        Value exps = exp(Z[s][0] - m);
        for (std::size_t k = 1; k < Z[s].size(); ++k)
            exps = exps + exp(Z[s][k] - m);
        const Value log_sum = log(exps);
        for (std::size_t k = 0; k < Z[s].size(); ++k)
            if (T(s, k) != 0) {  // −t ln ŷ, with ln ŷ = (z − m) − ln Σ e^(z − m)
                const Value term = -T(s, k) * ((Z[s][k] - m) - log_sum);
                sum = sum ? *sum + term : term;
            }
    }
    if (!sum) return Value(0.0);
    return *sum / Value(static_cast<double>(Z.size()), "B");
}

ValueNetwork::ValueNetwork(const Sequential& network) {
    std::size_t l = 0;
    for (std::size_t i = 0; i < network.layers.size(); ++i) {
        const Layer* layer = network.layers[i].get();
        if (const auto* linear = dynamic_cast<const Linear*>(layer)) {
            ++l;
            Step step{leaves(linear->W, "W" + std::to_string(l)), std::nullopt, nullptr,
                      linear->description()};
            if (linear->b) {
                step.b.emplace();
                for (std::size_t j = 0; j < linear->b->size(); ++j)
                    step.b->emplace_back((*linear->b)(j),
                                         "b" + std::to_string(l) + "[" + std::to_string(j) + "]");
            }
            steps.push_back(std::move(step));
        } else if (const auto* activation = dynamic_cast<const ActivationLayer*>(layer)) {
            const std::string name(activation->f.name);
            steps.push_back({{}, std::nullopt, activation_named(name), name});
        } else {
            throw std::invalid_argument("autodiff::ValueNetwork: layer " + std::to_string(i) +
                                        " (" + layer->description() +
                                        ") is neither Linear nor an activation");
        }
    }
}

//! [forward]
ValueMatrix ValueNetwork::forward(const ValueMatrix& X) const {
    ValueMatrix A = X;
    for (const Step& step : steps) {
        if (step.f) {  // an activation, value by value
            A = elementwise(step.f, A);
            continue;
        }
        A = matmul(A, step.W);  // weighted sums, neuron by neuron
        if (step.b)
            for (auto& sample : A)
                for (std::size_t j = 0; j < sample.size(); ++j)
                    sample[j] = sample[j] + (*step.b)[j];
    }
    return A;
}
//! [forward]

void ValueNetwork::store_gradients(Sequential& network) const {
    auto step = steps.begin();
    for (const auto& layer : network.layers) {
        auto* linear = dynamic_cast<Linear*>(layer.get());
        if (!linear) continue;
        while (step != steps.end() && step->f)
            ++step;
        if (step == steps.end())
            throw std::invalid_argument(
                "ValueNetwork::store_gradients: the network has more "
                "Linear layers than this one");
        linear->dJ_dW = grad_of(step->W);
        if (linear->b && step->b)
            for (std::size_t j = 0; j < step->b->size(); ++j)
                (*linear->dJ_db)(j) = (*step->b)[j].grad();
        ++step;
    }
}

}  // namespace backprop::autodiff
