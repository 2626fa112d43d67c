#include "backprop/nn/layers.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "backprop/core/linalg.hpp"
#include "backprop/core/products.hpp"
#include "backprop/core/shape_check.hpp"
#include "backprop/nn/loss.hpp"

namespace backprop {
namespace {

template <class T>
std::span<T> span_of(MatrixOf<T>& m) {
    return {m.data().data(), m.data().size()};
}
template <class T>
std::span<T> span_of(VectorOf<T>& v) {
    return {v.data().data(), v.data().size()};
}
template <class T>
std::span<const T> span_of(const VectorOf<T>& v) {
    return {v.data().data(), v.data().size()};
}

}  // namespace

// ---- Linear ---------------------------------------------------------------------------

template <Scalar T>
LinearOf<T>::LinearOf(const Matrix& W_) : W(W_), dJ_dW(W_.size1(), W_.size2(), T{0}) {}

template <Scalar T>
LinearOf<T>::LinearOf(const Matrix& W_, const Vector& b_) : LinearOf(W_) {
    if (b_.size() != W.size2())
        throw std::invalid_argument("Linear: b has " + std::to_string(b_.size()) +
                                    " entries but W (" + to_string(shape_of(W)) + ") has " +
                                    std::to_string(W.size2()) + " columns");
    b = b_;
    dJ_db = Vector(b_.size(), T{0});
}

template <Scalar T>
std::string LinearOf<T>::description() const {
    return "Linear " + to_string(shape_of(W)) + (b ? "" : " without bias");
}

template <Scalar T>
const MatrixOf<T>& LinearOf<T>::forward(const Matrix& X, bool) {
    require_product("Linear::forward", "X", shape_of(X), "W", shape_of(W));
    X_ = &X;
    //! [linear_forward]
    // Weighted sums: (B, in) x (in, out) -> (B, out), plus the bias on every row.
    ensure_shape(Z_, X.size1(), W.size2());
    engine->A_B(X, W, Z_);
    if (b)
        for (std::size_t s = 0; s < Z_.size1(); ++s)
            row(Z_, s) += *b;
    return Z_;
    //! [linear_forward]
}

template <Scalar T>
const MatrixOf<T>& LinearOf<T>::backward(const Matrix& dJ_dZ, InputGradient input) {
    if (!X_) throw std::logic_error("Linear::backward: called before forward");
    require_same_shape("Linear::backward", "dJ/dZ", dJ_dZ, "Z", Z_);
    //! [linear_backward]
    // Input: δ W^T, (B, out) x (in, out)^T -> (B, in), through the weights of the forward pass.
    if (input == InputGradient::compute) {
        ensure_shape(dJ_dX_, dJ_dZ.size1(), W.size1());
        engine->A_Bt(dJ_dZ, W, dJ_dX_);
    } else {
        dJ_dX_.resize(0, 0, false);
    }
    if (fused_learning_rate) return descend_fused(dJ_dZ, *fused_learning_rate);  // chapter 8
    // Weights: X^T δ, (B, in)^T x (B, out) -> (in, out).
    ensure_shape(dJ_dW, W.size1(), W.size2());
    engine->At_B(*X_, dJ_dZ, dJ_dW);
    // Bias: every sample's δ, summed over the batch, (out).
    if (b) column_sums(dJ_dZ, *dJ_db);
    return dJ_dX_;
    //! [linear_backward]
}

// The fused step: W <- W - α X^T δ as one product that adds into W, (B, in)^T x (B, out) ->
// (in, out); the gradient is never stored. The bias steps with its (small) gradient.
template <Scalar T>
const MatrixOf<T>& LinearOf<T>::descend_fused(const Matrix& dJ_dZ, double alpha) {
    engine->add_At_B(static_cast<T>(-alpha), *X_, dJ_dZ, W);
    if (b) {
        column_sums(dJ_dZ, *dJ_db);
        noalias(*b) -= static_cast<T>(alpha) * *dJ_db;
    }
    return dJ_dX_;
}

template <Scalar T>
std::vector<ParameterViewOf<T>> LinearOf<T>::parameters() {
    std::vector<ParameterView> views{{"W", span_of(W), span_of(dJ_dW), true}};
    if (b) views.push_back({"b", span_of(*b), span_of(*dJ_db), false});
    return views;
}

template <Scalar T>
std::span<const T> LinearOf<T>::shift_gradient() const {
    if (!dJ_db) return {};
    return span_of(*dJ_db);
}

// ---- ActivationLayer --------------------------------------------------------------------

template <Scalar T>
std::string ActivationLayerOf<T>::description() const {
    return std::string(f.name);
}

template <Scalar T>
const MatrixOf<T>& ActivationLayerOf<T>::forward(const Matrix& Z, bool) {
    ensure_shape(A_, Z.size1(), Z.size2());
    if (one_at_a_time)
        std::transform(Z.data().begin(), Z.data().end(), A_.data().begin(),
                       [this](T z) { return static_cast<T>(f.f(z)); });
    else
        f.many(Z.data().data(), A_.data().data(), Z.data().size());
    return A_;
}

// f'(Z) from the kept output A = f(Z).
template <Scalar T>
const MatrixOf<T>& ActivationLayerOf<T>::backward(const Matrix& dJ_dA, InputGradient input) {
    if (A_.size1() == 0) throw std::logic_error("ActivationLayer::backward: called before forward");
    require_same_shape("ActivationLayer::backward", "dJ/dA", dJ_dA, "A", A_);
    if (input == InputGradient::skip) {
        dJ_dZ_.resize(0, 0, false);
        return dJ_dZ_;
    }
    //! [activation_backward]
    // δ = ∂J/∂Z = ∂J/∂A ⊙ f'(Z), elementwise, with f'(Z) from the kept A = f(Z): entry by
    // entry δ_i = (∂J/∂A)_i · f.df_from_f(A_i), in one loop (Activation::chain_many).
    ensure_shape(dJ_dZ_, dJ_dA.size1(), dJ_dA.size2());
    f.chain(A_.data().data(), dJ_dA.data().data(), dJ_dZ_.data().data(), A_.data().size());
    return dJ_dZ_;
    //! [activation_backward]
}

template <Scalar T>
MatrixOf<T> ActivationLayerOf<T>::derivative() const {
    if (A_.size1() == 0)
        throw std::logic_error("ActivationLayer::derivative: called before forward");
    Matrix df(A_.size1(), A_.size2());
    for (std::size_t i = 0; i < df.data().size(); ++i)
        df.data()[i] = static_cast<T>(f.df_from_f(A_.data()[i]));
    return df;
}

// ---- Softmax --------------------------------------------------------------------------------

template <Scalar T>
const MatrixOf<T>& SoftmaxOf<T>::forward(const Matrix& Z, bool) {
    A_ = softmax(Z);
    return A_;
}

template <Scalar T>
const MatrixOf<T>& SoftmaxOf<T>::backward(const Matrix& dJ_dA, InputGradient input) {
    if (A_.size1() == 0) throw std::logic_error("Softmax::backward: called before forward");
    require_same_shape("Softmax::backward", "dJ/dA", dJ_dA, "A", A_);
    if (input == InputGradient::skip) {
        dJ_dZ_.resize(0, 0, false);
        return dJ_dZ_;
    }
    // Per sample: δ_k = a_k (g_k − Σ_j g_j a_j), the Jacobian a_k (δ_kj − a_j) applied to g.
    ensure_shape(dJ_dZ_, A_.size1(), A_.size2());
    for (std::size_t s = 0; s < A_.size1(); ++s) {
        T g_dot_a = 0;
        for (std::size_t j = 0; j < A_.size2(); ++j)
            g_dot_a += dJ_dA(s, j) * A_(s, j);
        for (std::size_t k = 0; k < A_.size2(); ++k)
            dJ_dZ_(s, k) = A_(s, k) * (dJ_dA(s, k) - g_dot_a);
    }
    return dJ_dZ_;
}

// ---- BatchNorm ----------------------------------------------------------------------------

template <Scalar T>
BatchNormOf<T>::BatchNormOf(std::size_t features, double epsilon, double momentum)
    : gamma(features, 1.0),
      beta(features, 0.0),
      dJ_dgamma(features, 0.0),
      dJ_dbeta(features, 0.0),
      running_mean(features, 0.0),
      running_var(features, 1.0),
      epsilon_(epsilon),
      momentum_(momentum) {}

template <Scalar T>
std::string BatchNormOf<T>::description() const {
    return "BatchNorm " + std::to_string(gamma.size());
}

template <Scalar T>
const MatrixOf<T>& BatchNormOf<T>::forward(const Matrix& X, bool training) {
    const std::size_t B = X.size1(), n = X.size2();
    if (n != gamma.size())
        throw std::invalid_argument("BatchNorm::forward: X is " + to_string(shape_of(X)) +
                                    " but the layer has " + std::to_string(gamma.size()) +
                                    " features");
    if (training && B < 2)
        throw std::invalid_argument(
            "BatchNorm::forward: a training batch needs at least 2 samples, got " +
            std::to_string(B));
    last_forward_in_training_ = training;
    ensure_shape(x_hat_, B, n);
    ensure_shape(Y_, B, n);
    inv_std_.resize(n, false);
    for (std::size_t j = 0; j < n; ++j) {
        double mean = running_mean(j), var = running_var(j);
        if (training) {
            // The batch's mean and (biased) variance of feature j.
            mean = 0.0;
            for (std::size_t s = 0; s < B; ++s)
                mean += X(s, j);
            mean /= double(B);
            var = 0.0;
            for (std::size_t s = 0; s < B; ++s)
                var += (X(s, j) - mean) * (X(s, j) - mean);
            var /= double(B);
            running_mean(j) += momentum_ * (mean - running_mean(j));
            running_var(j) += momentum_ * (var - running_var(j));
        }
        inv_std_(j) = 1.0 / std::sqrt(var + epsilon_);
        for (std::size_t s = 0; s < B; ++s) {
            x_hat_(s, j) = (X(s, j) - mean) * inv_std_(j);
            Y_(s, j) = gamma(j) * x_hat_(s, j) + beta(j);
        }
    }
    return Y_;
}

template <Scalar T>
const MatrixOf<T>& BatchNormOf<T>::backward(const Matrix& dJ_dY, InputGradient input) {
    require_same_shape("BatchNorm::backward", "dJ/dY", dJ_dY, "Y", Y_);
    // The gradient below differentiates through the batch's own statistics.
    if (!last_forward_in_training_)
        throw std::logic_error(
            "BatchNorm::backward: the last forward was not in training mode; backward needs "
            "the batch statistics of a training forward");
    const std::size_t B = dJ_dY.size1(), n = dJ_dY.size2();
    if (input == InputGradient::compute)
        ensure_shape(dJ_dX_, B, n);
    else
        dJ_dX_.resize(0, 0, false);
    for (std::size_t j = 0; j < n; ++j) {
        double sum_g = 0.0, sum_g_xhat = 0.0;
        for (std::size_t s = 0; s < B; ++s) {
            sum_g += dJ_dY(s, j);
            sum_g_xhat += dJ_dY(s, j) * x_hat_(s, j);
        }
        dJ_dbeta(j) = sum_g;
        dJ_dgamma(j) = sum_g_xhat;
        if (input == InputGradient::skip) continue;
        const double scale = gamma(j) * inv_std_(j) / double(B);
        for (std::size_t s = 0; s < B; ++s)
            dJ_dX_(s, j) = scale * (double(B) * dJ_dY(s, j) - sum_g - x_hat_(s, j) * sum_g_xhat);
    }
    return dJ_dX_;
}

template <Scalar T>
std::vector<ParameterViewOf<T>> BatchNormOf<T>::parameters() {
    return {{"gamma", span_of(gamma), span_of(dJ_dgamma), false},
            {"beta", span_of(beta), span_of(dJ_dbeta), false}};
}

template <Scalar T>
std::span<const T> BatchNormOf<T>::shift_gradient() const {
    return span_of(dJ_dbeta);
}

// ---- Sequential -----------------------------------------------------------------------------

template <Scalar T>
SequentialOf<T>::SequentialOf(std::vector<std::unique_ptr<Layer>> layers_)
    : layers(std::move(layers_)) {
    if (layers.empty()) throw std::invalid_argument("Sequential: no layers");
    // The features each sample has between layers, once a layer fixes them, and which layer
    // did: every later layer that fixes its inputs must take exactly that many.
    std::optional<std::size_t> width;
    std::size_t giver = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::optional<std::size_t> in = layers[i]->inputs();
        if (in && width && *in != *width)
            throw std::invalid_argument(
                "Sequential: layer " + std::to_string(i + 1) + " (" + layers[i]->description() +
                ") takes " + std::to_string(*in) + " inputs but layer " +
                std::to_string(giver + 1) + " (" + layers[giver]->description() + ") gives " +
                std::to_string(*width));
        if (const std::optional<std::size_t> out = layers[i]->outputs()) {
            width = out;
            giver = i;
        }
    }
}

template <Scalar T>
std::optional<std::size_t> SequentialOf<T>::inputs() const {
    for (const auto& layer : layers)
        if (const auto in = layer->inputs()) return in;
    return std::nullopt;
}

template <Scalar T>
void SequentialOf<T>::throw_not_a(std::size_t i) const {
    const std::string call = "Sequential::layer(" + std::to_string(i) + "): ";
    if (i >= layers.size())
        throw std::invalid_argument(call + "the network has " + std::to_string(layers.size()) +
                                    " layers, counted from 0");
    throw std::invalid_argument(call + layers[i]->description() + " is not the kind asked for");
}

template <Scalar T>
const MatrixOf<T>& SequentialOf<T>::forward(const Matrix& X, bool training) {
    const Matrix* h = &X;
    for (auto& layer : layers)
        h = &layer->forward(*h, training);
    return *h;
}

//! [sequential_backward]
template <Scalar T>
const MatrixOf<T>& SequentialOf<T>::backward(const Matrix& dJ_dY, InputGradient input) {
    // From the output back: each layer turns the gradient of its output into that of its
    // input, storing the gradients of its own parameters on the way. The first layer's
    // input is the network's.
    const Matrix* g = &dJ_dY;
    for (std::size_t i = layers.size(); i-- > 0;)
        g = &layers[i]->backward(*g, i == 0 ? input : InputGradient::compute);
    return *g;
}
//! [sequential_backward]

template <Scalar T>
std::vector<ParameterViewOf<T>> SequentialOf<T>::parameters() {
    std::vector<ParameterView> all;
    for (auto& layer : layers)
        for (ParameterView& p : layer->parameters())
            all.push_back(p);
    return all;
}

template <Scalar T>
void SequentialOf<T>::use_engine(const Products& engine) {
    for (auto& layer : layers)
        layer->use_engine(engine);
}

// ---- Residual -------------------------------------------------------------------------------

template <Scalar T>
ResidualOf<T>::ResidualOf(std::vector<std::unique_ptr<Layer>> block_) : block(std::move(block_)) {}

template <Scalar T>
std::string ResidualOf<T>::description() const {
    std::string text = "Residual(";
    for (std::size_t i = 0; i < block.layers.size(); ++i)
        text += (i ? " -> " : "") + block.layers[i]->description();
    return text + ")";
}

template <Scalar T>
const MatrixOf<T>& ResidualOf<T>::forward(const Matrix& X, bool training) {
    const Matrix& F = block.forward(X, training);
    require_same_shape("Residual::forward", "F(X)", F, "X", X);
    Y_ = X + F;  // Y = X + F(X)
    return Y_;
}

template <Scalar T>
const MatrixOf<T>& ResidualOf<T>::backward(const Matrix& dJ_dY, InputGradient input) {
    const Matrix& dJ_dX_through_F = block.backward(dJ_dY, input);
    if (input == InputGradient::skip) {
        dJ_dX_.resize(0, 0, false);
        return dJ_dX_;
    }
    dJ_dX_ = dJ_dY + dJ_dX_through_F;  // the skip path adds dJ/dY itself
    return dJ_dX_;
}

template <Scalar T>
std::vector<ParameterViewOf<T>> ResidualOf<T>::parameters() {
    return block.parameters();
}

template <Scalar T>
std::span<const T> ResidualOf<T>::shift_gradient() const {
    for (const auto& layer : block.layers)
        if (!layer->shift_gradient().empty()) return layer->shift_gradient();
    return {};
}

// ---- Both precisions, compiled once ---------------------------------------------------------

template struct ParameterViewOf<double>;
template struct ParameterViewOf<float>;
template class LayerOf<double>;
template class LayerOf<float>;
template class LinearOf<double>;
template class LinearOf<float>;
template class ActivationLayerOf<double>;
template class ActivationLayerOf<float>;
template class SoftmaxOf<double>;
template class SoftmaxOf<float>;
template class BatchNormOf<double>;
template class BatchNormOf<float>;
template class SequentialOf<double>;
template class SequentialOf<float>;
template class ResidualOf<double>;
template class ResidualOf<float>;

}  // namespace backprop
