// The composable layers of the vanishing-gradients chapter: every parameter gradient and
// every input gradient of Linear, each activation, BatchNorm and Residual, alone and stacked,
// against finite differences (see gradient_check.hpp for the 1e-7); and BatchNorm's forward
// pass against its definition.
#define BOOST_TEST_MODULE layers
#include <cmath>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/train/gradient_check.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;
namespace data = boost::unit_test::data;

namespace {

constexpr double tolerance = 1e-7;  // see gradient_check.hpp

/// A predicate for BOOST_CHECK_EXCEPTION: the message contains \p phrase.
auto says(std::string phrase) {
    return [phrase](const std::exception& e) {
        const bool found = std::string(e.what()).find(phrase) != std::string::npos;
        BOOST_TEST(found, "'" << phrase << "' is not in: " << e.what());
        return found;
    };
}

Matrix random_matrix(std::size_t rows, std::size_t cols, std::mt19937_64& g, double scale = 1.0) {
    return random_uniform(rows, cols, -scale, scale, g);
}

std::unique_ptr<Layer> linear(std::size_t in, std::size_t out, std::mt19937_64& g) {
    Matrix W = random_matrix(in, out, g, 1.0 / std::sqrt(double(in)));
    Vector b(out);
    for (std::size_t j = 0; j < out; ++j)
        b(j) = 0.1 * double(j % 3) - 0.1;
    return std::make_unique<Linear>(std::move(W), std::move(b));
}

/// A network of several kinds of layer, described by \p kind.
Sequential network(const std::string& kind, std::mt19937_64& g) {
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(linear(5, 6, g));
    if (kind == "batchnorm") layers.push_back(std::make_unique<BatchNorm>(6));
    layers.push_back(std::make_unique<ActivationLayer>(kind == "tanh" ? activations::tanh
                                                                      : activations::sigmoid));
    if (kind == "residual") {
        std::vector<std::unique_ptr<Layer>> block;
        block.push_back(linear(6, 6, g));
        block.push_back(std::make_unique<BatchNorm>(6));
        block.push_back(std::make_unique<ActivationLayer>(activations::tanh));
        layers.push_back(std::make_unique<Residual>(std::move(block)));
    }
    layers.push_back(linear(6, 3, g));
    return Sequential(std::move(layers));
}

}  // namespace

// J = mean softmax cross-entropy of the network's output: every parameter's gradient and
// the input's gradient against finite differences.
BOOST_DATA_TEST_CASE(every_gradient_matches_finite_differences,
                     data::make(std::vector<std::string>{"plain", "tanh", "batchnorm", "residual"}),
                     kind) {
    std::mt19937_64 g(7);
    Sequential net = network(kind, g);
    Matrix X = random_matrix(8, 5, g);
    Matrix T(8, 3, 0.0);
    for (std::size_t s = 0; s < 8; ++s)
        T(s, s % 3) = 1.0;
    const auto J = [&] { return softmax_cross_entropy(net.forward(X, true), T); };

    const Matrix dJ_dX = net.backward(softmax_cross_entropy_gradient(net.forward(X, true), T),
                                      InputGradient::compute);
    std::vector<std::vector<double>> analytic;  // copies: the checks below rerun backward
    for (const ParameterView& p : net.parameters())
        analytic.emplace_back(p.gradient.begin(), p.gradient.end());
    std::size_t k = 0;
    for (ParameterView& p : net.parameters()) {
        const auto numeric = numerical_gradient(J, p.value);
        // A bias just before batch normalization has no effect at all (the normalization
        // subtracts it again): both gradients are zero, up to rounding.
        double largest_numeric = 0, largest_analytic = 0;
        for (std::size_t i = 0; i < numeric.size(); ++i) {
            largest_numeric = std::max(largest_numeric, std::abs(numeric[i]));
            largest_analytic = std::max(largest_analytic, std::abs(analytic[k][i]));
        }
        if (largest_numeric < 1e-9) {
            BOOST_TEST(largest_analytic < 1e-12, kind << ": parameter " << k + 1 << " (" << p.name
                                                      << ") has no effect but a gradient");
            ++k;
            continue;
        }
        const auto worst = compare_gradients(analytic[k++], numeric);
        BOOST_TEST(worst.max_relative_error < tolerance,
                   kind << ": parameter " << k << " (" << p.name << ") entry " << worst.worst_index
                        << ": analytic " << analytic[k - 1][worst.worst_index] << ", numeric "
                        << numeric[worst.worst_index]);
    }
    const auto worst = compare_gradients(dJ_dX, numerical_gradient(J, X));
    BOOST_TEST(worst.max_relative_error < tolerance, kind << ": dJ/dX");
}

// Training needs no gradient of the data: Sequential::backward skips it by default, and
// every parameter gets the same gradient either way.
BOOST_DATA_TEST_CASE(skipping_the_input_gradient_changes_no_parameter_gradient,
                     data::make(std::vector<std::string>{"plain", "batchnorm", "residual"}), kind) {
    std::mt19937_64 g(8);
    Sequential net = network(kind, g);
    const Matrix X = random_matrix(4, 5, g);
    Matrix T(4, 3, 0.0);
    for (std::size_t s = 0; s < 4; ++s)
        T(s, s % 3) = 1.0;
    const Matrix dJ_dY = softmax_cross_entropy_gradient(net.forward(X), T);
    const Matrix dJ_dX = net.backward(dJ_dY, InputGradient::compute);
    BOOST_TEST((dJ_dX.size1() == 4u && dJ_dX.size2() == 5u));
    std::vector<std::vector<double>> with_input;
    for (const ParameterView& p : net.parameters())
        with_input.emplace_back(p.gradient.begin(), p.gradient.end());
    BOOST_TEST(net.backward(dJ_dY).size1() == 0u);  // skipped: empty
    std::size_t k = 0;
    for (const ParameterView& p : net.parameters()) {
        const std::vector<double> without(p.gradient.begin(), p.gradient.end());
        BOOST_TEST(without == with_input[k++], boost::test_tools::per_element());
    }
}

// Batch normalization on its own, with a loss that weighs every output differently (so that
// no gradient is zero by symmetry).
BOOST_AUTO_TEST_CASE(batch_norm_gradients) {
    std::mt19937_64 g(3);
    BatchNorm bn(4);
    for (std::size_t j = 0; j < 4; ++j)
        bn.gamma(j) = 0.5 + 0.25 * double(j), bn.beta(j) = 0.1 * double(j);
    Matrix X = random_matrix(6, 4, g, 2.0);
    const Matrix R = random_matrix(6, 4, g);
    const auto J = [&] {
        const Matrix& Y = bn.forward(X, true);
        double sum = 0;
        for (std::size_t i = 0; i < Y.data().size(); ++i)
            sum += R.data()[i] * Y.data()[i] * Y.data()[i];
        return sum;
    };
    const Matrix& Y = bn.forward(X, true);
    Matrix dJ_dY(6, 4);
    for (std::size_t i = 0; i < Y.data().size(); ++i)
        dJ_dY.data()[i] = 2 * R.data()[i] * Y.data()[i];
    const Matrix dJ_dX = bn.backward(dJ_dY);
    const Vector dgamma = bn.dJ_dgamma, dbeta = bn.dJ_dbeta;
    BOOST_TEST(compare_gradients(dgamma, numerical_gradient(J, bn.gamma)).max_relative_error <
               tolerance);
    BOOST_TEST(compare_gradients(dbeta, numerical_gradient(J, bn.beta)).max_relative_error <
               tolerance);
    BOOST_TEST(compare_gradients(dJ_dX, numerical_gradient(J, X)).max_relative_error < tolerance);
}

// The softmax layer's Jacobian, with a loss that weighs every output differently (an
// unweighted sum of a softmax's outputs is constant, and its gradient 0).
BOOST_AUTO_TEST_CASE(softmax_gradients) {
    std::mt19937_64 g(5);
    Softmax softmax;
    Matrix Z = random_matrix(3, 4, g, 2.0);
    const Matrix R = random_matrix(3, 4, g);
    const auto J = [&] {
        const Matrix& A = softmax.forward(Z, true);
        double sum = 0;
        for (std::size_t i = 0; i < A.data().size(); ++i)
            sum += R.data()[i] * A.data()[i] * A.data()[i];
        return sum;
    };
    const Matrix& A = softmax.forward(Z, true);
    Matrix dJ_dA(3, 4);
    for (std::size_t i = 0; i < A.data().size(); ++i)
        dJ_dA.data()[i] = 2 * R.data()[i] * A.data()[i];
    const Matrix dJ_dZ = softmax.backward(dJ_dA);
    BOOST_TEST(compare_gradients(dJ_dZ, numerical_gradient(J, Z)).max_relative_error < tolerance);
    BOOST_TEST(softmax.backward(dJ_dA, InputGradient::skip).size1() == 0u);
    BOOST_CHECK_EXCEPTION(softmax.backward(Matrix(3, 3, 0.0)), std::invalid_argument,
                          says("Softmax::backward"));
    Softmax fresh;
    BOOST_CHECK_EXCEPTION(fresh.backward(dJ_dA), std::logic_error, says("before forward"));
}

// Large logits lose nothing: z = (120, 100, 99) with the one-hot target t = (1, 0, 0). With
// S = e^-20 + e^-21 = 2.8194096652297485e-9 (e^-20 = 2.0611536224385579e-9,
// e^-21 = 7.5825604279119067e-10),
//   J = −ln softmax(z)_0 = ln(1 + S) = S − S²/2 + S³/3 − ...
//     = 2.8194096652297485e-9 − 3.9745e-18 + ... = 2.8194096612552131e-9,
// and softmax(z) = (1, e^-20, e^-21) / (1 + S) = (0.99999999718059034272, 2.0611536166273214e-9,
// 7.5825604065335626e-10); 1 − softmax(z)_0 = S/(1 + S) = 2.8194096572806777e-9. Forming
// logsumexp(z) = 120 + ln(1 + S) as one number rounds
// ln(1 + S) to the units of 120 (1.4e-14): J would be off by 1.6e-6 of itself, and
// softmax(z)_0 by 1.4e-14.
BOOST_AUTO_TEST_CASE(softmax_and_cross_entropy_keep_full_precision_for_large_logits) {
    Matrix Z(1, 3), T(1, 3, 0.0);
    Z(0, 0) = 120, Z(0, 1) = 100, Z(0, 2) = 99;
    T(0, 0) = 1;
    const double J_exact = 2.8194096612552131e-9;
    const double J = softmax_cross_entropy(Z, T);
    BOOST_TEST(std::abs(J - J_exact) <= 1e-14 * J_exact,
               "J = " << J << ", relative error " << (J - J_exact) / J_exact);
    // The same from the C library's functions, each correctly rounded or nearly.
    const double J_log1p = std::log1p(std::exp(-20.0) + std::exp(-21.0));
    BOOST_TEST(std::abs(J - J_log1p) <= 1e-14 * J_exact);

    // The softmax, as a function and as a layer; the sum of a row is 1 to the last bits.
    Softmax layer;
    for (const Matrix& P : {softmax(Z), layer.forward(Z, false)}) {
        BOOST_TEST(std::abs(P(0, 0) - 0.99999999718059034272) <= 3e-16);
        BOOST_TEST(std::abs(P(0, 1) - 2.0611536166273214e-9) <= 1e-14 * 2.0611536166273214e-9);
        BOOST_TEST(std::abs(P(0, 2) - 7.5825604065335626e-10) <= 1e-14 * 7.5825604065335626e-10);
    }

    // dJ/dz = softmax(z) − t: at z_0, −S/(1 + S) = −2.8194096572806777e-9, in full precision
    // (softmax(z)_0 − 1 would keep only the digits of softmax(z)_0 beyond the rounding of 1,
    // about 2e-8 of the result); elsewhere softmax(z)_k.
    const Matrix G = softmax_cross_entropy_gradient(Z, T);
    BOOST_TEST(std::abs(G(0, 0) + 2.8194096572806777e-9) <= 1e-14 * 2.8194096572806777e-9,
               "dJ/dz_0 = " << G(0, 0));
    BOOST_TEST(std::abs(G(0, 1) - 2.0611536166273214e-9) <= 1e-14 * 2.0611536166273214e-9);
    BOOST_TEST(std::abs(G(0, 2) - 7.5825604065335626e-10) <= 1e-14 * 7.5825604065335626e-10);

    // A batch mean of two copies of the row, and with the logits shifted by 1000 (the
    // softmax does not change, nor J).
    Matrix Z2(2, 3), T2(2, 3, 0.0);
    for (std::size_t k = 0; k < 3; ++k)
        Z2(0, k) = Z(0, k), Z2(1, k) = Z(0, k) + 1000;
    T2(0, 0) = T2(1, 0) = 1;
    BOOST_TEST(std::abs(softmax_cross_entropy(Z2, T2) - J_exact) <= 1e-14 * J_exact);
}

// In training, each output feature has mean beta and standard deviation gamma (up to epsilon);
// outside training, the running statistics are used instead.
BOOST_AUTO_TEST_CASE(batch_norm_standardises_each_feature) {
    std::mt19937_64 g(4);
    BatchNorm bn(3, 0.0);
    bn.gamma(0) = 2.0, bn.beta(0) = -1.0;
    Matrix X = random_matrix(50, 3, g, 5.0);
    for (std::size_t s = 0; s < 50; ++s)
        X(s, 1) += 100.0;  // a large offset
    const Matrix Y = bn.forward(X, true);
    for (std::size_t j = 0; j < 3; ++j) {
        double mean = 0, var = 0;
        for (std::size_t s = 0; s < 50; ++s)
            mean += Y(s, j) / 50;
        for (std::size_t s = 0; s < 50; ++s)
            var += (Y(s, j) - mean) * (Y(s, j) - mean) / 50;
        BOOST_TEST(mean == bn.beta(j), boost::test_tools::tolerance(1e-12));
        BOOST_TEST(std::sqrt(var) == bn.gamma(j), boost::test_tools::tolerance(1e-12));
    }
    // Outside training: y = gamma (x - running mean) / sqrt(running var + eps) + beta.
    const Matrix x = random_matrix(2, 3, g);
    const Matrix y = bn.forward(x, false);
    BOOST_TEST(
        y(1, 2) == bn.gamma(2) * (x(1, 2) - bn.running_mean(2)) / std::sqrt(bn.running_var(2)) +
                       bn.beta(2),
        boost::test_tools::tolerance(1e-12));
    BOOST_CHECK_THROW(bn.forward(Matrix(1, 3, 0.0), true), std::invalid_argument);
    BOOST_CHECK_THROW(bn.forward(Matrix(4, 2, 0.0), true), std::invalid_argument);
    BOOST_CHECK_EXCEPTION(bn.forward(Matrix(4, 2, 0.0), true), std::invalid_argument,
                          says("X is 4x2 but the layer has 3 features"));
    // Backward differentiates through the batch statistics: it needs a training forward.
    bn.forward(x, false);
    BOOST_CHECK_EXCEPTION(bn.backward(Matrix(2, 3, 0.0)), std::logic_error,
                          says("the last forward was not in training mode"));
}

// The skip connection passes the gradient through unchanged when the block's is zero.
BOOST_AUTO_TEST_CASE(residual_adds_the_identity) {
    std::vector<std::unique_ptr<Layer>> block;
    block.push_back(std::make_unique<Linear>(Matrix(3, 3, 0.0), Vector(3, 0.0)));
    Residual r(std::move(block));
    std::mt19937_64 g(5);
    const Matrix X = random_matrix(4, 3, g), G = random_matrix(4, 3, g);
    const Matrix& Y = r.forward(X, true);
    BOOST_TEST(Y.data() == X.data(), boost::test_tools::per_element());
    const Matrix dX = r.backward(G);
    BOOST_TEST(dX.data() == G.data(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shapes_are_checked) {
    Linear l(Matrix(3, 2, 0.0), Vector(2, 0.0));
    BOOST_CHECK_THROW(l.forward(Matrix(4, 5, 0.0), true), std::invalid_argument);
    BOOST_CHECK_THROW(l.backward(Matrix(4, 2, 0.0)), std::logic_error);
    BOOST_CHECK_EXCEPTION(l.backward(Matrix(4, 2, 0.0)), std::logic_error,
                          says("Linear::backward: called before forward"));
    BOOST_CHECK_THROW(Linear(Matrix(3, 2), Vector(3)), std::invalid_argument);
    std::vector<std::unique_ptr<Layer>> block;
    block.push_back(std::make_unique<Linear>(Matrix(3, 2, 0.0), Vector(2, 0.0)));
    Residual r(std::move(block));
    BOOST_CHECK_THROW(r.forward(Matrix(4, 3, 0.0), true), std::invalid_argument);
}

// Before any backward the gradients are zero, so a step changes nothing (and reads nothing
// out of bounds).
BOOST_AUTO_TEST_CASE(a_step_before_backward_changes_nothing) {
    std::mt19937_64 g(6);
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(linear(3, 2, g));
    layers.push_back(std::make_unique<BatchNorm>(2));
    Sequential net(std::move(layers));
    std::vector<double> before;
    for (ParameterView& p : net.parameters())
        before.insert(before.end(), p.value.begin(), p.value.end());
    Sgd().step(net, 0.5);
    std::vector<double> after;
    for (ParameterView& p : net.parameters())
        after.insert(after.end(), p.value.begin(), p.value.end());
    BOOST_TEST(before.size() == 3u * 2 + 2 + 2 + 2);  // W, b, gamma, beta
    BOOST_TEST(after == before, boost::test_tools::per_element());
}

// Sgd with momentum 0.5, weight decay 0.1 and rate 0.1 on y = x w + b, x = 1, with the same
// gradient g = 1 for w and b at two steps. By hand, v ← μv − η(g + λw) and w ← w + v (b does
// not decay):
//   step 1: v_w = −0.1 (1 + 0.1·2) = −0.12,          w = 1.88;    v_b = −0.1,  b = 0.4
//   step 2: v_w = 0.5(−0.12) − 0.1(1 + 0.188) = −0.1788, w = 1.7012; v_b = −0.15, b = 0.25
BOOST_AUTO_TEST_CASE(sgd_with_momentum_and_weight_decay_by_hand) {
    Vector b(1, 0.5);
    Sequential net(Linear(Matrix(1, 1, 2.0), b));
    Sgd sgd(0.5, 0.1);
    const Matrix x(1, 1, 1.0), g(1, 1, 1.0);
    const double expected_w[] = {1.88, 1.7012}, expected_b[] = {0.4, 0.25};
    for (int step = 0; step < 2; ++step) {
        net.forward(x);
        net.backward(g);
        sgd.step(net, 0.1);
        BOOST_TEST(net.layer<Linear>(0).W(0, 0) == expected_w[step],
                   boost::test_tools::tolerance(1e-14));
        BOOST_TEST((*net.layer<Linear>(0).b)(0) == expected_b[step],
                   boost::test_tools::tolerance(1e-14));
    }
    // The velocities belong to this model.
    Sequential other(Linear(Matrix(2, 1, 1.0)));
    const Matrix x2(1, 2, 1.0);
    other.forward(x2);
    other.backward(g);
    BOOST_CHECK_EXCEPTION(sgd.step(other, 0.1), std::invalid_argument,
                          says("one optimizer per model"));
}

BOOST_AUTO_TEST_CASE(sgd_refuses_meaningless_settings) {
    BOOST_CHECK_EXCEPTION(Sgd(1.0, 0.0), std::invalid_argument, says("momentum"));
    BOOST_CHECK_EXCEPTION(Sgd(-0.1, 0.0), std::invalid_argument, says("momentum"));
    BOOST_CHECK_EXCEPTION(Sgd(std::nan(""), 0.0), std::invalid_argument, says("momentum"));
    BOOST_CHECK_EXCEPTION(Sgd(0.5, -1e-3), std::invalid_argument, says("weight decay"));
    BOOST_CHECK_EXCEPTION(Sgd(0.5, std::nan("")), std::invalid_argument, says("weight decay"));
}
