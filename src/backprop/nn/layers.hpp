/// \file
/// \brief Layers that compose: linear maps, activations, batch normalization and residual
/// connections, each with its forward and backward pass side by side.
///
/// The Dense layer of the first chapters fuses a linear map with its activation, which is
/// all a plain network needs. The fixes for vanishing gradients (\ref chapter_vanishing) put
/// other things between them: batch normalization between the linear map and the activation,
/// and a skip connection around a whole block. So here every step is a Layer of its own, and
/// a network is a Sequential of them:
///
///     Linear -> BatchNorm -> Activation -> Residual(Linear -> Activation) -> ... -> Linear
///
/// A layer maps a mini-batch `(B, in) -> (B, out)`. Its backward pass takes
/// \f$\partial J/\partial Y\f$ `(B, out)`, stores the gradients of its own parameters, and
/// returns \f$\partial J/\partial X\f$ `(B, in)` for the layer before. Gradients are fresh
/// values each call, never accumulated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"

namespace backprop {

/// One parameter array of a layer and its gradient, for updates and gradient checks.
struct ParameterView {
    std::string name;                  ///< e.g. `"W"`, `"gamma"`
    std::span<double> value;           ///< the parameter's entries
    std::span<const double> gradient;  ///< \f$\partial J/\partial\f$ each entry, after backward
};

/// A step of a network: forward and backward for a mini-batch.
class Layer {
  public:
    virtual ~Layer() = default;
    /// What the layer is, for people: `"Linear 784x30"`, `"BatchNorm 30"`.
    virtual std::string description() const = 0;
    /// `(B, in) -> (B, out)`. \p training selects batch statistics in BatchNorm. \p X must
    /// stay alive and unchanged until backward (layers may keep a reference to it).
    virtual const Matrix& forward(const Matrix& X, bool training) = 0;
    /// Given \f$\partial J/\partial Y\f$ for the last forward, stores the parameter gradients
    /// and returns \f$\partial J/\partial X\f$.
    virtual Matrix backward(const Matrix& dJ_dY) = 0;
    /// The layer's parameters with their gradients (none for an activation).
    virtual std::vector<ParameterView> parameters() { return {}; }
    /// The gradient of the layer's additive shift, b of a Linear layer or \f$\beta\f$ of a
    /// BatchNorm, whose size Nielsen uses as a layer's speed of learning; empty if none.
    virtual std::span<const double> shift_gradient() const { return {}; }
};

/// \f$Y = XW + \mathbf 1 b^T\f$ with W `(in, out)`.
class Linear : public Layer {
  public:
    /// \throws std::invalid_argument if \p b does not have one entry per column of \p W.
    Linear(const Matrix& W, const Vector& b);
    std::string description() const override;
    const Matrix& forward(const Matrix& X, bool training) override;
    Matrix backward(const Matrix& dJ_dY) override;
    std::vector<ParameterView> parameters() override;
    std::span<const double> shift_gradient() const override;

    Matrix W;      ///< weights `(in, out)`
    Vector b;      ///< bias `(out)`
    Matrix dJ_dW;  ///< after backward; zero before
    Vector dJ_db;  ///< after backward; zero before

  private:
    const Matrix* X_ = nullptr;
    Matrix Y_;
};

/// \f$A = f(Z)\f$ elementwise, with \f$\partial J/\partial Z = \partial J/\partial A \odot
/// f'(Z)\f$.
class ActivationLayer : public Layer {
  public:
    /// A layer applying \p f.
    explicit ActivationLayer(const Activation& f) : f(f) {}
    std::string description() const override;
    const Matrix& forward(const Matrix& Z, bool training) override;
    Matrix backward(const Matrix& dJ_dA) override;

    Activation f;  ///< the activation

  private:
    Matrix A_;
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
class BatchNorm : public Layer {
  public:
    /// \p features features, \f$\gamma = 1\f$, \f$\beta = 0\f$.
    explicit BatchNorm(std::size_t features, double epsilon = 1e-5, double momentum = 0.1);
    std::string description() const override;
    /// \throws std::invalid_argument in training with a batch of one sample (no variance).
    const Matrix& forward(const Matrix& X, bool training) override;
    /// \throws std::logic_error unless the last forward was in training mode.
    Matrix backward(const Matrix& dJ_dY) override;
    std::vector<ParameterView> parameters() override;
    std::span<const double> shift_gradient() const override;

    Vector gamma;         ///< the learned scale \f$\gamma\f$
    Vector beta;          ///< the learned shift \f$\beta\f$
    Vector dJ_dgamma;     ///< \f$\partial J/\partial\gamma\f$, after backward
    Vector dJ_dbeta;      ///< \f$\partial J/\partial\beta\f$, after backward
    Vector running_mean;  ///< the running mean of each feature, for forward outside training
    Vector running_var;   ///< the running variance of each feature, likewise

  private:
    double epsilon_, momentum_;
    bool last_forward_in_training_ = false;
    Matrix x_hat_, Y_;
    Vector inv_std_;
};

/// Layers applied in order.
class Sequential {
  public:
    /// \throws std::invalid_argument if \p layers is empty.
    explicit Sequential(std::vector<std::unique_ptr<Layer>> layers);
    /// Forward through every layer.
    const Matrix& forward(const Matrix& X, bool training);
    /// Backward through every layer; returns \f$\partial J/\partial X\f$.
    Matrix backward(const Matrix& dJ_dY);
    /// Every layer's parameters, input side first.
    std::vector<ParameterView> parameters();
    /// \f$\theta \leftarrow \theta - \alpha\,\partial J/\partial\theta\f$ for every parameter.
    void sgd_step(double learning_rate);

    std::vector<std::unique_ptr<Layer>> layers;  ///< input side first
};

/// A skip connection around a block: \f$Y = X + F(X)\f$, so that
/// \f$\partial J/\partial X = \partial J/\partial Y + \partial J/\partial Y \cdot
/// \partial F/\partial X\f$: the gradient reaches X undiminished, whatever F does to it.
class Residual : public Layer {
  public:
    /// \p block must map `(B, n) -> (B, n)`.
    /// \throws std::invalid_argument if \p block is empty.
    explicit Residual(std::vector<std::unique_ptr<Layer>> block);
    std::string description() const override;
    const Matrix& forward(const Matrix& X, bool training) override;
    Matrix backward(const Matrix& dJ_dY) override;
    std::vector<ParameterView> parameters() override;
    std::span<const double> shift_gradient() const override;

    Sequential block;  ///< F

  private:
    Matrix Y_;
};

}  // namespace backprop
