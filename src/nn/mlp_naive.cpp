// The naive step: the article's way of thinking, one sample and one neuron at a time.
#include <vector>

#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"

#include "mlp_checks.hpp"

namespace backprop {
namespace {

class NaiveStep final : public MlpStep {
  public:
    std::string_view name() const override { return "naive"; }

    const Matrix& forward(const MlpParameters& p, const Matrix& X) override {
        detail::check_batch(name(), p, X);
        const std::size_t B = X.size1(), L = p.W.size();
        X_ = &X;
        Z_.resize(L);
        A_.resize(L - 1);  // the hidden layers' activations; the output layer's are its logits
        for (std::size_t l = 0; l < L; ++l) {
            ensure_shape(Z_[l], B, p.W[l].size2());
            if (l + 1 < L) ensure_shape(A_[l], B, p.W[l].size2());
        }
        for (std::size_t s = 0; s < B; ++s) {  // one sample at a time
            for (std::size_t l = 0; l < L; ++l) {
                const Matrix& a_in = l == 0 ? X : A_[l - 1];
                const Matrix& W = p.W[l];
                const bool output_layer = l + 1 == L;
                for (std::size_t j = 0; j < W.size2(); ++j) {  // one neuron at a time
                    double z = p.b[l](j);
                    for (std::size_t i = 0; i < W.size1(); ++i)
                        z += a_in(s, i) * W(i, j);
                    Z_[l](s, j) = z;
                    if (!output_layer) A_[l](s, j) = p.hidden.f(z);
                }
            }
        }
        return Z_.back();  // the logits
    }

    const MlpGradients& backward(const MlpParameters& p, const Matrix& T) override {
        detail::check_targets(name(), Z_, T);
        const std::size_t B = T.size1(), L = p.W.size();
        g_.dJ_dW.resize(L);
        g_.dJ_db.resize(L);
        for (std::size_t l = 0; l < L; ++l) {
            g_.dJ_dW[l] = Matrix(p.W[l].size1(), p.W[l].size2(), 0.0);
            g_.dJ_db[l] = Vector(p.W[l].size2(), 0.0);
        }
        // Output errors, (softmax(z) - t) / B for every sample (BP1 for softmax with
        // cross-entropy); the loop below takes them one sample at a time.
        softmax_cross_entropy_gradient(Z_.back(), T, output_error_);
        std::vector<double> delta, delta_before;
        for (std::size_t s = 0; s < B; ++s) {
            const auto error = boost::numeric::ublas::row(output_error_, s);
            delta.assign(error.begin(), error.end());

            for (std::size_t l = L; l-- > 0;) {
                const Matrix& a_in = l == 0 ? *X_ : A_[l - 1];
                const Matrix& W = p.W[l];
                for (std::size_t i = 0; i < W.size1(); ++i)
                    for (std::size_t j = 0; j < W.size2(); ++j)
                        g_.dJ_dW[l](i, j) += a_in(s, i) * delta[j];
                for (std::size_t j = 0; j < W.size2(); ++j)
                    g_.dJ_db[l](j) += delta[j];
                if (l == 0) break;
                // Send the error back through W, neuron by neuron.
                delta_before.assign(W.size1(), 0.0);
                for (std::size_t i = 0; i < W.size1(); ++i) {
                    double e = 0.0;
                    for (std::size_t j = 0; j < W.size2(); ++j)
                        e += delta[j] * W(i, j);
                    delta_before[i] = e * p.hidden.df(Z_[l - 1](s, i));
                }
                delta.swap(delta_before);
            }
        }
        return g_;
    }

  private:
    const Matrix* X_ = nullptr;
    std::vector<Matrix> Z_, A_;  // per layer, (B, n_l)
    Matrix output_error_;        // (B, n_L)
    MlpGradients g_;
};

}  // namespace

std::unique_ptr<MlpStep> make_naive_step() {
    return std::make_unique<NaiveStep>();
}

}  // namespace backprop
