// The vectorized step: the whole mini-batch at once, three matrix products per layer.
#include <algorithm>

#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"

#include "mlp_checks.hpp"

namespace backprop {
namespace {

class VectorizedStep final : public MlpStep {
  public:
    explicit VectorizedStep(const Products& products) : products_(products) {}

    std::string_view name() const override { return products_.name; }

    const Matrix& forward(const MlpParameters& p, const Matrix& X) override {
        detail::check_batch(name(), p, X);
        const std::size_t B = X.size1(), L = p.W.size();
        X_ = &X;
        Z_.resize(L);
        A_.resize(L);
        for (std::size_t l = 0; l < L; ++l) {
            const Matrix& A_in = l == 0 ? X : A_[l - 1];
            const std::size_t n = p.W[l].size2();
            // Weighted sums: (B, n_{l-1}) x (n_{l-1}, n_l) -> (B, n_l), plus the bias.
            ensure_shape(Z_[l], B, n);
            products_.A_B(A_in, p.W[l], Z_[l]);
            double* z = Z_[l].data().data();
            for (std::size_t s = 0; s < B; ++s)
                for (std::size_t j = 0; j < n; ++j)
                    z[s * n + j] += p.b[l](j);
            // Activations of the hidden layers; the output layer's logits are Z itself.
            if (l + 1 < L) {
                ensure_shape(A_[l], B, n);
                p.hidden.f_many(Z_[l].data().data(), A_[l].data().data(), B * n);
            }
        }
        return Z_.back();
    }

    const MlpGradients& backward(const MlpParameters& p, const Matrix& T) override {
        propagate(p, T, nullptr, 0.0);
        return g_;
    }

    // The step descends inside the backward pass: W <- W - alpha X^T delta in one product,
    // so that the gradient is never stored and read back.
    double step(MlpParameters& p, const Matrix& X, const Matrix& T, double learning_rate) override {
        const double J = softmax_cross_entropy(forward(p, X), T);
        propagate(p, T, &p, learning_rate);
        return J;
    }

  private:
    /// The backward pass. Without \p descend, stores the gradients in g_; with it, takes the
    /// gradient step on \p descend (the same parameters as \p p) layer by layer instead.
    void propagate(const MlpParameters& p, const Matrix& T, MlpParameters* descend,
                   double learning_rate) {
        detail::check_targets(name(), Z_, T);
        const std::size_t B = T.size1(), L = p.W.size();
        g_.dJ_dW.resize(L);
        g_.dJ_db.resize(L);
        // Output error: softmax(Z) - T, over B (BP1 for softmax with cross-entropy).
        softmax_cross_entropy_gradient(Z_.back(), T, delta_);
        for (std::size_t l = L; l-- > 0;) {
            const Matrix& A_in = l == 0 ? *X_ : A_[l - 1];
            // Error sent back: (B, n_l) x (n_{l-1}, n_l)^T -> (B, n_{l-1})  (BP2, first half),
            // through the weights as they were in the forward pass.
            if (l > 0) {
                ensure_shape(error_, B, p.W[l].size1());
                products_.A_Bt(delta_, p.W[l], error_);
            }
            // Bias: the batch's errors, summed  (BP4)
            Vector& db = g_.dJ_db[l];
            db.resize(p.W[l].size2(), false);
            std::fill(db.begin(), db.end(), 0.0);
            const std::size_t n = delta_.size2();
            const double* d = delta_.data().data();
            for (std::size_t s = 0; s < B; ++s)
                for (std::size_t j = 0; j < n; ++j)
                    db(j) += d[s * n + j];
            // Weights: (B, n_{l-1})^T x (B, n_l) -> (n_{l-1}, n_l)  (BP3)
            if (descend) {
                products_.add_At_B(-learning_rate, A_in, delta_, descend->W[l]);
                noalias(descend->b[l]) -= learning_rate * db;
            } else {
                ensure_shape(g_.dJ_dW[l], p.W[l].size1(), p.W[l].size2());
                products_.At_B(A_in, delta_, g_.dJ_dW[l]);
            }
            if (l == 0) break;
            // ... then ⊙ f'(Z), from the kept activations A = f(Z)  (BP2, second half)
            std::transform(error_.data().begin(), error_.data().end(), A_in.data().begin(),
                           error_.data().begin(),
                           [&](double e, double a) { return e * p.hidden.df_from_f(a); });
            delta_.swap(error_);
        }
    }

    const Products& products_;
    const Matrix* X_ = nullptr;
    std::vector<Matrix> Z_, A_;  // per layer, (B, n_l); A_ of the output layer is unused
    Matrix delta_, error_;
    MlpGradients g_;
};

}  // namespace

std::unique_ptr<MlpStep> make_vectorized_step(const Products& products) {
    return std::make_unique<VectorizedStep>(products);
}

}  // namespace backprop
