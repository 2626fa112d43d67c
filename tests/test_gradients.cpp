// Finite-difference gradient checks: every activation, every loss, the dense layer (a Linear
// layer and its activation: weights, bias, input and delta) and whole networks, on several
// random shapes, against central differences.
//
// The checker itself is tested first (a function with a known gradient, exact restoration of
// the parameters, and deliberately wrong gradients that it must reject), so that a passing
// check means something.
#define BOOST_TEST_MODULE gradients
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>
#include <iomanip>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/core/matrix.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/train/gradient_check.hpp"

namespace bdata = boost::unit_test::data;
using namespace backprop;

namespace {

// ---------------------------------------------------------------------------------------
// The threshold
// ---------------------------------------------------------------------------------------

// numerical_gradient combines central differences at h = 1e-4 and 2h so that their h^2 terms
// cancel. Its truncation error is O(h^4) ~ 1e-16 and its rounding error O(eps |J| / h) ~
// 2e-16 / 1e-4 ~ 2e-12, both relative to the size of J. So a correct analytic gradient agrees
// to about 1e-12 relative on entries the size of J, and to better than 1e-7 on entries down to
// about 1e-5 of it (see resolvable below). A wrong one (a missing factor f'(z), a missing 1/B,
// a transposition, a sign) is off by 1e-2 or more. 1e-7 sits between the two.
constexpr double tolerance = 1e-7;

// The worst relative error over every check of the library (not over the checker's own tests,
// which use deliberately wrong gradients).
double worst_error_seen = 0.0;
std::string worst_error_where = "(no check ran)";

// Where entry k (in storage order) of a gradient is, for people. (Built with a stream: GCC 12
// at -O3 gives a false -Wrestrict on chains of std::string operator+.)
std::string position(const Matrix& m, std::size_t k) {
    std::ostringstream os;
    if (m.size2() == 0) return "(empty)";
    os << "(" << k / m.size2() << ", " << k % m.size2() << ") of " << to_string(shape_of(m));
    return os.str();
}
std::string position(const Vector& v, std::size_t k) {
    std::ostringstream os;
    os << "(" << k << ") of " << v.size();
    return os.str();
}

// Checks an analytic gradient against a numerical one. On failure the message names the
// tensor, the worst entry's position and both values, e.g.
//   layer 2 (relu) dJ/dW: max relative error 0.5 at (1, 0) of 3x2: analytic 0.25 vs numeric 0.5
template <class Container>
void check_gradient(const std::string& tensor, const Container& analytic,
                    const Container& numeric) {
    BOOST_TEST_REQUIRE(analytic.data().size() == numeric.data().size(),
                       tensor << ": analytic gradient has " << analytic.data().size()
                              << " entries, numerical " << numeric.data().size());
    const GradientComparison result = compare_gradients(analytic, numeric);
    const std::size_t k = result.worst_index;
    if (result.max_relative_error > worst_error_seen) {
        worst_error_seen = result.max_relative_error;
        worst_error_where = tensor + " at " + position(analytic, k);
    }
    std::ostringstream message;
    message << std::setprecision(17) << tensor << ": max relative error "
            << result.max_relative_error << " at " << position(analytic, k);
    if (!analytic.data().empty())
        message << ": analytic " << analytic.data()[k] << " vs numeric " << numeric.data()[k];
    message << " (threshold " << tolerance << ")";
    BOOST_TEST(result.max_relative_error < tolerance, message.str());
}

// ---------------------------------------------------------------------------------------
// Random data, reproducible: std::mt19937_64 with a fixed seed per test case
// ---------------------------------------------------------------------------------------

using Rng = std::mt19937_64;

double uniform(Rng& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// A magnitude in [lo, hi] with a random sign. Inputs and weights drawn this way are never
// near zero, so no gradient entry is a product with a tiny factor: such an entry would be
// compared at a relative scale where the central difference's rounding error (~1e-11 absolute)
// is no longer negligible.
double signed_uniform(Rng& rng, double lo, double hi) {
    const double magnitude = uniform(rng, lo, hi);
    return uniform(rng, 0.0, 1.0) < 0.5 ? -magnitude : magnitude;
}

Matrix random_matrix(std::size_t rows, std::size_t cols, Rng& rng, double lo, double hi) {
    Matrix m(rows, cols);
    for (double& x : m.data())
        x = uniform(rng, lo, hi);
    return m;
}

Matrix random_signed_matrix(std::size_t rows, std::size_t cols, Rng& rng, double lo, double hi) {
    Matrix m(rows, cols);
    for (double& x : m.data())
        x = signed_uniform(rng, lo, hi);
    return m;
}

Vector random_signed_vector(std::size_t n, Rng& rng, double lo, double hi) {
    Vector v(n);
    for (double& x : v.data())
        x = signed_uniform(rng, lo, hi);
    return v;
}

// Rows of one-hot labels, the class of each row drawn uniformly.
Matrix random_one_hot(std::size_t rows, std::size_t cols, Rng& rng) {
    Matrix T(rows, cols, 0.0);
    std::uniform_int_distribution<std::size_t> label(0, cols - 1);
    for (std::size_t i = 0; i < rows; ++i)
        T(i, label(rng)) = 1.0;
    return T;
}

double min_abs(const Matrix& m) {
    double smallest = std::numeric_limits<double>::infinity();
    for (double x : m.data())
        smallest = std::min(smallest, std::abs(x));
    return smallest;
}

double sum_of(const Matrix& m) {
    double sum = 0.0;
    for (double x : m.data())
        sum += x;
    return sum;
}

// ReLU has a kink at 0. If a pre-activation lies within the step 2h of the kink, the finite
// difference straddles it and measures neither slope. With inputs and weights below 1 in size a
// step of 2h = 2e-4 in one parameter moves a pre-activation by less than 2e-4, so a margin of
// 1e-3 keeps every difference on one side.
constexpr double relu_margin = 1e-3;

// A dense layer is a Linear layer followed by an ActivationLayer, and a network a Sequential of
// such pairs: dense layer l (from 0) is layers 2l and 2l + 1. Its weighted sums Z are the Linear
// layer's output, its activations A the ActivationLayer's.
Linear& dense_linear(Sequential& net, std::size_t l) {
    return net.layer<Linear>(2 * l);
}
const ActivationLayer& dense_activation(const Sequential& net, std::size_t l) {
    return net.layer<ActivationLayer>(2 * l + 1);
}

// Whether dense layer l is a ReLU with a pre-activation Z near the kink, after a forward.
bool near_relu_kink(const Sequential& net, std::size_t l) {
    return dense_activation(net, l).f.name == activations::relu.name &&
           min_abs(net.layer<Linear>(2 * l).output()) < relu_margin;
}

// How small a gradient entry the check can resolve. The finite difference has an absolute
// error of its own: rounding, eps / h times the size of the values J is computed from, plus
// truncation, h^4 times the fifth derivative. That is about 1e-12 times max(1, J), so an entry
// much smaller than 1e-5 * max(1, J) cannot be compared at 1e-7 relative; random signs now and
// then make one nearly cancel (a sum over the batch or over neurons coming out at 1e-7, say).
// Such a draw is set aside and the next one taken; the counts are reported at the end (a few
// in a hundred). An entry that is exactly 0 (a ReLU unit dead for the whole batch) is fine:
// both sides are exactly 0.
constexpr double resolvable_fraction = 1e-5;

// Every entry of g is 0 or at least resolvable_fraction * max(1, scale), where scale is the size
// of J's terms.
template <class Container>
bool resolvable(const Container& g, double scale) {
    return std::all_of(g.data().begin(), g.data().end(), [&](double x) {
        return x == 0.0 || std::abs(x) >= resolvable_fraction * std::max(1.0, scale);
    });
}

// What backpropagation gives for a dense layer.
struct DenseGradients {
    Matrix delta;                 // dJ/dZ: what the ActivationLayer's backward returns
    Matrix dJ_dW;                 // the Linear layer's, stored by its backward
    std::optional<Vector> dJ_db;  // likewise, if it has a bias
    Matrix dJ_dX;                 // what the Linear layer's backward (the network's) returns
};

// Backward through a network that is one dense layer, given dJ/dA for its last forward. The
// ActivationLayer's backward depends on its output A alone and stores nothing, so calling it
// again for delta changes nothing.
DenseGradients dense_backward(Sequential& dense, const Matrix& dJ_dA) {
    DenseGradients g;
    g.dJ_dX = dense.backward(dJ_dA, InputGradient::compute);
    g.delta = dense.layer<ActivationLayer>(1).backward(dJ_dA);
    const Linear& linear = dense_linear(dense, 0);
    g.dJ_dW = linear.dJ_dW;
    g.dJ_db = linear.dJ_db;
    return g;
}

bool resolvable(const DenseGradients& g, double scale) {
    return resolvable(g.delta, scale) && resolvable(g.dJ_dW, scale) && resolvable(g.dJ_dX, scale) &&
           (!g.dJ_db || resolvable(*g.dJ_db, scale));
}

// How many random layers and networks were drawn, and how many set aside (near the ReLU kink,
// or with an entry too small to resolve); reported when the module ends.
struct DrawCounts {
    std::size_t made = 0, set_aside = 0;
};
DrawCounts draws;
constexpr int max_draws = 5000;

// ---------------------------------------------------------------------------------------
// The shapes: batch sizes 1..8, layer widths 1..7
// ---------------------------------------------------------------------------------------

// One random configuration. A dense layer test uses (batch, in) -> hidden1; a network test
// in -> hidden1 -> hidden2 -> out; a loss test (batch, out).
struct ShapeCase {
    unsigned seed;
    std::size_t batch, in, hidden1, hidden2, out;
};

std::ostream& operator<<(std::ostream& os, const ShapeCase& c) {
    return os << "seed " << c.seed << ", batch " << c.batch << ", widths " << c.in << "-"
              << c.hidden1 << "-" << c.hidden2 << "-" << c.out;
}

const std::vector<ShapeCase> shape_cases = {
    {101, 1, 1, 1, 1, 1},  // every dimension 1: scalars in matrix clothing
    {102, 1, 3, 4, 2, 3},  // a single sample, as in the article
    {103, 2, 2, 3, 5, 1},  // the article's 2-3-..-1 widths, a batch of two
    {104, 5, 4, 7, 6, 2}, {105, 8, 7, 5, 4, 3}, {106, 3, 6, 2, 7, 7}, {107, 8, 5, 6, 3, 4},
};

std::vector<std::string> activation_names() {
    std::vector<std::string> names;
    for (const Activation& a : activations::all)
        names.emplace_back(a.name);
    return names;
}

// Reports the worst error and the draws when the module ends.
struct ReportWorstError {
    void setup() {}
    void teardown() {
        BOOST_TEST_MESSAGE("worst relative error over all gradient checks: "
                           << worst_error_seen << " (" << worst_error_where << "); threshold "
                           << tolerance);
        BOOST_TEST_MESSAGE("random layers and networks drawn: " << draws.made << ", set aside: "
                                                                << draws.set_aside);
    }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(ReportWorstError);

// =======================================================================================
// The checker, checked
// =======================================================================================

BOOST_AUTO_TEST_SUITE(checker)

// J(theta) = sum theta_i^3 has dJ/dtheta_i = 3 theta_i^2. A central difference of a cubic is
// 3 theta^2 + h^2 exactly, and the combination at h and 2h cancels the h^2: no truncation
// error at all. With |J| < 25 the rounding error, eps |J| / h, is below 1e-9.
BOOST_AUTO_TEST_CASE(numerical_gradient_of_a_cubic_matches_the_known_gradient) {
    Rng rng(1);
    Matrix theta = random_signed_matrix(3, 4, rng, 0.3, 1.2);
    theta(0, 0) = 0.1;  // values that are not sums of powers of two
    theta(2, 3) = -1.0 / 3.0;
    const auto J = [&] {
        double sum = 0.0;
        for (double t : theta.data())
            sum += t * t * t;
        return sum;
    };
    const Matrix numeric = numerical_gradient(J, theta);
    for (std::size_t k = 0; k < theta.data().size(); ++k) {
        const double t = theta.data()[k];
        BOOST_TEST_CONTEXT("entry " << k << ", theta " << t) {
            BOOST_TEST(std::abs(numeric.data()[k] - 3 * t * t) < 1e-9);
        }
    }

    // Vector works alike.
    Vector v = random_signed_vector(5, rng, 0.3, 1.2);
    const auto Jv = [&] {
        double sum = 0.0;
        for (double t : v.data())
            sum += t * t * t;
        return sum;
    };
    const Vector numeric_v = numerical_gradient(Jv, v);
    for (std::size_t k = 0; k < v.size(); ++k)
        BOOST_TEST(std::abs(numeric_v(k) - 3 * v(k) * v(k)) < 1e-9);
}

BOOST_AUTO_TEST_CASE(
    numerical_gradient_restores_theta_bit_for_bit_and_calls_J_four_times_per_entry) {
    Rng rng(2);
    Matrix theta = random_matrix(4, 3, rng, -1.0, 1.0);
    // x + h - h is not x for these: restoring by subtraction would change them.
    theta(0, 0) = 0.1;
    theta(1, 1) = 1.0 / 3.0;
    theta(2, 2) = 1e-20;
    theta(3, 0) = -0.0;
    const Matrix before = theta;
    std::size_t calls = 0;
    const auto J = [&] {
        ++calls;
        return sum_of(theta);
    };
    (void)numerical_gradient(J, theta);
    BOOST_TEST(calls == 4 * theta.data().size());  // at +-h and +-2h
    BOOST_TEST(std::memcmp(before.data().data(), theta.data().data(),
                           theta.data().size() * sizeof(double)) == 0,
               "theta was not restored bit for bit");
}

BOOST_AUTO_TEST_CASE(relative_error_values) {
    BOOST_TEST(relative_error(1.0, 1.0) == 0.0);
    BOOST_TEST(relative_error(0.0, 0.0) == 0.0);  // both zero: the floor avoids 0/0
    BOOST_TEST(relative_error(1.0, 1.01) == 0.01 / 1.01, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(relative_error(1.01, 1.0) == relative_error(1.0, 1.01));  // symmetric
    BOOST_TEST(relative_error(2.0, -2.0) == 2.0);                        // a sign error
    BOOST_TEST(relative_error(1e-13, 0.0) == 0.1, boost::test_tools::tolerance(1e-12));  // floor
}

// A gradient off by 1% in one entry must be reported, with the right index: this is what makes
// the checks below able to fail.
BOOST_AUTO_TEST_CASE(compare_gradients_reports_a_gradient_one_percent_off) {
    Rng rng(3);
    const Matrix numeric = random_signed_matrix(3, 5, rng, 0.5, 1.0);
    BOOST_TEST(compare_gradients(numeric, numeric).max_relative_error == 0.0);

    for (std::size_t wrong : {std::size_t{0}, std::size_t{7}, std::size_t{14}}) {
        Matrix analytic = numeric;
        analytic.data()[wrong] *= 1.01;
        const GradientComparison result = compare_gradients(analytic, numeric);
        BOOST_TEST_CONTEXT("wrong entry " << wrong) {
            BOOST_TEST(result.max_relative_error > 1e-3);
            BOOST_TEST(result.max_relative_error == 0.01 / 1.01,
                       boost::test_tools::tolerance(1e-9));
            BOOST_TEST(result.worst_index == wrong);
        }
    }

    // Among several wrong entries the worst wins.
    Matrix analytic = numeric;
    analytic(0, 1) *= 1.001;
    analytic(2, 3) *= -1.0;  // sign error: relative error 2
    analytic(1, 4) *= 1.01;
    const GradientComparison result = compare_gradients(analytic, numeric);
    BOOST_TEST(result.max_relative_error == 2.0);
    BOOST_TEST(result.worst_index == 2 * 5 + 3);

    // Vector gradients alike.
    Vector v(4);
    v(0) = 0.5;
    v(1) = -0.25;
    v(2) = 1.0;
    v(3) = 2.0;
    Vector w = v;
    w(2) = 1.01;
    BOOST_TEST(compare_gradients(w, v).worst_index == 2u);
    BOOST_TEST(compare_gradients(w, v).max_relative_error > 1e-3);
}

BOOST_AUTO_TEST_CASE(compare_gradients_rejects_different_sizes) {
    BOOST_CHECK_THROW(compare_gradients(Matrix(2, 3, 1.0), Matrix(3, 3, 1.0)),
                      std::invalid_argument);
}

// Two realistic bugs, each caught: backpropagating through a sigmoid layer without the factor
// f'(Z), and an mse gradient without the batch mean's 1/B.
BOOST_AUTO_TEST_CASE(the_check_catches_realistic_backprop_bugs) {
    Rng rng(4);
    const Matrix X = random_signed_matrix(4, 3, rng, 0.1, 1.0);
    const Matrix T = random_matrix(4, 2, rng, 0.0, 1.0);
    Sequential dense(Linear(random_signed_matrix(3, 2, rng, 0.1, 1.0)),
                     ActivationLayer(activations::sigmoid));
    Linear& linear = dense_linear(dense, 0);
    const auto J = [&] { return mse(dense.forward(X), T); };
    const Matrix numeric = numerical_gradient(J, linear.W);

    const Matrix dJ_dA = mse_gradient(dense.forward(X), T);
    dense.backward(dJ_dA);
    const Matrix right = linear.dJ_dW;
    const Matrix without_f_prime = matmul_At_B(X, dJ_dA);  // forgot delta = dJ/dA (.) f'(Z)
    const Matrix without_mean = right * static_cast<double>(X.size1());  // forgot 1/B

    BOOST_TEST(compare_gradients(right, numeric).max_relative_error < tolerance);
    BOOST_TEST(compare_gradients(without_f_prime, numeric).max_relative_error > 1e-1);
    BOOST_TEST(compare_gradients(without_mean, numeric).max_relative_error > 1e-1);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// Activations: f'(z) against (f(z + h) - f(z - h)) / 2h
// =======================================================================================

BOOST_AUTO_TEST_SUITE(activation_derivatives)

BOOST_AUTO_TEST_CASE(the_names_cover_every_activation) {
    const std::vector<std::string> names = activation_names();
    BOOST_TEST(names.size() == std::size(activations::all));
    BOOST_TEST(names == (std::vector<std::string>{"sigmoid", "tanh", "relu", "identity"}),
               boost::test_tools::per_element());
}

// 64 points in [-3, 3]: random ones, the ends and (but for ReLU) 0. Beyond |z| = 3 the slope of
// tanh drops below 1e-2 while tanh stays near 1, and the rounding error eps |f| / h would grow
// relative to f'. For ReLU the points keep clear of the kink at 0 (|z| > 1e-3).
BOOST_DATA_TEST_CASE(derivative_matches_central_difference, bdata::make(activation_names()), name) {
    const Activation act = activation_named(name);
    const bool is_relu = act.name == activations::relu.name;
    Rng rng(20);
    Matrix Z(8, 8);
    for (double& z : Z.data()) {
        do
            z = uniform(rng, -3.0, 3.0);
        while (is_relu && std::abs(z) <= relu_margin);
    }
    Z(0, 0) = -3.0;
    Z(0, 1) = 3.0;
    if (!is_relu) Z(0, 2) = 0.0;

    // f' through the matrix interface, f through both interfaces. (ActivationLayer's own path,
    // f_many forward and df_from_f backward, is checked by the dense layer tests below.)
    const Matrix analytic = act.derivative(Z);
    Matrix numeric(Z.size1(), Z.size2());
    for (std::size_t k = 0; k < Z.data().size(); ++k) {
        Matrix z(1, 1, Z.data()[k]);
        const Matrix through_matrix = numerical_gradient([&] { return act(z)(0, 0); }, z);
        const Matrix through_scalar = numerical_gradient([&] { return act.f(z(0, 0)); }, z);
        BOOST_TEST(through_matrix(0, 0) == through_scalar(0, 0));
        numeric.data()[k] = through_matrix(0, 0);
        BOOST_TEST(analytic.data()[k] == act.df(Z.data()[k]));
    }
    check_gradient(name + "'(z) at 64 points", analytic, numeric);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// Losses: dJ/dY (or dJ/dZ) against numerical_gradient of the loss
// =======================================================================================

namespace {

// Targets for a loss, and what to call them in a message.
struct Targets {
    std::string label;
    Matrix T;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(loss_gradients)

BOOST_DATA_TEST_CASE(mse_gradient_matches, bdata::make(shape_cases), c) {
    Rng rng(c.seed);
    Matrix Y = random_matrix(c.batch, c.out, rng, -2.0, 2.0);
    // T = Y - d with |d| in [0.1, 1]: every y - t, hence every gradient entry, stays clear of
    // zero (see signed_uniform).
    const Matrix T = Y - random_signed_matrix(c.batch, c.out, rng, 0.1, 1.0);
    const Matrix analytic = mse_gradient(Y, T);
    const Matrix numeric = numerical_gradient([&] { return mse(Y, T); }, Y);
    check_gradient("mse dJ/dY", analytic, numeric);
}

// Y in (0.05, 0.95), as a sigmoid gives; T soft in [0, 1] and also hard labels in {0, 1}.
// Near y = 0.05 the fifth derivative of -ln y is 24/y^5 ~ 8e7, a truncation error of about
// h^4/30 * 8e7 ~ 3e-10 on a gradient of size ~20: ~1e-11 relative.
BOOST_DATA_TEST_CASE(binary_cross_entropy_gradient_matches, bdata::make(shape_cases), c) {
    Rng rng(c.seed);
    Matrix Y = random_matrix(c.batch, c.out, rng, 0.05, 0.95);

    Matrix soft(c.batch, c.out);
    for (std::size_t k = 0; k < soft.data().size(); ++k) {
        // |y - t| >= 0.05 keeps the gradient (y - t) / (y (1 - y)) clear of zero.
        do
            soft.data()[k] = uniform(rng, 0.0, 1.0);
        while (std::abs(soft.data()[k] - Y.data()[k]) < 0.05);
    }
    Matrix hard(c.batch, c.out);
    for (double& t : hard.data())
        t = uniform(rng, 0.0, 1.0) < 0.5 ? 0.0 : 1.0;

    for (const Targets& targets : {Targets{"soft targets", soft}, Targets{"hard targets", hard}}) {
        const Matrix& T = targets.T;
        const std::string& label = targets.label;
        const Matrix analytic = binary_cross_entropy_gradient(Y, T);
        const Matrix numeric = numerical_gradient([&] { return binary_cross_entropy(Y, T); }, Y);
        check_gradient("binary_cross_entropy dJ/dY, " + label, analytic, numeric);
    }
}

// Logits in [-2, 2], so that no probability is so small that its gradient entry (p_k / B)
// drowns in the rounding error of J. Targets one-hot, and general non-negative rows that do not
// sum to 1, for which the gradient is (s softmax(z) - t) / B with s the row's sum.
BOOST_DATA_TEST_CASE(softmax_cross_entropy_gradient_matches, bdata::make(shape_cases), c) {
    Rng rng(c.seed);
    Matrix Z = random_matrix(c.batch, c.out, rng, -2.0, 2.0);
    const Matrix one_hot = random_one_hot(c.batch, c.out, rng);

    // General targets in [0, 2], each row redrawn until no gradient entry s p_k - t_k is near
    // zero. (With one column, s p - t is exactly 0 on both sides; nothing to avoid.)
    const Matrix P = softmax(Z);
    Matrix general(c.batch, c.out);
    for (std::size_t i = 0; i < c.batch; ++i) {
        for (bool clear = false; !clear;) {
            double s = 0.0;
            for (std::size_t k = 0; k < c.out; ++k)
                s += general(i, k) = uniform(rng, 0.0, 2.0);
            clear = true;
            for (std::size_t k = 0; k < c.out && c.out > 1; ++k)
                clear = clear && std::abs(s * P(i, k) - general(i, k)) > 0.02;
        }
    }

    for (const Targets& targets :
         {Targets{"one-hot targets", one_hot}, Targets{"general targets", general}}) {
        const Matrix& T = targets.T;
        const std::string& label = targets.label;
        const Matrix analytic = softmax_cross_entropy_gradient(Z, T);
        const Matrix numeric = numerical_gradient([&] { return softmax_cross_entropy(Z, T); }, Z);
        check_gradient("softmax_cross_entropy dJ/dZ, " + label, analytic, numeric);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// The dense layer, Linear then ActivationLayer: dJ/dW, dJ/db, dJ/dX (and delta = dJ/dZ)
// =======================================================================================

namespace {

// The scalar functions of a layer's output A that the layer tests differentiate.
enum class Objective {
    weighted_sum,  // J = sum(R (.) A) for a fixed random R: dJ/dA = R
    mse,           // J = mse(A, T): dJ/dA = (A - T) / B
};
constexpr Objective objectives[] = {Objective::weighted_sum, Objective::mse};

std::string name_of(Objective objective) {
    return objective == Objective::weighted_sum ? "J = sum(R (.) A)" : "J = mse(A, T)";
}

// A dense layer (in, out), a batch X for it, and the objectives' R and T. The Linear layer
// keeps a pointer to the X of its last forward until backward: after the problem is moved, run
// forward on its X again before backward.
struct DenseProblem {
    Sequential dense;
    Matrix X, R, T;

    double J(Objective objective, const Matrix& A) const {
        return objective == Objective::weighted_sum ? sum_of(hadamard(R, A)) : mse(A, T);
    }
    Matrix dJ_dA(Objective objective, const Matrix& A) const {
        return objective == Objective::weighted_sum ? R : mse_gradient(A, T);
    }
    // The size of J's terms, which sets the central difference's rounding error.
    double scale(Objective objective, const Matrix& A) const {
        if (objective == Objective::mse) return mse(A, T);
        const Matrix terms = hadamard(R, A);
        double sum = 0.0;
        for (double x : terms.data())
            sum += std::abs(x);
        return sum;
    }
};

// A random problem whose checks can resolve every entry (see resolvable): weights, bias and
// inputs of sizes in [0.1, 1], R of sizes in [0.5, 1.5], and T = A - d with |d| in [0.1, 1] so
// that no a - t is near 0.
DenseProblem draw_dense_problem(const ShapeCase& c, const Activation& f, bool with_bias, Rng& rng) {
    for (int attempt = 0; attempt < max_draws; ++attempt) {
        ++draws.made;
        Matrix W = random_signed_matrix(c.in, c.hidden1, rng, 0.1, 1.0);
        Sequential dense =
            with_bias ? Sequential(Linear(W, random_signed_vector(c.hidden1, rng, 0.1, 1.0)),
                                   ActivationLayer(f))
                      : Sequential(Linear(W), ActivationLayer(f));
        // X in the problem first, so that forward and backward below read the problem's own.
        DenseProblem problem{std::move(dense), random_signed_matrix(c.batch, c.in, rng, 0.1, 1.0),
                             Matrix(), Matrix()};
        const Matrix A = problem.dense.forward(problem.X);
        problem.R = random_signed_matrix(c.batch, c.hidden1, rng, 0.5, 1.5);
        problem.T = A - random_signed_matrix(c.batch, c.hidden1, rng, 0.1, 1.0);
        bool usable = !near_relu_kink(problem.dense, 0);
        for (Objective objective : objectives)
            usable =
                usable && resolvable(dense_backward(problem.dense, problem.dJ_dA(objective, A)),
                                     problem.scale(objective, A));
        if (usable) return problem;
        ++draws.set_aside;
    }
    throw std::runtime_error("no usable random dense layer in " + std::to_string(max_draws) +
                             " draws");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dense_layer)

BOOST_DATA_TEST_CASE(gradients_match,
                     bdata::make(shape_cases) * bdata::make(activation_names()) *
                         bdata::make({false, true}),
                     c, name, with_bias) {
    const Activation f = activation_named(name);
    Rng rng(c.seed);
    DenseProblem problem = draw_dense_problem(c, f, with_bias, rng);
    Sequential& dense = problem.dense;
    Linear& linear = dense_linear(dense, 0);
    Matrix& X = problem.X;

    const std::string prefix = "Linear(" + to_string(shape_of(linear.W)) +
                               (with_bias ? ", bias" : ", no bias") + ") -> " + name + " ";
    for (Objective objective : objectives) {
        BOOST_TEST_CONTEXT(name_of(objective)) {
            // Analytic first: numerical_gradient leaves the layers' outputs at a perturbed point.
            const DenseGradients g =
                dense_backward(dense, problem.dJ_dA(objective, dense.forward(X)));
            BOOST_TEST(g.dJ_db.has_value() == with_bias);

            // The Linear layer reads its input by reference, so J must run forward on the input
            // being perturbed.
            const auto J = [&] { return problem.J(objective, dense.forward(X)); };
            check_gradient(prefix + "dJ/dW", g.dJ_dW, numerical_gradient(J, linear.W));
            if (with_bias && g.dJ_db)
                check_gradient(prefix + "dJ/db", *g.dJ_db, numerical_gradient(J, *linear.b));
            check_gradient(prefix + "dJ/dX", g.dJ_dX, numerical_gradient(J, X));

            // delta = dJ/dZ, by perturbing the weighted sums themselves (through the scalar f,
            // independently of the layer's vectorized f_many).
            dense.forward(X);
            Matrix Z = linear.output();
            const auto J_of_Z = [&] { return problem.J(objective, f(Z)); };
            check_gradient(prefix + "delta = dJ/dZ", g.delta, numerical_gradient(J_of_Z, Z));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// Whole networks: every layer's dJ/dW and dJ/db, and the input gradient
// =======================================================================================

namespace {

enum class Loss { mse, softmax_cross_entropy };

// Three dense layers (Linear with bias, then ActivationLayer), mixed activations, and a loss.
struct NetworkCase {
    std::array<Activation, 3> activations;
    Loss loss;
};

std::ostream& operator<<(std::ostream& os, const NetworkCase& n) {
    for (const Activation& a : n.activations)
        os << a.name << "-";
    return os << (n.loss == Loss::mse ? "mse" : "softmax_cross_entropy");
}

const std::vector<NetworkCase> network_cases = {
    {{activations::tanh, activations::relu, activations::sigmoid}, Loss::mse},
    {{activations::relu, activations::sigmoid, activations::identity}, Loss::softmax_cross_entropy},
    {{activations::sigmoid, activations::tanh, activations::identity}, Loss::mse},
    {{activations::identity, activations::tanh, activations::identity},
     Loss::softmax_cross_entropy},
};

// A network, a batch X and targets T. As for DenseProblem, run forward on X again after a move.
struct NetworkProblem {
    Sequential net;
    Matrix X, T;
    Loss loss;

    double J(const Matrix& Y) const {
        return loss == Loss::mse ? mse(Y, T) : softmax_cross_entropy(Y, T);
    }
    Matrix dJ_dY(const Matrix& Y) const {
        return loss == Loss::mse ? mse_gradient(Y, T) : softmax_cross_entropy_gradient(Y, T);
    }
};

// A random problem whose checks can resolve every entry. Weights, biases and inputs have sizes
// in [0.1, 1]; mse targets are T = Y - d with |d| in [0.1, 1], softmax targets one-hot.
NetworkProblem draw_network_problem(const ShapeCase& c, const NetworkCase& n, Rng& rng) {
    // Softmax over one output is the constant 1 and every gradient exactly 0: use two.
    const std::size_t out =
        n.loss == Loss::softmax_cross_entropy ? std::max<std::size_t>(c.out, 2) : c.out;
    const std::array<std::size_t, 4> widths = {c.in, c.hidden1, c.hidden2, out};
    for (int attempt = 0; attempt < max_draws; ++attempt) {
        ++draws.made;
        std::vector<std::unique_ptr<Layer>> layers;
        for (std::size_t l = 0; l < 3; ++l) {
            // b before W: the order these networks have always been drawn in (as arguments of
            // one call, which GCC evaluates last first). Drawn the other way, one of the
            // networks has a dJ/dW entry of 1.1e-5, just above the resolvable bound, that the
            // check resolves only to 1.3e-7.
            Vector b = random_signed_vector(widths[l + 1], rng, 0.1, 1.0);
            Matrix W = random_signed_matrix(widths[l], widths[l + 1], rng, 0.1, 1.0);
            layers.push_back(std::make_unique<Linear>(W, b));
            layers.push_back(std::make_unique<ActivationLayer>(n.activations[l]));
        }
        // X in the problem first, so that forward and backward below read the problem's own.
        NetworkProblem problem{Sequential(std::move(layers)),
                               random_signed_matrix(c.batch, c.in, rng, 0.1, 1.0), Matrix(),
                               n.loss};
        const Matrix Y = problem.net.forward(problem.X);
        problem.T = n.loss == Loss::mse
                        ? Matrix(Y - random_signed_matrix(c.batch, out, rng, 0.1, 1.0))
                        : random_one_hot(c.batch, out, rng);
        bool usable = true;
        for (std::size_t l = 0; l < 3; ++l)
            usable = usable && !near_relu_kink(problem.net, l);
        // Only what is checked must be resolvable: every layer's dJ/dW and dJ/db and the
        // network's input gradient, not the intermediate deltas.
        const Matrix dJ_dX = problem.net.backward(problem.dJ_dY(Y), InputGradient::compute);
        const double scale = problem.J(Y);  // every term of either loss is positive
        for (std::size_t l = 0; l < 3; ++l) {
            const Linear& linear = dense_linear(problem.net, l);
            usable = usable && resolvable(linear.dJ_dW, scale) && resolvable(*linear.dJ_db, scale);
        }
        usable = usable && resolvable(dJ_dX, scale);
        if (usable) return problem;
        ++draws.set_aside;
    }
    throw std::runtime_error("no usable random network in " + std::to_string(max_draws) + " draws");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(network)

BOOST_DATA_TEST_CASE(every_layer_gradient_matches,
                     bdata::make(shape_cases) * bdata::make(network_cases), c, n) {
    Rng rng(c.seed);
    NetworkProblem problem = draw_network_problem(c, n, rng);
    Sequential& net = problem.net;
    Matrix& X = problem.X;

    // Backward stores every Linear layer's dJ/dW and dJ/db in the layer; the forwards that J
    // runs below leave them alone.
    const Matrix dJ_dX = net.backward(problem.dJ_dY(net.forward(X)), InputGradient::compute);
    BOOST_TEST_REQUIRE(net.layers.size() == 6u);  // three dense layers, each Linear + activation

    const auto J = [&] { return problem.J(net.forward(X)); };
    for (std::size_t l = 0; l < 3; ++l) {
        Linear& linear = dense_linear(net, l);
        const std::string prefix = "layer " + std::to_string(l + 1) + " (" +
                                   std::string(dense_activation(net, l).f.name) + ", W " +
                                   to_string(shape_of(linear.W)) + ") ";
        check_gradient(prefix + "dJ/dW", linear.dJ_dW, numerical_gradient(J, linear.W));
        BOOST_TEST_REQUIRE(linear.dJ_db.has_value());
        check_gradient(prefix + "dJ/db", *linear.dJ_db, numerical_gradient(J, *linear.b));
    }
    check_gradient("network input dJ/dX", dJ_dX, numerical_gradient(J, X));
}

BOOST_AUTO_TEST_SUITE_END()
