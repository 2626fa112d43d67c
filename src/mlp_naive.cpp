// The naive step: the article's way of thinking, one sample and one neuron at a time.
#include <cmath>

#include "backprop/mlp.hpp"

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
        A_.resize(L);
        for (std::size_t l = 0; l < L; ++l) {
            ensure_shape(Z_[l], B, p.W[l].size2());
            ensure_shape(A_[l], B, p.W[l].size2());
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
                    A_[l](s, j) = output_layer ? z : p.hidden.f(z);
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
        std::vector<double> delta, delta_before;
        for (std::size_t s = 0; s < B; ++s) {
            // Output error of this sample: (softmax(z) sum(t) - t) / B.
            const Matrix& z = Z_.back();
            const std::size_t K = z.size2();
            double m = z(s, 0), sum = 0.0, t_sum = 0.0;
            for (std::size_t k = 1; k < K; ++k)
                m = std::max(m, z(s, k));
            for (std::size_t k = 0; k < K; ++k)
                sum += std::exp(z(s, k) - m), t_sum += T(s, k);
            delta.assign(K, 0.0);
            for (std::size_t k = 0; k < K; ++k)
                delta[k] = (t_sum * std::exp(z(s, k) - m) / sum - T(s, k)) / double(B);

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
    MlpGradients g_;
};

}  // namespace

std::unique_ptr<MlpStep> make_naive_step() {
    return std::make_unique<NaiveStep>();
}

}  // namespace backprop
