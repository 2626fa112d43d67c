// float32 beside float64. The library trains in either (Scalar T); these tests hold float to
// what its rounding allows, with every tolerance derived from float's unit roundoff
// u = 2^-24 (half its machine epsilon) and the sizes involved, never tuned to pass:
//
//   - each engine's four products, against an exact sum: Higham's bound for any order of
//     summation (blocked, SIMD, fused multiply-adds), |fl(AB) - AB| <= gamma_K |A||B|;
//   - a whole step (forward, softmax cross-entropy, backward) of float networks against their
//     double twins, started from the same weights;
//   - a finite-difference check in float, with a step chosen for float;
//   - saving and loading a float network.
#define BOOST_TEST_MODULE precision
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/core/products.hpp"
#include "backprop/data/model_file.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

/// float's unit roundoff: every float operation is exact to within a factor (1 + delta),
/// |delta| <= u.
constexpr double u = std::numeric_limits<float>::epsilon() / 2;

/// Higham's gamma_n = n u / (1 - n u): the relative error bound of a sum of n products.
double gamma(std::size_t n) {
    return double(n) * u / (1 - double(n) * u);
}

/// A matrix of floats in [-1, 1], held as doubles (so both precisions start from the same
/// numbers, each exactly representable in float).
Matrix random_floats(std::size_t rows, std::size_t cols, boost::random::mt19937_64& generator) {
    boost::random::uniform_real_distribution<double> uniform(-1.0, 1.0);
    Matrix m(rows, cols);
    for (double& x : m.data())
        x = double(float(uniform(generator)));
    return m;
}

/// op(A) op(B) in long double, and the same with every entry's absolute value: the exact
/// product (to within long double's rounding, 2^-64) and the scale of its rounding bound.
struct Reference {
    Matrix product, magnitude;
};
Reference reference(const Matrix& A, bool transpose_A, const Matrix& B, bool transpose_B) {
    const std::size_t m = transpose_A ? A.size2() : A.size1();
    const std::size_t k = transpose_A ? A.size1() : A.size2();
    const std::size_t n = transpose_B ? B.size1() : B.size2();
    Reference r{Matrix(m, n), Matrix(m, n)};
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            long double sum = 0, magnitude = 0;
            for (std::size_t l = 0; l < k; ++l) {
                const long double a = transpose_A ? A(l, i) : A(i, l);
                const long double b = transpose_B ? B(j, l) : B(l, j);
                sum += a * b;
                magnitude += std::fabs(a * b);
            }
            r.product(i, j) = double(sum);
            r.magnitude(i, j) = double(magnitude);
        }
    return r;
}

/// Every entry of \p computed within \p bound_factor times \p magnitude of \p exact.
void check_within(const std::string& what, const MatrixOf<float>& computed, const Matrix& exact,
                  const Matrix& magnitude, double bound_factor) {
    BOOST_TEST_REQUIRE(computed.size1() == exact.size1());
    BOOST_TEST_REQUIRE(computed.size2() == exact.size2());
    double worst = 0;  // the largest error as a fraction of its bound
    for (std::size_t i = 0; i < exact.data().size(); ++i) {
        const double error = std::abs(double(computed.data()[i]) - exact.data()[i]);
        const double bound = bound_factor * magnitude.data()[i];
        if (error > bound) {
            BOOST_ERROR(what << ": entry " << i << " is off by " << error << ", above the bound "
                             << bound);
            return;
        }
        if (bound > 0) worst = std::max(worst, error / bound);
    }
    BOOST_TEST_MESSAGE(what << ": worst error " << worst << " of the bound");
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_engine_s_float_products_are_within_the_rounding_bound) {
    boost::random::mt19937_64 generator(7);
    struct Dims {
        std::size_t m, k, n;
    };
    for (const Dims d : {Dims{1, 1, 1}, Dims{3, 5, 2}, Dims{17, 33, 9}, Dims{64, 784, 128}}) {
        const Matrix A = random_floats(d.m, d.k, generator), B = random_floats(d.k, d.n, generator);
        const Matrix At = random_floats(d.k, d.m, generator),
                     Bt = random_floats(d.n, d.k, generator);
        const Matrix C0 = random_floats(d.m, d.n, generator);
        const std::string shape =
            std::to_string(d.m) + "x" + std::to_string(d.k) + "x" + std::to_string(d.n);
        for (const Products& engine : available_products()) {
            const std::string name = std::string(engine.name) + " " + shape;
            MatrixOf<float> C(d.m, d.n);
            const Reference AB = reference(A, false, B, false);
            engine.A_B(converted<float>(A), converted<float>(B), C);
            check_within(name + " A_B", C, AB.product, AB.magnitude, gamma(d.k));
            const Reference AtB = reference(At, true, B, false);
            engine.At_B(converted<float>(At), converted<float>(B), C);
            check_within(name + " At_B", C, AtB.product, AtB.magnitude, gamma(d.k));
            const Reference ABt = reference(A, false, Bt, true);
            engine.A_Bt(converted<float>(A), converted<float>(Bt), C);
            check_within(name + " A_Bt", C, ABt.product, ABt.magnitude, gamma(d.k));
            // C0 + alpha At^T B: k + 1 terms, and alpha (-0.5) scales exactly.
            Matrix exact = C0, magnitude = C0;
            for (std::size_t i = 0; i < exact.data().size(); ++i) {
                exact.data()[i] += -0.5 * AtB.product.data()[i];
                magnitude.data()[i] = std::abs(C0.data()[i]) + 0.5 * AtB.magnitude.data()[i];
            }
            C = converted<float>(C0);
            engine.add_At_B(-0.5f, converted<float>(At), converted<float>(B), C);
            check_within(name + " add_At_B", C, exact, magnitude, gamma(d.k + 1));
        }
    }
}

// One step of a sigmoid MLP in float against the same step in double, from the same weights
// and data. Each gradient entry comes out of a chain of sums: the forward products (n_{l-1}
// terms at layer l), the softmax (n_L terms) and the backward products (n_l terms), with a
// few more roundings per layer (bias, sigmoid and its derivative, the loss's gradient). To
// first order the float result's error is at most
//     c u max|g|,  c = sum_l (n_{l-1} + n_l) + n_L + 8 L,
// as long as no sum cancels to far below its terms, which holds for random weights and data.
BOOST_AUTO_TEST_CASE(float_and_double_take_the_same_step_to_float_s_rounding) {
    const std::vector<std::vector<std::size_t>> networks{
        {2, 3, 1}, {5, 8, 3}, {20, 16, 10}, {784, 32, 10}, {30, 20, 20, 20, 4}};
    for (const std::vector<std::size_t>& sizes : networks)
        for (const std::size_t batch : {1u, 4u, 16u}) {
            boost::random::mt19937_64 generator(sizes.front() * 131 + batch);
            std::vector<Matrix> W;
            std::vector<Vector> b;
            for (std::size_t l = 1; l < sizes.size(); ++l) {
                W.push_back(random_floats(sizes[l - 1], sizes[l], generator));
                const Matrix bias = random_floats(1, sizes[l], generator);
                b.emplace_back(sizes[l]);
                for (std::size_t j = 0; j < sizes[l]; ++j)
                    b.back()(j) = bias(0, j);
            }
            Sequential net64 = mlp<double>(W, b, activations::sigmoid);
            SequentialOf<float> net32 = mlp<float>(W, b, activations::sigmoid);
            const Matrix X = random_floats(batch, sizes.front(), generator);
            Matrix T(batch, sizes.back(), 0.0);
            for (std::size_t s = 0; s < batch; ++s)
                T(s, s % sizes.back()) = 1.0;

            const Matrix& Z64 = net64.forward(X);
            const MatrixOf<float> X32 = converted<float>(X), T32 = converted<float>(T);
            const MatrixOf<float>& Z32 = net32.forward(X32);
            net64.backward(softmax_cross_entropy_gradient(Z64, T));
            net32.backward(softmax_cross_entropy_gradient(Z32, T32));

            double c = double(sizes.back()) + 8.0 * double(sizes.size() - 1);
            for (std::size_t l = 1; l < sizes.size(); ++l)
                c += double(sizes[l - 1] + sizes[l]);
            const std::vector<ParameterView> p64 = net64.parameters();
            const std::vector<ParameterViewOf<float>> p32 = net32.parameters();
            BOOST_TEST_REQUIRE(p64.size() == p32.size());
            for (std::size_t k = 0; k < p64.size(); ++k) {
                double largest = 0;
                for (const double g : p64[k].gradient)
                    largest = std::max(largest, std::abs(g));
                const double tolerance = c * u * largest;
                for (std::size_t i = 0; i < p64[k].gradient.size(); ++i)
                    BOOST_TEST(
                        std::abs(double(p32[k].gradient[i]) - p64[k].gradient[i]) <= tolerance,
                        "parameter " << k << " (" << p64[k].name << ") entry " << i
                                     << " of a network of " << sizes.size()
                                     << " layer sizes, batch " << batch);
            }
        }
}

namespace {

// The central difference in float: J is computed from float logits, so each J carries a
// rounding error E of about c u |J| (c as in the step test), and the difference quotient an
// error of E/h, beside its truncation error h^2 |J'''| / 6. Their sum is smallest near
// h = u^(1/3) (about 4e-3, where double's check uses 1e-4 with Richardson's extrapolation);
// with a third derivative of order 1 the tolerance is c u |J| / h + h^2. The step actually
// taken is what float makes of theta +- h, and the quotient divides by that.
void check_float_gradients(SequentialOf<float>& network, const MatrixOf<float>& X,
                           const MatrixOf<float>& T, double c) {
    network.backward(softmax_cross_entropy_gradient(network.forward(X), T));
    const auto J = [&] { return softmax_cross_entropy(network.forward(X), T); };
    const double h = std::cbrt(u);
    const double tolerance = c * u * std::abs(J()) / h + h * h;
    std::vector<ParameterViewOf<float>> parameters = network.parameters();
    std::vector<std::vector<float>> analytic;
    for (const ParameterViewOf<float>& p : parameters)
        analytic.emplace_back(p.gradient.begin(), p.gradient.end());
    for (std::size_t k = 0; k < parameters.size(); ++k)
        for (std::size_t i = 0; i < parameters[k].value.size(); ++i) {
            float& theta = parameters[k].value[i];
            const float original = theta;
            theta = original + float(h);
            const double up = J(), step_up = double(theta) - double(original);
            theta = original - float(h);
            const double down = J(), step_down = double(original) - double(theta);
            theta = original;
            const double numeric = (up - down) / (step_up + step_down);
            BOOST_TEST(std::abs(numeric - double(analytic[k][i])) <= tolerance,
                       parameters[k].name << " of layer parameter " << k << ", entry " << i
                                          << ": numeric " << numeric << ", analytic "
                                          << analytic[k][i] << ", tolerance " << tolerance);
        }
}

/// A batch of \p batch float inputs in [-1, 1] and one-hot targets over \p classes.
struct FloatBatch {
    MatrixOf<float> X, T;
    FloatBatch(std::size_t batch, std::size_t inputs, std::size_t classes, std::uint64_t seed) {
        boost::random::mt19937_64 generator(seed);
        X = converted<float>(random_floats(batch, inputs, generator));
        T = MatrixOf<float>(batch, classes, 0.0f);
        for (std::size_t s = 0; s < batch; ++s)
            T(s, (s * 2) % classes) = 1.0f;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(finite_differences_in_float_confirm_the_float_gradient) {
    const std::vector<std::size_t> sizes{6, 5, 4, 3};
    SequentialOf<float> network = mlp<float>(sizes, activations::tanh, 5);
    const FloatBatch data(4, sizes.front(), sizes.back(), 11);
    double c = double(sizes.back()) + 8.0 * double(sizes.size() - 1);
    for (std::size_t l = 1; l < sizes.size(); ++l)
        c += double(sizes[l - 1] + sizes[l]);
    check_float_gradients(network, data.X, data.T, c);
}

// The same check through batch normalization and a skip connection in float: BatchNorm adds
// sums over the batch (its mean and variance forward, two more backward), so c gains 4 B,
// and each of the six layers its 8 roundings.
BOOST_AUTO_TEST_CASE(finite_differences_in_float_through_batch_norm_and_residual) {
    boost::random::mt19937_64 generator(3);
    const auto linear = [&](std::size_t in, std::size_t out) {
        return LinearOf<float>(converted<float>(random_floats(in, out, generator)),
                               VectorOf<float>(out, 0.1f));
    };
    std::vector<std::unique_ptr<LayerOf<float>>> block;
    block.push_back(std::make_unique<LinearOf<float>>(linear(5, 5)));
    block.push_back(std::make_unique<ActivationLayerOf<float>>(activations::tanh));
    SequentialOf<float> network(linear(6, 5), BatchNormOf<float>(5),
                                ActivationLayerOf<float>(activations::tanh),
                                ResidualOf<float>(std::move(block)), linear(5, 3));
    const std::size_t batch = 8;
    const FloatBatch data(batch, 6, 3, 12);
    const double c = (6 + 5) + (5 + 5) + (5 + 3) + 3 + 4.0 * batch + 8.0 * 6;
    check_float_gradients(network, data.X, data.T, c);
}

// A float network takes the same optimizer step as its double twin, to float's rounding
// (momentum and weight decay on). From a zero velocity, w' = w - lr (g + lambda w): the
// difference is lr times the gradients' difference, bounded as in the step test above
// (c u max|g|), plus the update's own roundings, 4 u (|w| + lr (|g| + lambda |w|)).
BOOST_AUTO_TEST_CASE(sgd_steps_a_float_network_as_a_double_one) {
    const std::vector<std::size_t> sizes{8, 6, 3};
    const double lr = 0.5, lambda = 1e-2;
    SequentialOf<float> net32 = mlp<float>(sizes, activations::sigmoid, 3);
    std::vector<Matrix> W;
    std::vector<Vector> b;
    for (std::size_t l = 0; l < net32.layers.size(); l += 2) {
        const auto& linear = net32.layer<LinearOf<float>>(l);
        W.push_back(converted<double>(linear.W));
        b.push_back(converted<double>(*linear.b));
    }
    Sequential net64 = mlp<double>(W, b, activations::sigmoid);
    boost::random::mt19937_64 generator(4);
    const Matrix X = random_floats(5, sizes.front(), generator);
    Matrix T(5, sizes.back(), 0.0);
    for (std::size_t s = 0; s < 5; ++s)
        T(s, s % sizes.back()) = 1.0;
    const MatrixOf<float> X32 = converted<float>(X), T32 = converted<float>(T);
    net64.backward(softmax_cross_entropy_gradient(net64.forward(X), T));
    net32.backward(softmax_cross_entropy_gradient(net32.forward(X32), T32));
    std::vector<std::vector<double>> before, gradient;
    for (const ParameterView& p : net64.parameters()) {
        before.emplace_back(p.value.begin(), p.value.end());
        gradient.emplace_back(p.gradient.begin(), p.gradient.end());
    }
    Sgd(0.9, lambda).step(net64, lr);
    SgdOf<float>(0.9, lambda).step(net32, lr);

    const double c = double(8 + 6 + 6 + 3 + 3 + 16);
    const std::vector<ParameterView> p64 = net64.parameters();
    const std::vector<ParameterViewOf<float>> p32 = net32.parameters();
    for (std::size_t k = 0; k < p64.size(); ++k) {
        double largest = 0;
        for (const double g : gradient[k])
            largest = std::max(largest, std::abs(g));
        for (std::size_t i = 0; i < p64[k].value.size(); ++i) {
            const double w = std::abs(before[k][i]), g = std::abs(gradient[k][i]);
            const double tolerance = lr * c * u * largest + 4 * u * (w + lr * (g + lambda * w));
            BOOST_TEST(std::abs(double(p32[k].value[i]) - p64[k].value[i]) <= tolerance,
                       p64[k].name << " " << k << "[" << i << "]");
        }
    }
}

// A float network saved and loaded in float is the same network, bit for bit: the file holds
// binary64, into which every float widens exactly.
BOOST_AUTO_TEST_CASE(a_float_model_loads_back_bit_for_bit) {
    const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                       ("backprop-precision-" + std::to_string(::getpid()));
    const SequentialOf<float> saved = mlp<float>({7, 5, 3}, activations::relu, 9, Init::he);
    save_model(file, saved);
    const SequentialOf<float> loaded = load_model<float>(file);
    const Sequential widened = load_model<double>(file);
    std::filesystem::remove(file);
    BOOST_TEST_REQUIRE(loaded.layers.size() == saved.layers.size());
    for (std::size_t l = 0; l < saved.layers.size(); l += 2) {
        const auto& a = saved.layer<LinearOf<float>>(l);
        const auto& b = loaded.layer<LinearOf<float>>(l);
        const auto& c = widened.layer<Linear>(l);
        for (std::size_t i = 0; i < a.W.data().size(); ++i) {
            BOOST_TEST(a.W.data()[i] == b.W.data()[i]);
            BOOST_TEST(double(a.W.data()[i]) == c.W.data()[i]);
        }
    }
}
