// Automatic differentiation (chapter 11): the scalar graph and the matrix tape against the
// worked example's long-double derivation, against the library's hand-written backward pass,
// and against finite differences on random networks of every activation and both losses;
// fan-out (a test that fails when backward assigns instead of adding); forward mode against
// reverse mode; chapter 5's training with the tape's gradients; and bad input.
#define BOOST_TEST_MODULE autodiff
#include <cmath>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/autodiff/tape.hpp"
#include "backprop/autodiff/value.hpp"
#include "backprop/autodiff/value_network.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/gradient_check.hpp"
#include "backprop/train/optimizer.hpp"

#include "chapter_json.hpp"
#include "pinned.hpp"

using namespace backprop;
using namespace backprop::autodiff;
namespace data = boost::unit_test::data;

namespace {

const oracle::WorkedExample expected;

/// Two computations of the same gradient agree to this relative tolerance: a few units in
/// the last place of a double (2.2e-16), what summing the same products in another order can
/// change.
constexpr double same_computation = 1e-15;
/// Against finite differences: see gradient_check.hpp.
constexpr double finite_difference_tolerance = 1e-7;

/// A predicate for BOOST_CHECK_EXCEPTION: the message contains every one of \p phrases.
auto says(std::vector<std::string> phrases) {
    return [phrases](const std::exception& e) {
        bool all = true;
        for (const std::string& phrase : phrases) {
            const bool found = std::string(e.what()).find(phrase) != std::string::npos;
            BOOST_TEST(found, "'" << phrase << "' is not in: " << e.what());
            all = all && found;
        }
        return all;
    };
}

/// Every entry of \p actual within \p relative of \p reference's.
void check_close(const std::string& what, const Matrix& actual, const Matrix& reference,
                 double relative) {
    BOOST_TEST_REQUIRE(actual.size1() == reference.size1());
    BOOST_TEST_REQUIRE(actual.size2() == reference.size2());
    for (std::size_t i = 0; i < actual.size1(); ++i)
        for (std::size_t j = 0; j < actual.size2(); ++j)
            BOOST_TEST(
                std::abs(actual(i, j) - reference(i, j)) <= relative * std::abs(reference(i, j)),
                what << "[" << i << "][" << j << "]: " << actual(i, j) << " against "
                     << reference(i, j));
}

/// The hand-written gradients of the worked example: Sequential::backward.
struct HandGradients {
    Matrix dW1, dW2, dX;
    HandGradients() {
        Sequential network = worked_example::network();
        const Matrix x = worked_example::x();
        const Matrix& y = network.forward(x);
        dX = network.backward(mse_gradient(y, worked_example::t()), InputGradient::compute);
        dW1 = network.layer<Linear>(0).dJ_dW;
        dW2 = network.layer<Linear>(2).dJ_dW;
    }
};

void check_against_oracle(const std::string& who, const Matrix& dW1, const Matrix& dW2) {
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            pinned::check(who + " dJ/dW1[" + std::to_string(i) + "][" + std::to_string(j) + "]",
                          dW1(i, j), expected.dJ_dW1[i][j]);
    for (std::size_t j = 0; j < 3; ++j)
        pinned::check(who + " dJ/dW2[" + std::to_string(j) + "]", dW2(j, 0), expected.dJ_dW2[j]);
}

}  // namespace

// ---- The worked example ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(scalar_autodiff_reproduces_the_worked_example) {
    const ValueMatrix x = leaves(worked_example::x(), "x");
    const ValueNetwork network(worked_example::network());
    const Value J = mse(network.forward(x), worked_example::t());
    J.backward();
    pinned::check("J", J.data(), expected.J);
    const Matrix dW1 = grad_of(network.steps[0].W), dW2 = grad_of(network.steps[2].W);
    check_against_oracle("scalar", dW1, dW2);
    const HandGradients hand;
    check_close("scalar dJ/dW1", dW1, hand.dW1, same_computation);
    check_close("scalar dJ/dW2", dW2, hand.dW2, same_computation);
    check_close("scalar dJ/dx", grad_of(x), hand.dX, same_computation);
}

BOOST_AUTO_TEST_CASE(matrix_autodiff_reproduces_the_worked_example) {
    const Sequential network = worked_example::network();
    const Matrix x = worked_example::x(), t = worked_example::t();
    Tape tape;
    const RecordedNetwork recorded = record(tape, network, tape.constant(x, "x"));
    const Var J = tape.mse(recorded.output, t);
    tape.backward(J);
    pinned::check("J", tape.value(J)(0, 0), expected.J);
    pinned::check("y", tape.value(recorded.output)(0, 0), expected.y);
    const Matrix& dW1 = tape.grad(recorded.parameters[0][0]);
    const Matrix& dW2 = tape.grad(recorded.parameters[1][0]);
    check_against_oracle("tape", dW1, dW2);
    const HandGradients hand;
    check_close("tape dJ/dW1", dW1, hand.dW1, same_computation);
    check_close("tape dJ/dW2", dW2, hand.dW2, same_computation);
    BOOST_TEST(tape.grad({0}).size1() == 0, "the data (a constant) got a gradient");
}

// ---- Random networks against finite differences ------------------------------------------

namespace {

/// 3 -> 4 -> 2 with biases, \p f after the hidden layer and, for the MSE, after the output
/// (softmax cross-entropy takes the logits).
Sequential random_network(const Activation& f, bool mse_loss, std::mt19937_64& g) {
    Vector b1(4), b2(2);
    for (std::size_t j = 0; j < 4; ++j)
        b1(j) = 0.1 * double(j) - 0.15;
    b2(0) = 0.05;
    b2(1) = -0.1;
    Matrix W1 = random_uniform(3, 4, -1.0, 1.0, g), W2 = random_uniform(4, 2, -1.0, 1.0, g);
    if (mse_loss)
        return Sequential(Linear(W1, b1), ActivationLayer(f), Linear(W2, b2), ActivationLayer(f));
    return Sequential(Linear(W1, b1), ActivationLayer(f), Linear(W2, b2));
}

/// \p B samples, and targets: values in (0, 1) for the MSE, one-hot for cross-entropy.
void random_batch(std::size_t B, bool mse_loss, std::mt19937_64& g, Matrix& X, Matrix& T) {
    X = random_uniform(B, 3, -1.0, 1.0, g);
    T = mse_loss ? random_uniform(B, 2, 0.1, 0.9, g) : Matrix(B, 2, 0.0);
    if (!mse_loss)
        for (std::size_t s = 0; s < B; ++s)
            T(s, (s * 7 + 1) % 2) = 1.0;
}

struct Case {
    const Activation* f;
    bool mse_loss;
    std::size_t batch;
};
std::ostream& operator<<(std::ostream& out, const Case& c) {
    return out << c.f->name << (c.mse_loss ? ", mse" : ", softmax cross-entropy") << ", batch "
               << c.batch;
}

std::vector<Case> every_case() {
    std::vector<Case> cases;
    for (const Activation& f : activations::all)
        for (const bool mse_loss : {true, false})
            for (const std::size_t batch : {1, 5})
                cases.push_back({&f, mse_loss, batch});
    return cases;
}

}  // namespace

BOOST_TEST_DONT_PRINT_LOG_VALUE(Case)

BOOST_DATA_TEST_CASE(both_autodiffs_match_finite_differences_and_the_hand_written_pass,
                     data::make(every_case()), c) {
    std::mt19937_64 g(2026 + c.batch);
    Sequential network = random_network(*c.f, c.mse_loss, g);
    Matrix X, T;
    random_batch(c.batch, c.mse_loss, g, X, T);
    const auto loss = [&](const Matrix& Y) {
        return c.mse_loss ? backprop::mse(Y, T) : backprop::softmax_cross_entropy(Y, T);
    };

    // The reference: the library's layers, differentiated by finite differences of J.
    const auto J = [&] { return loss(network.forward(X)); };
    std::vector<std::vector<double>> numeric;
    for (ParameterView& p : network.parameters())
        numeric.push_back(numerical_gradient(J, p.value));

    // The hand-written backward pass.
    const Matrix& Y = network.forward(X);
    network.backward(c.mse_loss ? mse_gradient(Y, T) : softmax_cross_entropy_gradient(Y, T));
    std::vector<std::vector<double>> hand;
    for (const ParameterView& p : network.parameters())
        hand.emplace_back(p.gradient.begin(), p.gradient.end());

    // The tape.
    Tape tape;
    const RecordedNetwork recorded = record(tape, network, tape.constant(X, "X"));
    const Var J_tape =
        c.mse_loss ? tape.mse(recorded.output, T) : tape.softmax_cross_entropy(recorded.output, T);
    BOOST_TEST(std::abs(tape.value(J_tape)(0, 0) - J()) <= same_computation * J(), c);
    tape.backward(J_tape);
    std::vector<std::vector<double>> taped;
    for (const std::vector<Var>& layer : recorded.parameters)
        for (const Var v : layer)
            taped.emplace_back(tape.grad(v).data().begin(), tape.grad(v).data().end());

    // The scalar graph.
    const ValueNetwork values(network);
    const Value J_scalar = c.mse_loss ? mse(values.forward(leaves(X, "X")), T)
                                      : softmax_cross_entropy(values.forward(leaves(X, "X")), T);
    J_scalar.backward();
    std::vector<std::vector<double>> scalar;
    for (const ValueNetwork::Step& step : values.steps) {
        if (step.f) continue;
        const Matrix dW = grad_of(step.W);
        scalar.emplace_back(dW.data().begin(), dW.data().end());
        std::vector<double> db;
        for (const Value& b : *step.b)
            db.push_back(b.grad());
        scalar.push_back(db);
    }

    BOOST_TEST_REQUIRE(numeric.size() == 4u);
    BOOST_TEST_REQUIRE(taped.size() == 4u);
    BOOST_TEST_REQUIRE(scalar.size() == 4u);
    for (std::size_t k = 0; k < numeric.size(); ++k) {
        for (const auto& [who, analytic] :
             {std::pair{"tape", &taped[k]}, {"scalar", &scalar[k]}, {"hand", &hand[k]}}) {
            const GradientComparison worst = compare_gradients(*analytic, numeric[k]);
            BOOST_TEST(worst.max_relative_error < finite_difference_tolerance,
                       c << ": " << who << ", parameter " << k << " entry " << worst.worst_index
                         << ": " << (*analytic)[worst.worst_index] << " against "
                         << numeric[k][worst.worst_index]);
        }
        // The autodiffs and the hand-written pass sum the same products in other orders, and
        // the scalar graph's softmax takes another route to the same derivative: they agree
        // to rounding, relative to the parameter's largest gradient entry (an entry that is a
        // sum of terms of both signs can be much smaller than its terms).
        double scale = 1e-300;
        for (const double h : hand[k])
            scale = std::max(scale, std::abs(h));
        for (std::size_t i = 0; i < hand[k].size(); ++i) {
            BOOST_TEST(std::abs(taped[k][i] - hand[k][i]) <= 1e-13 * scale,
                       c << ": tape against hand, parameter " << k << " entry " << i);
            BOOST_TEST(std::abs(scalar[k][i] - hand[k][i]) <= 1e-13 * scale,
                       c << ": scalar against hand, parameter " << k << " entry " << i << ": "
                         << scalar[k][i] << " against " << hand[k][i]);
        }
    }
}

// ---- Fan-out ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_value_used_twice_gets_the_sum_of_both_paths) {
    // f = a·a + a: three paths from a to f, ∂f/∂a = 2a + 1 = 7 at a = 3.
    Value a(3.0, "a");
    const Value f = a * a + a;
    f.backward();
    BOOST_TEST(a.grad() == 7.0);
    // The test above catches the bug: assigning keeps one path's contribution only.
    f.backward(GradientUpdate::assign);
    BOOST_TEST(a.grad() != 7.0, "assigning instead of adding gave the right gradient");
}

BOOST_AUTO_TEST_CASE(a_batch_gives_every_weight_fan_out) {
    // Two samples: each weight is used once per sample, and its gradient sums both.
    const Matrix X = matrix_from_rows({{0.5, 0.8}, {-0.3, 0.2}});
    const Matrix T = matrix_from_rows({{0.7}, {0.1}});
    const ValueNetwork values(worked_example::network());
    const Value J = mse(values.forward(leaves(X, "X")), T);
    J.backward();
    const Matrix summed = grad_of(values.steps[0].W);
    Sequential network = worked_example::network();
    const Matrix& Y = network.forward(X);
    network.backward(mse_gradient(Y, T));
    check_close("dJ/dW1, batch of two", summed, network.layer<Linear>(0).dJ_dW, same_computation);
    J.backward(GradientUpdate::assign);
    const Matrix assigned = grad_of(values.steps[0].W);
    BOOST_TEST(std::abs(assigned(0, 0) - summed(0, 0)) > 1e-6 * std::abs(summed(0, 0)),
               "with a batch, assigning must lose one sample's contribution to W1");
}

BOOST_AUTO_TEST_CASE(a_matrix_used_twice_on_the_tape_gets_both_contributions) {
    // J = mean(X W W): W appears in two products. Against finite differences.
    std::mt19937_64 g(5);
    Matrix W = random_uniform(3, 3, -1.0, 1.0, g);
    const Matrix X = random_uniform(4, 3, -1.0, 1.0, g);
    Tape tape;
    const Var w = tape.parameter(W, "W");
    const Var J = tape.mean(tape.matmul(tape.matmul(tape.constant(X, "X"), w), w));
    tape.backward(J);
    const auto mean_XWW = [&] {
        const Matrix Z = prod(Matrix(prod(X, W)), W);
        double sum = 0;
        for (const double z : Z.data())
            sum += z;
        return sum / 12.0;
    };
    const Matrix numeric = numerical_gradient(mean_XWW, W);
    BOOST_TEST(compare_gradients(tape.grad(w), numeric).max_relative_error <
               finite_difference_tolerance);
}

// ---- The two modes
// -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(forward_mode_gives_what_reverse_mode_gives) {
    std::mt19937_64 g(11);
    for (const Activation& f : activations::all) {
        const Sequential network = random_network(f, false, g);
        Matrix X, T;
        random_batch(5, false, g, X, T);
        Tape tape;
        const RecordedNetwork recorded = record(tape, network, tape.constant(X, "X"));
        const Var J = tape.softmax_cross_entropy(recorded.output, T);
        tape.backward(J);
        for (const std::vector<Var>& layer : recorded.parameters)
            for (const Var theta : layer) {
                const Matrix& grad = tape.grad(theta);
                for (std::size_t i = 0; i < grad.data().size(); ++i) {
                    const double reverse = grad.data()[i];
                    const double forward = tape.tangent(J, theta, i);
                    BOOST_TEST(
                        std::abs(forward - reverse) <= 1e-13 * std::max(std::abs(reverse), 1e-300),
                        f.name << ": " << tape.entries()[theta.index].name << " entry " << i
                               << ": forward " << forward << ", reverse " << reverse);
                }
            }
    }
}

BOOST_AUTO_TEST_CASE(the_tape_counts_the_products_as_the_library_does) {
    // The products' flops against mlp.hpp's formulas, 2B Σ n_{l-1} n_l forward and the same
    // twice less the first layer's error backward.
    const std::vector<std::size_t> sizes{30, 20, 10, 5};
    const std::size_t B = 8;
    const Sequential network = mlp(sizes, activations::relu, 3);
    std::mt19937_64 g(1);
    const Matrix X = random_uniform(B, 30, 0.0, 1.0, g);
    Matrix T(B, 5, 0.0);
    for (std::size_t s = 0; s < B; ++s)
        T(s, s % 5) = 1;
    Tape tape;
    const RecordedNetwork recorded = record(tape, network, tape.constant(X, "X"));
    tape.backward(tape.softmax_cross_entropy(recorded.output, T));
    double forward = 0, backward = 0;
    for (const Tape::Entry& e : tape.entries())
        if (e.op == "matmul") {
            forward += e.forward_flops;
            backward += e.backward_flops;
        }
    BOOST_TEST(forward == forward_flops(sizes, B));
    BOOST_TEST(backward == backward_flops(sizes, B));
}

// ---- Training
// --------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(training_with_autodiff_gradients_follows_chapter_5s_loss_curve) {
    const nlohmann::json chapter5 = run_json(BACKPROP_CH05_TRAINING);
    const std::vector<double> expected_loss = chapter5.at("loss").get<std::vector<double>>();
    BOOST_TEST_REQUIRE(expected_loss.size() == 1000u);
    const Matrix x = worked_example::x(), t = worked_example::t();

    Sequential by_tape = worked_example::network(), by_values = worked_example::network();
    Sgd sgd_tape, sgd_values;
    double worst_tape = 0, worst_values = 0;
    for (std::size_t epoch = 0; epoch < expected_loss.size(); ++epoch) {
        Tape tape;
        const RecordedNetwork recorded = record(tape, by_tape, tape.constant(x, "x"));
        const Var J = tape.mse(recorded.output, t);
        worst_tape = std::max(worst_tape, std::abs(tape.value(J)(0, 0) - expected_loss[epoch]) /
                                              expected_loss[epoch]);
        tape.backward(J);
        store_gradients(tape, recorded, by_tape);
        sgd_tape.step(by_tape, worked_example::alpha);

        const ValueNetwork values(by_values);
        const Value J_values = mse(values.forward(leaves(x, "x")), t);
        worst_values = std::max(
            worst_values, std::abs(J_values.data() - expected_loss[epoch]) / expected_loss[epoch]);
        J_values.backward();
        values.store_gradients(by_values);
        sgd_values.step(by_values, worked_example::alpha);
    }
    BOOST_TEST(worst_tape <= 1e-12, "the tape's loss curve is off by " << worst_tape);
    BOOST_TEST(worst_values <= 1e-12, "the scalar graph's loss curve is off by " << worst_values);
}

// ---- Structure and bad input
// -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(topological_order_puts_every_value_after_its_operands_once) {
    // A diamond: b and c both use a; d uses both.
    const Value a(2.0, "a");
    const Value b = exp(a), c = tanh(a);
    const Value d = b * c;
    const std::vector<Value> order = topological_order(d);
    BOOST_TEST_REQUIRE(order.size() == 4u);
    BOOST_TEST(order.front().same_as(a));
    BOOST_TEST(order.back().same_as(d));
    d.backward();
    // ∂(e^a tanh a)/∂a = e^a tanh a + e^a (1 − tanh² a)
    const double expected_grad =
        std::exp(2.0) * std::tanh(2.0) + std::exp(2.0) * (1 - std::tanh(2.0) * std::tanh(2.0));
    BOOST_TEST(std::abs(a.grad() - expected_grad) <= 1e-15 * expected_grad);
}

BOOST_AUTO_TEST_CASE(every_scalar_operation_has_the_right_local_derivative) {
    // Each against a central difference of the operation itself (the library's gradient
    // check, on a one-entry matrix).
    using Op = Value (*)(const Value&);
    const std::vector<std::pair<std::string, Op>> ops{
        {"exp", [](const Value& a) { return exp(a); }},
        {"log", [](const Value& a) { return log(a); }},
        {"tanh", [](const Value& a) { return tanh(a); }},
        {"sigmoid", [](const Value& a) { return sigmoid(a); }},
        {"relu", [](const Value& a) { return relu(a); }},
        {"pow 3", [](const Value& a) { return pow(a, 3.0); }},
        {"÷ from the left", [](const Value& a) { return 2.0 / a; }},
        {"÷ from the right", [](const Value& a) { return a / 3.0; }},
        {"− from the left", [](const Value& a) { return 1.0 - a; }},
        {"negation", [](const Value& a) { return -a; }},
        {"×", [](const Value& a) { return a * 1.5 + 0.5; }}};
    for (const auto& [name, op] : ops) {
        Matrix at(1, 1, 0.7);
        Value a(at(0, 0));
        op(a).backward();
        const Matrix numeric = numerical_gradient([&] { return op(Value(at(0, 0))).data(); }, at);
        BOOST_TEST(relative_error(a.grad(), numeric(0, 0)) < finite_difference_tolerance,
                   name << ": " << a.grad() << " against " << numeric(0, 0));
    }
}

BOOST_AUTO_TEST_CASE(shapes_that_do_not_fit_are_refused_naming_both) {
    const Matrix X(2, 3, 1.0), W(4, 1, 1.0), T(2, 2, 0.0);
    Tape tape;
    const Var x = tape.constant(X, "X");
    const Var w = tape.parameter(W, "W");
    BOOST_CHECK_EXCEPTION(tape.matmul(x, w), std::invalid_argument,
                          says({"Tape::matmul", "2x3", "4x1"}));
    BOOST_CHECK_EXCEPTION(tape.mse(x, T), std::invalid_argument, says({"Tape::mse", "2x3", "2x2"}));
    BOOST_CHECK_EXCEPTION(tape.add_bias(x, w), std::invalid_argument,
                          says({"Tape::add_bias", "4x1", "1x3"}));
    BOOST_CHECK_EXCEPTION(tape.backward(x), std::invalid_argument,
                          says({"Tape::backward", "2x3", "1x1"}));
    BOOST_CHECK_EXCEPTION(matmul(leaves(X, "X"), leaves(W, "W")), std::invalid_argument,
                          says({"autodiff::matmul", "2x3", "4x1"}));
    BOOST_CHECK_EXCEPTION(mse(leaves(X, "X"), T), std::invalid_argument,
                          says({"autodiff::mse", "2x3", "2x2"}));
}

BOOST_AUTO_TEST_CASE(what_autodiff_cannot_do_is_refused_by_name) {
    Tape tape;
    const Matrix X(1, 2, 1.0);
    const Var x = tape.constant(X, "X");
    const Var J = tape.mean(x);
    BOOST_CHECK_EXCEPTION(tape.tangent(J, x, 0), std::invalid_argument,
                          says({"Tape::tangent", "'X'", "not a parameter"}));
    BOOST_CHECK_EXCEPTION(autodiff::activation_named("softplus"), std::invalid_argument,
                          says({"softplus", "sigmoid, tanh, relu, identity"}));
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(std::make_unique<Linear>(Matrix(2, 2, 0.5)));
    layers.push_back(std::make_unique<BatchNorm>(2));
    const Sequential with_batchnorm(std::move(layers));
    Tape other;
    BOOST_CHECK_EXCEPTION(record(other, with_batchnorm, other.constant(X, "X")),
                          std::invalid_argument, says({"layer 1", "BatchNorm"}));
    BOOST_CHECK_EXCEPTION(ValueNetwork{with_batchnorm}, std::invalid_argument,
                          says({"layer 1", "BatchNorm"}));
}
