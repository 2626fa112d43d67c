/// \file
/// \brief Layers that compose: linear maps, activations, batch normalization and residual
/// connections, each with its forward and backward pass side by side, and the network they
/// make.
///
/// Every step of a network is a Layer of its own, and a network is a Sequential of them. The
/// article's 2-3-1 network is
///
///     Linear(W1) -> Activation(σ) -> Linear(W2) -> Activation(σ)
///
/// and the fixes for vanishing gradients (\ref chapter_vanishing) put other steps between
/// those: batch normalization between a linear map and its activation, and a skip connection
/// around a whole block:
///
///     Linear -> BatchNorm -> Activation -> Residual(Linear -> Activation) -> ... -> Linear
///
/// A layer maps a mini-batch `(B, in) -> (B, out)`. Its backward pass takes
/// \f$\partial J/\partial Y\f$ `(B, out)`, stores the gradients of its own parameters, and
/// returns \f$\partial J/\partial X\f$ `(B, in)` for the layer before. Gradients are fresh
/// values each call, never accumulated. Every layer keeps its outputs and gradients in
/// buffers of its own, reused from one mini-batch to the next, so a training loop allocates
/// nothing.
///
/// How a Linear layer computes its three products is its **engine** (products.hpp): the
/// article's per-sample, per-neuron loops, uBLAS, OpenBLAS or Eigen. Chapter 8 times one
/// network under each; every other chapter uses the fastest.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"
#include "backprop/core/products.hpp"

namespace backprop {

/// One parameter array of a layer and its gradient, in the layer's precision \p T, for
/// updates and gradient checks.
template <Scalar T>
struct ParameterViewOf {
    std::string name;             ///< e.g. `"W"`, `"gamma"`
    std::span<T> value;           ///< the parameter's entries
    std::span<const T> gradient;  ///< \f$\partial J/\partial\f$ each entry, after backward
    bool decays = false;  ///< whether weight decay pulls it towards 0 (weights: yes; shifts: no)
};

/// Whether a backward pass computes \f$\partial J/\partial X\f$. A network's first layer
/// need not: its input is the data, and for a Linear layer the skipped product is the
/// largest of the pass.
enum class InputGradient {
    compute,  ///< compute and return it
    skip,     ///< return an empty matrix
};

/// A step of a network: forward and backward for a mini-batch, in precision \p T (every
/// layer below is a template on it; `Layer`, `Linear`, ... are the Real ones).
template <Scalar T>
class LayerOf {
  public:
    using Matrix = MatrixOf<T>;                ///< the layer's matrices
    using ParameterView = ParameterViewOf<T>;  ///< the layer's parameters
    virtual ~LayerOf() = default;
    /// What the layer is, for people: `"Linear 784x30"`, `"BatchNorm 30"`.
    virtual std::string description() const = 0;
    /// How many features each sample must have coming in, where the layer fixes it (a Linear
    /// layer's `in`); none for a layer that takes any width (an activation).
    virtual std::optional<std::size_t> inputs() const { return std::nullopt; }
    /// How many features each sample has going out, where the layer fixes it; by default as
    /// many as come in.
    virtual std::optional<std::size_t> outputs() const { return inputs(); }
    /// `(B, in) -> (B, out)`. \p training selects batch statistics in BatchNorm. \p X must
    /// stay alive and unchanged until backward (layers may keep a reference to it).
    virtual const Matrix& forward(const Matrix& X, bool training) = 0;
    /// What the last forward returned, `(B, out)`; empty before the first.
    virtual const Matrix& output() const = 0;
    /// Given \f$\partial J/\partial Y\f$ for the last forward, stores the parameter gradients
    /// and returns \f$\partial J/\partial X\f$ (empty if \p input says skip), valid until the
    /// next backward.
    virtual const Matrix& backward(const Matrix& dJ_dY,
                                   InputGradient input = InputGradient::compute) = 0;
    /// The layer's parameters with their gradients (none for an activation).
    virtual std::vector<ParameterView> parameters() { return {}; }
    /// Computes the layer's matrix products with \p engine from now on (where it has any).
    virtual void use_engine(const Products& engine) { static_cast<void>(engine); }
    /// The gradient of the layer's additive shift, b of a Linear layer or \f$\beta\f$ of a
    /// BatchNorm, whose size Nielsen uses as a layer's speed of learning; empty if none.
    virtual std::span<const T> shift_gradient() const { return {}; }
};

/// \f$Z = XW + \mathbf 1 b^T\f$ with W `(in, out)`: row i of W holds the weights leaving
/// input i, column j the weights entering neuron j. For one sample (a row \f$x^T\f$) this is
/// \f$z = W^T x + b\f$, the reading of the article's printed \f$W_1\f$ that type-checks.
///
/// Given \f$\partial J/\partial Z\f$ (the error signal \f$\delta\f$), backward computes
/// \f[ \frac{\partial J}{\partial W} = X^T \delta, \qquad
///     \frac{\partial J}{\partial b} = \textstyle\sum_{\text{rows}} \delta, \qquad
///     \frac{\partial J}{\partial X} = \delta\, W^T. \f]
/// The batch average is already inside \f$\delta\f$ (see loss.hpp), so the parameter
/// gradients are sums over the rows, not means.
///
/// The products are the engine's, the fastest this build has unless use_engine() says
/// otherwise. With fused_learning_rate set, backward also takes a plain gradient-descent step
/// inside the weight-gradient product, \f$W \leftarrow W - \alpha X^T\delta\f$ in one GEMM,
/// so that \f$\partial J/\partial W\f$ is never written out and read back (see Sgd).
template <Scalar T>
class LinearOf : public LayerOf<T> {
  public:
    using Matrix = MatrixOf<T>;                ///< the layer's matrices
    using Vector = VectorOf<T>;                ///< the bias and its gradient
    using ParameterView = ParameterViewOf<T>;  ///< the layer's parameters
    /// A layer without bias, as in the article.
    explicit LinearOf(const Matrix& W);
    /// A layer with bias \p b.
    /// \throws std::invalid_argument if \p b does not have one entry per column of \p W.
    LinearOf(const Matrix& W, const Vector& b);
    std::string description() const override;
    std::optional<std::size_t> inputs() const override { return W.size1(); }
    std::optional<std::size_t> outputs() const override { return W.size2(); }
    /// \throws std::invalid_argument if \p X does not have `in` columns; the layer then
    ///   keeps the previous batch.
    const Matrix& forward(const Matrix& X, bool training) override;
    const Matrix& output() const override { return Z_; }
    /// \throws std::logic_error before any forward; std::invalid_argument if \p dJ_dZ is not
    ///   shaped like the last forward's output.
    const Matrix& backward(const Matrix& dJ_dZ,
                           InputGradient input = InputGradient::compute) override;
    std::vector<ParameterView> parameters() override;
    std::span<const T> shift_gradient() const override;
    void use_engine(const Products& engine_) override { engine = &engine_; }

    Matrix W;                     ///< weights `(in, out)`
    std::optional<Vector> b;      ///< bias `(out)`, if the layer has one
    Matrix dJ_dW;                 ///< \f$\partial J/\partial W\f$ after backward; zero before
    std::optional<Vector> dJ_db;  ///< \f$\partial J/\partial b\f$, likewise, with a bias
    const Products* engine = &fastest_products();  ///< computes the three products
    /// When set to \f$\alpha\f$, backward steps \f$W \leftarrow W - \alpha\,\partial
    /// J/\partial W\f$ and \f$b \leftarrow b - \alpha\,\partial J/\partial b\f$ itself, the
    /// first inside the product, and dJ_dW keeps its old value. Set by Sgd for one pass.
    std::optional<double> fused_learning_rate;

  private:
    const Matrix& descend_fused(const Matrix& dJ_dZ, double alpha);
    const Matrix* X_ = nullptr;
    Matrix Z_, dJ_dX_;
};

/// \f$A = f(Z)\f$ elementwise, with \f$\partial J/\partial Z = \partial J/\partial A \odot
/// f'(Z)\f$.
template <Scalar T>
class ActivationLayerOf : public LayerOf<T> {
  public:
    using Matrix = MatrixOf<T>;  ///< the layer's matrices
    /// A layer applying \p f.
    explicit ActivationLayerOf(const Activation& f) : f(f) {}
    std::string description() const override;
    const Matrix& forward(const Matrix& Z, bool training) override;
    const Matrix& output() const override { return A_; }
    /// \throws std::logic_error before any forward; std::invalid_argument if \p dJ_dA is not
    ///   shaped like the last forward's output.
    const Matrix& backward(const Matrix& dJ_dA,
                           InputGradient input = InputGradient::compute) override;
    /// \f$f'(Z)\f$ for the last forward, `(B, n)`, from its output \f$A = f(Z)\f$: the factor
    /// backward multiplies by. \throws std::logic_error before any forward.
    Matrix derivative() const;

    Activation f;  ///< the activation
    /// Whether forward evaluates \p f one value at a time with its scalar function, the
    /// plain libm result on every machine (the calculator's numbers), instead of the faster
    /// f_many, whose vector instructions may differ in the last bit.
    bool one_at_a_time = false;

  private:
    Matrix A_, dJ_dZ_;
};

/// Softmax of each row, \f$a_k = e^{z_k}/\sum_j e^{z_j}\f$, as a layer of its own, so that it
/// works with any loss. Its backward pass uses the Jacobian \f$\partial a_k/\partial z_j =
/// a_k(\delta_{kj} - a_j)\f$: per sample, with \f$g = \partial J/\partial a\f$,
/// \f[ \delta_k = a_k \Bigl(g_k - \sum_j g_j a_j\Bigr). \f]
/// (With cross-entropy the two together simplify to \f$a - t\f$, which
/// softmax_cross_entropy_gradient() computes directly from the logits.)
template <Scalar T>
class SoftmaxOf : public LayerOf<T> {
  public:
    using Matrix = MatrixOf<T>;  ///< the layer's matrices
    std::string description() const override { return "softmax"; }
    const Matrix& forward(const Matrix& Z, bool training) override;
    const Matrix& output() const override { return A_; }
    /// \throws std::logic_error before any forward; std::invalid_argument if \p dJ_dA is not
    ///   shaped like the last forward's output.
    const Matrix& backward(const Matrix& dJ_dA,
                           InputGradient input = InputGradient::compute) override;

  private:
    Matrix A_, dJ_dZ_;
};

/// Batch normalization (Ioffe and Szegedy, 2015): each feature j is standardised over the
/// mini-batch, then scaled and shifted by learned \f$\gamma_j, \beta_j\f$:
/// \f[ \hat x_{sj} = \frac{x_{sj} - \mu_j}{\sqrt{\sigma_j^2 + \varepsilon}}, \qquad
///     y_{sj} = \gamma_j \hat x_{sj} + \beta_j, \f]
/// with \f$\mu_j, \sigma_j^2\f$ the batch's mean and (biased) variance. Its backward pass,
/// per feature, with \f$g = \partial J/\partial y\f$:
/// \f[ \frac{\partial J}{\partial \beta} = \sum_s g_s, \quad
///     \frac{\partial J}{\partial \gamma} = \sum_s g_s \hat x_s, \quad
///     \frac{\partial J}{\partial x_s} = \frac{\gamma}{B\sqrt{\sigma^2+\varepsilon}}
///     \Bigl(B g_s - \sum_r g_r - \hat x_s \sum_r g_r \hat x_r\Bigr). \f]
/// Outside training it uses running averages of \f$\mu\f$ and \f$\sigma^2\f$ instead.
template <Scalar T>
class BatchNormOf : public LayerOf<T> {
  public:
    using Matrix = MatrixOf<T>;                ///< the layer's matrices
    using Vector = VectorOf<T>;                ///< the per-feature parameters and statistics
    using ParameterView = ParameterViewOf<T>;  ///< the layer's parameters
    /// \p features features, \f$\gamma = 1\f$, \f$\beta = 0\f$.
    explicit BatchNormOf(std::size_t features, double epsilon = 1e-5, double momentum = 0.1);
    std::string description() const override;
    std::optional<std::size_t> inputs() const override { return gamma.size(); }
    /// \throws std::invalid_argument in training with a batch of one sample (no variance).
    const Matrix& forward(const Matrix& X, bool training) override;
    const Matrix& output() const override { return Y_; }
    /// \throws std::logic_error unless the last forward was in training mode.
    const Matrix& backward(const Matrix& dJ_dY,
                           InputGradient input = InputGradient::compute) override;
    std::vector<ParameterView> parameters() override;
    std::span<const T> shift_gradient() const override;

    Vector gamma;         ///< the learned scale \f$\gamma\f$
    Vector beta;          ///< the learned shift \f$\beta\f$
    Vector dJ_dgamma;     ///< \f$\partial J/\partial\gamma\f$, after backward
    Vector dJ_dbeta;      ///< \f$\partial J/\partial\beta\f$, after backward
    Vector running_mean;  ///< the running mean of each feature, for forward outside training
    Vector running_var;   ///< the running variance of each feature, likewise

  private:
    double epsilon_, momentum_;
    bool last_forward_in_training_ = false;
    Matrix x_hat_, Y_, dJ_dX_;
    Vector inv_std_;
};

/// A network: layers applied in order, the output of each the input of the next, every one
/// in precision \p T.
template <Scalar T>
class SequentialOf {
  public:
    using Matrix = MatrixOf<T>;                ///< the network's matrices
    using Layer = LayerOf<T>;                  ///< the network's layers
    using ParameterView = ParameterViewOf<T>;  ///< the network's parameters
    /// \throws std::invalid_argument if \p layers is empty, or a layer takes a different
    ///   number of features than the layers before it give (naming both).
    explicit SequentialOf(std::vector<std::unique_ptr<Layer>> layers);
    /// The network of the layers given, in order, e.g.
    /// `Sequential(Linear(W1), ActivationLayer(activations::sigmoid))`.
    /// \throws std::invalid_argument as the constructor above.
    template <std::derived_from<Layer>... Ls>
    requires(sizeof...(Ls) > 0) explicit SequentialOf(Ls... layers)
        : SequentialOf(owned(std::move(layers)...)) {}
    /// \name A network owns its layers: it moves, and is not copied.
    ///@{
    SequentialOf(SequentialOf&&) noexcept = default;             ///< takes over the layers
    SequentialOf& operator=(SequentialOf&&) noexcept = default;  ///< takes over the layers
    SequentialOf(const SequentialOf&) = delete;                  ///< not copied
    SequentialOf& operator=(const SequentialOf&) = delete;       ///< not copied
    ~SequentialOf() = default;                                   ///< destroys the layers
    ///@}
    /// The features the first layer that fixes them takes; none if no layer does.
    std::optional<std::size_t> inputs() const;
    /// Forward through every layer: `(B, in) -> (B, out)`. \p training (the default) uses
    /// the batch's statistics in BatchNorm; false uses the running averages, for evaluation.
    /// \p X must stay alive and unchanged until backward.
    const Matrix& forward(const Matrix& X, bool training = true);
    /// Not for a temporary: backward reads the input of the last forward.
    const Matrix& forward(Matrix&& X, bool training = true) = delete;
    /// Backward through every layer, from \f$\partial J/\partial Y\f$ `(B, out)`: every
    /// layer stores the gradients of its parameters. Training needs no gradient of the data,
    /// so by default the first layer skips it and the result is empty; with
    /// InputGradient::compute it is \f$\partial J/\partial X\f$ `(B, in)`.
    const Matrix& backward(const Matrix& dJ_dY, InputGradient input = InputGradient::skip);
    /// Every layer's parameters, input side first.
    std::vector<ParameterView> parameters();
    /// Every Linear layer computes its products with \p engine from now on.
    void use_engine(const Products& engine);

    /// Layer \p i (0-based) as the kind of layer it is, e.g. `layer<Linear>(0).W`.
    /// \throws std::invalid_argument if there is no layer \p i or it is not an \p L.
    template <class L>
    L& layer(std::size_t i) {
        L* typed = i < layers.size() ? dynamic_cast<L*>(layers[i].get()) : nullptr;
        if (!typed) throw_not_a(i);
        return *typed;
    }
    /// The same, read-only.
    template <class L>
    const L& layer(std::size_t i) const {
        const L* typed = i < layers.size() ? dynamic_cast<const L*>(layers[i].get()) : nullptr;
        if (!typed) throw_not_a(i);
        return *typed;
    }

    std::vector<std::unique_ptr<Layer>> layers;  ///< input side first

  private:
    template <class... Ls>
    static std::vector<std::unique_ptr<Layer>> owned(Ls... layers) {
        std::vector<std::unique_ptr<Layer>> all;
        (all.push_back(std::make_unique<Ls>(std::move(layers))), ...);
        return all;
    }
    [[noreturn]] void throw_not_a(std::size_t i) const;
};

/// A skip connection around a block: \f$Y = X + F(X)\f$, so that
/// \f$\partial J/\partial X = \partial J/\partial Y + \partial J/\partial Y \cdot
/// \partial F/\partial X\f$: the gradient reaches X undiminished, whatever F does to it.
template <Scalar T>
class ResidualOf : public LayerOf<T> {
  public:
    using Matrix = MatrixOf<T>;                ///< the block's matrices
    using Layer = LayerOf<T>;                  ///< the block's layers
    using ParameterView = ParameterViewOf<T>;  ///< the block's parameters
    /// \p block must map `(B, n) -> (B, n)`.
    /// \throws std::invalid_argument if \p block is empty.
    explicit ResidualOf(std::vector<std::unique_ptr<Layer>> block);
    std::string description() const override;
    std::optional<std::size_t> inputs() const override { return block.inputs(); }
    const Matrix& forward(const Matrix& X, bool training) override;
    const Matrix& output() const override { return Y_; }
    const Matrix& backward(const Matrix& dJ_dY,
                           InputGradient input = InputGradient::compute) override;
    std::vector<ParameterView> parameters() override;
    std::span<const T> shift_gradient() const override;
    void use_engine(const Products& engine) override { block.use_engine(engine); }

    SequentialOf<T> block;  ///< F

  private:
    Matrix Y_, dJ_dX_;
};

// Both precisions are compiled once, in layers.cpp.
extern template struct ParameterViewOf<double>;
extern template struct ParameterViewOf<float>;
extern template class LayerOf<double>;
extern template class LayerOf<float>;
extern template class LinearOf<double>;
extern template class LinearOf<float>;
extern template class ActivationLayerOf<double>;
extern template class ActivationLayerOf<float>;
extern template class SoftmaxOf<double>;
extern template class SoftmaxOf<float>;
extern template class BatchNormOf<double>;
extern template class BatchNormOf<float>;
extern template class SequentialOf<double>;
extern template class SequentialOf<float>;
extern template class ResidualOf<double>;
extern template class ResidualOf<float>;

/// \name The library's layers and network in Real, the precision of every worked example
///@{
using ParameterView = ParameterViewOf<Real>;      ///< a parameter of a Real layer
using Layer = LayerOf<Real>;                      ///< a Real layer
using Linear = LinearOf<Real>;                    ///< a Real linear layer
using ActivationLayer = ActivationLayerOf<Real>;  ///< a Real activation layer
using Softmax = SoftmaxOf<Real>;                  ///< a Real softmax layer
using BatchNorm = BatchNormOf<Real>;              ///< a Real batch normalization
using Sequential = SequentialOf<Real>;            ///< a Real network
using Residual = ResidualOf<Real>;                ///< a Real skip connection
///@}

}  // namespace backprop
