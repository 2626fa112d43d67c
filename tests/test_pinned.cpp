// The library's values for the article's worked example, pinned to an independent
// long-double derivation (worked_example_oracle.hpp) at 1e-12 relative.
#define BOOST_TEST_MODULE pinned
#include <cmath>
#include <string>

#include <boost/test/unit_test.hpp>

#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/neuron.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/optimizer.hpp"

#include "pinned.hpp"

using namespace backprop;
using pinned::check;

namespace {

const oracle::WorkedExample expected;

// Appends rather than writing "[" + ... : g++ 12 at -O3 gives a false -Wrestrict there.
std::string at(const char* name, std::size_t i) {
    std::string s(name);
    s.append("[").append(std::to_string(i)).append("]");
    return s;
}
std::string at(const char* name, std::size_t i, std::size_t j) {
    return at(name, i).append("[").append(std::to_string(j)).append("]");
}

}  // namespace

BOOST_AUTO_TEST_CASE(inputs_are_the_articles) {
    const Matrix x = worked_example::x(), W1 = worked_example::W1(), W2 = worked_example::W2();
    BOOST_TEST_REQUIRE(x.size2() == 2u);
    BOOST_TEST_REQUIRE((shape_of(W1) == Shape{2, 3}));
    BOOST_TEST_REQUIRE((shape_of(W2) == Shape{3, 1}));
    for (std::size_t i = 0; i < 2; ++i)
        check(at("x", i), x(0, i), expected.x[i]);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            check(at("W1", i, j), W1(i, j), expected.W1[i][j]);
    for (std::size_t j = 0; j < 3; ++j)
        check(at("W2", j), W2(j, 0), expected.W2[j]);
    check("t", worked_example::t()(0, 0), expected.t);
    check("alpha", worked_example::alpha, expected.alpha);
}

BOOST_AUTO_TEST_CASE(neuron_is_the_first_hidden_neuron) {
    const Neuron neuron{.w = column(worked_example::W1(), 0), .b = 0.0, .f = activations::sigmoid};
    const Vector x = row(worked_example::x(), 0);
    check("z", neuron.weighted_sum(x), expected.z1[0]);
    check("a", neuron.output(x), expected.a1[0]);
}

// The network is Linear(W1), σ, Linear(W2), σ: layer outputs z1, a1, z2, y.
BOOST_AUTO_TEST_CASE(forward_through_the_network) {
    Sequential network = worked_example::network();
    const Matrix x = worked_example::x();
    const Matrix y = network.forward(x);
    for (std::size_t j = 0; j < 3; ++j) {
        check(at("z1", j), network.layers[0]->output()(0, j), expected.z1[j]);
        check(at("a1", j), network.layers[1]->output()(0, j), expected.a1[j]);
    }
    check("z2", network.layers[2]->output()(0, 0), expected.z2);
    check("y", y(0, 0), expected.y);
}

BOOST_AUTO_TEST_CASE(forward_step_by_step) {
    const Matrix z1 = matmul(worked_example::x(), worked_example::W1());
    const Matrix a1 = activations::sigmoid(z1);
    const Matrix z2 = matmul(a1, worked_example::W2());
    const Matrix y = activations::sigmoid(z2);
    for (std::size_t j = 0; j < 3; ++j) {
        check(at("z1", j), z1(0, j), expected.z1[j]);
        check(at("a1", j), a1(0, j), expected.a1[j]);
    }
    check("z2", z2(0, 0), expected.z2);
    check("y", y(0, 0), expected.y);
}

BOOST_AUTO_TEST_CASE(loss_and_its_gradient) {
    Sequential network = worked_example::network();
    const Matrix x = worked_example::x();
    const Matrix y = network.forward(x);
    const Matrix t = worked_example::t();
    check("J", mse(y, t), expected.J);
    check("dJ/dy", mse_gradient(y, t)(0, 0), expected.dJ_dy);
    check("J_cross_entropy", binary_cross_entropy(y, t), expected.cross_entropy());
}

// Layer by layer, as Sequential::backward goes, so that every error signal can be read.
BOOST_AUTO_TEST_CASE(backward_through_the_network) {
    Sequential network = worked_example::network();
    const Matrix x = worked_example::x();
    const Matrix y = network.forward(x);
    const Matrix delta2 = network.layers[3]->backward(mse_gradient(y, worked_example::t()));
    const Matrix dJ_da1 = network.layers[2]->backward(delta2);
    const Matrix delta1 = network.layers[1]->backward(dJ_da1);
    network.layers[0]->backward(delta1);
    const Linear &layer1 = network.layer<Linear>(0), &layer2 = network.layer<Linear>(2);
    check("delta2", delta2(0, 0), expected.delta2);
    for (std::size_t j = 0; j < 3; ++j) {
        check(at("delta1", j), delta1(0, j), expected.delta1[j]);
        check(at("dJ_dW2", j), layer2.dJ_dW(j, 0), expected.dJ_dW2[j]);
    }
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            check(at("dJ_dW1", i, j), layer1.dJ_dW(i, j), expected.dJ_dW1[i][j]);
    BOOST_TEST(!layer1.dJ_db.has_value(), "the article's layers have no bias");
    BOOST_TEST(!layer2.dJ_db.has_value(), "the article's layers have no bias");

    // Sequential::backward is the same chain.
    Sequential again = worked_example::network();
    const Matrix x_again = worked_example::x();
    again.backward(mse_gradient(again.forward(x_again), worked_example::t()));
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            check(at("Sequential::backward dJ_dW1", i, j), again.layer<Linear>(0).dJ_dW(i, j),
                  expected.dJ_dW1[i][j]);
}

BOOST_AUTO_TEST_CASE(one_sgd_step) {
    Sequential network = worked_example::network();
    const Matrix x = worked_example::x();
    const Matrix y = network.forward(x);
    network.backward(mse_gradient(y, worked_example::t()));
    Sgd().step(network, worked_example::alpha);
    for (std::size_t j = 0; j < 3; ++j)
        check(at("W2_new", j), network.layer<Linear>(2).W(j, 0), expected.W2_new[j]);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            check(at("W1_new", i, j), network.layer<Linear>(0).W(i, j), expected.W1_new[i][j]);
}

// Batch semantics: the loss of a batch is the mean of its samples' losses, and so is the
// gradient; a batch of two copies of the example gives exactly the single-sample values.
BOOST_AUTO_TEST_CASE(a_batch_averages_its_samples) {
    const Matrix x2 = matrix_from_rows({{0.5, 0.8}, {0.5, 0.8}});
    const Matrix t2 = matrix_from_rows({{0.7}, {0.7}});
    Sequential network = worked_example::network();
    const Matrix y = network.forward(x2);
    check("J of a batch of two", mse(y, t2), expected.J);
    network.backward(mse_gradient(y, t2));
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            check(at("dJ_dW1 of a batch of two", i, j), network.layer<Linear>(0).dJ_dW(i, j),
                  expected.dJ_dW1[i][j]);

    // Two different samples: the mean of ½(y − t)² over the batch.
    const Matrix Y = matrix_from_rows({{0.25, 0.5}, {1.0, -1.0}});
    const Matrix T = matrix_from_rows({{0.0, 0.0}, {0.0, 0.0}});
    check("mse of two samples", mse(Y, T), (0.5L * (0.0625L + 0.25L) + 0.5L * 2.0L) / 2.0L);
}

BOOST_AUTO_TEST_CASE(softmax_cross_entropy_of_known_logits) {
    // Logits (0, ln 2, ln 3) give probabilities (1/6, 2/6, 3/6).
    const Matrix Z = row_vector({0.0, std::log(2.0), std::log(3.0)});
    const Matrix T = row_vector({0.0, 1.0, 0.0});
    const Matrix P = softmax(Z);
    check("softmax[0]", P(0, 0), 1.0L / 6);
    check("softmax[1]", P(0, 1), 2.0L / 6);
    check("softmax[2]", P(0, 2), 3.0L / 6);
    check("J", softmax_cross_entropy(Z, T), std::log(3.0L));
    const Matrix G = softmax_cross_entropy_gradient(Z, T);
    check("dJ/dz[1] = p - 1", G(0, 1), 2.0L / 6 - 1);
    // Large logits stay finite: log-sum-exp subtracts the maximum first.
    const Matrix big = row_vector({1000.0, 0.0});
    // True value ln(1 + e^-1000) ≈ 5e-435, which rounds to 0 in double.
    BOOST_TEST(softmax_cross_entropy(big, row_vector({1.0, 0.0})) == 0.0);
    check("J of logits (1000, 0), target 1", softmax_cross_entropy(big, row_vector({0.0, 1.0})),
          1000.0L + std::log1p(std::exp(-1000.0L)));
    // softmax(1000, 0) = (1, e^-1000) / (1 + e^-1000); e^-1000 ≈ 5e-435 is below the least
    // double, so the true values round to exactly 1 and 0, and the gradient p - t to (1, -1).
    const Matrix P_big = softmax(big);
    BOOST_TEST(P_big(0, 0) == 1.0);
    BOOST_TEST(P_big(0, 1) == 0.0);
    const Matrix G_big = softmax_cross_entropy_gradient(big, row_vector({0.0, 1.0}));
    BOOST_TEST(G_big(0, 0) == 1.0);
    BOOST_TEST(G_big(0, 1) == -1.0);
}

BOOST_AUTO_TEST_CASE(sigmoid_is_finite_for_large_arguments) {
    check("sigma(-700)", activations::sigmoid_f(-700.0),
          std::exp(-700.0L) / (1 + std::exp(-700.0L)));
    // e^-800 is below the smallest double: the true value rounds to exactly 0, not NaN.
    BOOST_TEST(activations::sigmoid_f(-800.0) == 0.0);
    BOOST_TEST(activations::sigmoid_df(-800.0) == 0.0);
    check("sigma(800)", activations::sigmoid_f(800.0), 1.0L);
    check("sigma(0)", activations::sigmoid_f(0.0), 0.5L);
}
