// The FAQ chapters 6 and 7, each claim pinned by an independent computation.
//
// Chapter 6 (why activation functions): the stack of linear layers and its multiplied-out
// single layer are recomputed here in long double from the weights the program prints; a
// linear network never classifies more than 3 of the 4 XOR points nor beats the loss ln 2,
// and the sigmoid, tanh and ReLU networks classify all four, from several seeds, where a point
// counts only if its output clears ½ by the stated margin of 0.1; the book's examples of dead
// ReLU units and of two hidden units too few to learn XOR are recomputed from the weights.
//
// Chapter 7 (why a learning rate): the Hessian, its eigenvalues (by power iteration, not the
// program's closed form), the minimum and the critical rates are recomputed from the dataset
// the program prints; the loss curves are reproduced by a long-double gradient descent; rates
// chosen here, from those eigenvalues, diverge, crawl or converge as theory says; standardising
// the features keeps their correlation and gives κ = (1 + r)/(1 − r).
#define BOOST_TEST_MODULE experiments
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "chapter_json.hpp"
#include "run_program.hpp"

namespace data = boost::unit_test::data;
using nlohmann::json;
using real = long double;

namespace {

using Mat = std::vector<std::vector<real>>;

/// A JSON array of rows as a long-double matrix.
Mat matrix(const json& rows) {
    Mat m;
    for (const json& row : rows) {
        m.emplace_back();
        for (const json& value : row)
            m.back().push_back(value.get<double>());
    }
    return m;
}

/// A flat JSON array as one row.
Mat row(const json& values) {
    Mat m(1);
    for (const json& value : values)
        m[0].push_back(value.get<double>());
    return m;
}

Mat multiply(const Mat& A, const Mat& B) {
    BOOST_TEST_REQUIRE(A.front().size() == B.size());
    Mat C(A.size(), std::vector<real>(B.front().size(), 0));
    for (std::size_t i = 0; i < A.size(); ++i)
        for (std::size_t k = 0; k < B.size(); ++k)
            for (std::size_t j = 0; j < B.front().size(); ++j)
                C[i][j] += A[i][k] * B[k][j];
    return C;
}

/// A + 1 bᵀ: \p b (one row) added to every row of \p A.
Mat add_row(Mat A, const Mat& b) {
    for (auto& r : A)
        for (std::size_t j = 0; j < r.size(); ++j)
            r[j] += b[0][j];
    return A;
}

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

const json& named(const json& array, const std::string& name) {
    for (const json& item : array)
        if (item.at("name") == name) return item;
    BOOST_FAIL("no entry named " << name);
    return array;
}

/// Exit status 2, nothing on stdout, and a message on stderr.
void check_usage_error(const std::string& program, const std::vector<std::string>& arguments) {
    const ProgramResult result = run_program(program, arguments);
    std::string shown;
    for (const auto& a : arguments)
        shown += ' ' + a;
    BOOST_TEST(result.exit_status == 2, program << shown << " exited with " << result.exit_status);
    BOOST_TEST(result.out.empty(), program << shown << " wrote to stdout: " << result.out);
    BOOST_TEST(result.err.find("error:") != std::string::npos,
               program << shown << ": " << result.err);
}

}  // namespace

// --- Chapter 6 -------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(activations)

// The stack's output, its multiplied-out W and b, and that layer's output, all recomputed
// here from the stack's weights as printed, agree with the program's to 1e-12 relative to the
// largest output (and with each other: the identity is exact in any arithmetic).
BOOST_DATA_TEST_CASE(a_linear_stack_is_one_layer, data::make({1, 2, 3}), seed) {
    const json j = run_json(BACKPROP_CH06_ACTIVATIONS,
                            {"--seed", std::to_string(seed), "--steps", "1", "--grid", "2"});
    const json& c = j.at("collapse");
    const Mat X = matrix(c.at("inputs"));
    BOOST_TEST_REQUIRE(c.at("layers").size() == 3u);

    // The stack, layer by layer, and the product of its weights, written out here.
    Mat stack = X, W, b;
    for (const json& layer : c.at("layers")) {
        const Mat Wl = matrix(layer.at("W")), bl = row(layer.at("b"));
        stack = add_row(multiply(stack, Wl), bl);
        if (W.empty()) {
            W = Wl;
            b = bl;
        } else {
            W = multiply(W, Wl);
            b = add_row(multiply(b, Wl), bl);
        }
    }
    const Mat composed = add_row(multiply(X, W), b);

    real largest = 0;
    for (const auto& r : stack)
        largest = std::max(largest, std::abs(r[0]));
    BOOST_TEST_REQUIRE(largest > 0.1L);
    const real tolerance = 1e-12L * largest;
    for (std::size_t i = 0; i < X.size(); ++i) {
        BOOST_TEST(std::abs(stack[i][0] - composed[i][0]) <= 1e-15L * largest);
        BOOST_TEST(std::abs(c.at("stack_output")[i].get<double>() - stack[i][0]) <= tolerance,
                   "stack output " << i);
        BOOST_TEST(std::abs(c.at("composed_output")[i].get<double>() - composed[i][0]) <= tolerance,
                   "composed output " << i);
    }
    for (std::size_t k = 0; k < 2; ++k)
        BOOST_TEST(std::abs(c.at("W")[k][0].get<double>() - W[k][0]) <= 1e-12L * std::abs(W[k][0]));
    BOOST_TEST(std::abs(c.at("b")[0].get<double>() - b[0][0]) <= 1e-12L * std::abs(b[0][0]));
    BOOST_TEST(c.at("relative_difference").get<double>() <= 1e-12);
}

// Seeds 1 to 5 (the text's default is 1). While choosing the default configuration (16 hidden
// neurons, α = 0.5, 2000 steps, weights from N(0, 1/in), zero biases) every seed from 1 to
// 1000 was run: all three nonlinear networks classified all four points every time, with
// every output within 0.018 of its target (checked on seeds 1 to 300); the margin required
// here is 0.25. Smaller settings were not robust: with 8 hidden neurons, 9 of seeds 1 to 100
// left the ReLU network short of 4 of 4 (dead units; see the next test), and with 16 hidden
// neurons but α = 1, 1 of seeds 1 to 400 did.
BOOST_DATA_TEST_CASE(only_the_nonlinear_networks_learn_xor, data::make({1, 2, 3, 4, 5}), seed) {
    const json j = run_json(BACKPROP_CH06_ACTIVATIONS, {"--seed", std::to_string(seed)});
    const json& networks = j.at("networks");
    const std::vector<double> t = j.at("t");
    BOOST_TEST_REQUIRE(t.size() == 4u);

    // The book states the margin a point must clear to count as classified: 0.1 either side of ½.
    BOOST_TEST_REQUIRE(j.at("decision_margin").get<double>() == 0.1);

    const json& linear = named(networks, "linear");
    BOOST_TEST(linear.at("accuracy").get<double>() <= 0.75);
    // Trained, it says ½ everywhere, to within rounding: no point is classified.
    for (std::size_t i = 0; i < 4; ++i)
        BOOST_TEST(std::abs(linear.at("outputs")[i].get<double>() - 0.5) < 1e-9);
    BOOST_TEST(linear.at("accuracy").get<double>() == 0.0);
    // No linear model beats the output ½ everywhere: cross-entropy ln 2.
    BOOST_TEST(linear.at("final_loss").get<double>() >= std::log(2.0) - 1e-12);
    // The trained linear network is σ(x W + b) with the W and b it reports.
    const Mat XOR = matrix(j.at("X"));
    const Mat z = add_row(multiply(XOR, matrix(j.at("linear_W"))), row(j.at("linear_b")));
    for (std::size_t i = 0; i < 4; ++i) {
        const real y = 1 / (1 + std::exp(-z[i][0]));
        BOOST_TEST(std::abs(linear.at("outputs")[i].get<double>() - y) <= 1e-12L);
    }

    for (const char* name : {"sigmoid", "tanh", "relu"}) {
        const json& network = named(networks, name);
        BOOST_TEST(network.at("accuracy").get<double>() == 1.0, name << ", seed " << seed);
        for (std::size_t i = 0; i < 4; ++i)
            BOOST_TEST(std::abs(network.at("outputs")[i].get<double>() - t[i]) < 0.25,
                       name << ", seed " << seed << ", point " << i);
        BOOST_TEST(network.at("final_loss").get<double>() < 0.1, name << ", seed " << seed);
        BOOST_TEST(network.at("margin").get<double>() > 0.25, name << ", seed " << seed);
    }
    // Accuracy and margin as the program counts them, recounted from the outputs: a point is
    // classified when its output is on its target's side of ½ by at least 0.1.
    for (const json& network : networks) {
        int right = 0;
        double margin = 1;
        for (std::size_t i = 0; i < 4; ++i) {
            const double y = network.at("outputs")[i].get<double>();
            const double on_its_side = t[i] > 0.5 ? y - 0.5 : 0.5 - y;
            right += on_its_side >= 0.1;
            margin = std::min(margin, on_its_side);
        }
        BOOST_TEST(network.at("accuracy").get<double>() == right / 4.0);
        BOOST_TEST(network.at("margin").get<double>() == margin);
    }
}

// The book's example of dead ReLU units: with 8 hidden neurons and seed 13 no hidden unit of
// the trained ReLU network is active at (0, 0) or at (1, 0), recomputed here from the weights
// it prints, so the output at both is σ(b) of the output neuron alone, within 0.001 of ½: the
// network classifies only the other two points. Counting by the threshold alone would give
// it (0, 0), whose output is a hair below ½; the margin does not.
BOOST_AUTO_TEST_CASE(the_books_dead_relu_example) {
    const json j = run_json(BACKPROP_CH06_ACTIVATIONS, {"--hidden", "8", "--seed", "13"});
    const json& relu = named(j.at("networks"), "relu");
    const Mat XOR = matrix(j.at("X"));
    const json& layers = relu.at("layers");
    BOOST_TEST_REQUIRE(layers.size() == 2u);
    const Mat Z = add_row(multiply(XOR, matrix(layers[0].at("W"))), row(layers[0].at("b")));
    const real b = layers[1].at("b")[0].get<double>();
    const real silent = 1 / (1 + std::exp(-b));  // the output with every hidden unit at 0
    BOOST_TEST(std::abs(silent - 0.5L) < 1e-3L);
    for (const std::size_t i : {0u, 2u}) {
        for (const real z : Z[i])
            BOOST_TEST(z <= 0, "a hidden unit is active at point " << i);
        BOOST_TEST(std::abs(relu.at("outputs")[i].get<double>() - silent) < 1e-12L);
    }
    BOOST_TEST(relu.at("outputs")[0].get<double>() < 0.5);  // right side of ½ for t = 0, barely
    BOOST_TEST(relu.at("accuracy").get<double>() == 0.5);
    BOOST_TEST(relu.at("margin").get<double>() < 0);  // (1, 0) is on the wrong side
}

// The book's exercise with two hidden units (seed 3): two units can represent XOR, yet none of
// the three networks learns it. In the ReLU network one unit is dead on all four points,
// recomputed here from the weights the program prints; the sigmoid and tanh networks say ½ at
// (0, 1) and (1, 1), where their hidden units take nearly the same values, and their loss is
// near ½ ln 2.
BOOST_AUTO_TEST_CASE(the_books_two_unit_exercise) {
    const json j = run_json(BACKPROP_CH06_ACTIVATIONS, {"--hidden", "2", "--seed", "3"});
    const Mat XOR = matrix(j.at("X"));
    const auto hidden_sums = [&](const json& network) {
        const json& layer = network.at("layers")[0];
        return add_row(multiply(XOR, matrix(layer.at("W"))), row(layer.at("b")));
    };

    const json& relu = named(j.at("networks"), "relu");
    const Mat Z = hidden_sums(relu);
    int dead = 0;
    for (std::size_t unit = 0; unit < 2; ++unit) {
        bool active = false;
        for (std::size_t i = 0; i < 4; ++i)
            active = active || Z[i][unit] > 0;
        dead += !active;
    }
    BOOST_TEST(dead == 1);
    BOOST_TEST(relu.at("accuracy").get<double>() == 0.75);
    BOOST_TEST(relu.at("margin").get<double>() < 0);

    for (const char* name : {"sigmoid", "tanh"}) {
        const json& network = named(j.at("networks"), name);
        BOOST_TEST(network.at("accuracy").get<double>() == 0.5, name);
        BOOST_TEST(network.at("margin").get<double>() < 0, name);
        for (std::size_t i : {1u, 3u})
            BOOST_TEST(std::abs(network.at("outputs")[i].get<double>() - 0.5) < 0.01, name);
        // The hidden units' weighted sums at (0, 1) and (1, 1): deep in saturation, where the
        // activations of the two points agree to within 0.01.
        const Mat H = hidden_sums(network);
        const auto f = [&](real z) {
            return std::string(name) == "tanh" ? std::tanh(z) : 1 / (1 + std::exp(-z));
        };
        for (std::size_t unit = 0; unit < 2; ++unit)
            BOOST_TEST(std::abs(f(H[1][unit]) - f(H[3][unit])) < 0.01L, name << " unit " << unit);
        BOOST_TEST(std::abs(network.at("final_loss").get<double>() - std::log(2.0) / 2) < 0.02,
                   name);
    }
}

// The decision maps: an n x n grid over [-0.5, 1.5]², which at the XOR points holds the
// networks' outputs there.
BOOST_AUTO_TEST_CASE(the_grid_covers_the_square) {
    const json j = run_json(BACKPROP_CH06_ACTIVATIONS, {"--grid", "21"});
    const std::vector<double> x = j.at("grid_coordinates");
    BOOST_TEST_REQUIRE(x.size() == 21u);
    BOOST_TEST(x.front() == -0.5);
    BOOST_TEST(x.back() == 1.5);
    // x[5] = 0 and x[15] = 1.
    const std::size_t at[2] = {5, 15};
    BOOST_TEST(std::abs(x[at[0]]) < 1e-15);
    BOOST_TEST(std::abs(x[at[1]] - 1) < 1e-15);
    for (const json& network : j.at("networks")) {
        const json& grid = network.at("grid");
        BOOST_TEST_REQUIRE(grid.size() == 21u);
        for (const json& column : grid) {
            BOOST_TEST_REQUIRE(column.size() == 21u);
            for (const json& value : column)
                BOOST_TEST((value.get<double>() > 0 && value.get<double>() < 1));
        }
        // Point i of XOR is (x1, x2) = (i / 2, i % 2); grid[i][j] is the output at (x_i, x_j).
        for (std::size_t i = 0; i < 4; ++i)
            BOOST_TEST(std::abs(grid[at[i / 2]][at[i % 2]].get<double>() -
                                network.at("outputs")[i].get<double>()) < 1e-12,
                       network.at("name") << " at point " << i);
    }
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
    for (const std::vector<std::string>& arguments :
         std::vector<std::vector<std::string>>{{"--no-such-option"},
                                               {"--seed", "abc"},
                                               {"--seed", "-1"},
                                               {"--hidden", "0"},
                                               {"--hidden", "many"},
                                               {"--steps", "0"},
                                               {"--steps", "2.5"},
                                               {"--lr", "0"},
                                               {"--lr", "-0.5"},
                                               {"--lr", "nan"},
                                               {"--grid", "1"},
                                               {"--grid", "x"}})
        check_usage_error(BACKPROP_CH06_ACTIVATIONS, arguments);
    BOOST_TEST(run_program(BACKPROP_CH06_ACTIVATIONS, {"--help"}).exit_status == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// --- Chapter 7 -------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(learning_rate)

namespace {

/// The least-squares problem, recomputed from the dataset the program prints.
struct Quadratic {
    Mat X;
    std::vector<real> t;
    real H[2][2] = {};
    real lambda_min = 0, lambda_max = 0;
    real w_star[2] = {};
    real J_star = 0;

    explicit Quadratic(const json& j) : X(matrix(j.at("X"))) {
        for (const json& value : j.at("t"))
            t.push_back(value.get<double>());
        const real B = real(X.size());
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) {
                for (const auto& x : X)
                    H[a][b] += x[a] * x[b];
                H[a][b] /= B;
            }
        // λ_max by power iteration from (1, 0); λ_min from the trace.
        real v[2] = {1, 0};
        for (int iteration = 0; iteration < 2000; ++iteration) {
            const real u[2] = {H[0][0] * v[0] + H[0][1] * v[1], H[1][0] * v[0] + H[1][1] * v[1]};
            const real n = std::sqrt(u[0] * u[0] + u[1] * u[1]);
            v[0] = u[0] / n;
            v[1] = u[1] / n;
        }
        lambda_max =
            v[0] * (H[0][0] * v[0] + H[0][1] * v[1]) + v[1] * (H[1][0] * v[0] + H[1][1] * v[1]);
        lambda_min = H[0][0] + H[1][1] - lambda_max;
        // w*: H w* = Xᵀt / B, by elimination.
        real g[2] = {0, 0};
        for (std::size_t i = 0; i < X.size(); ++i)
            for (int a = 0; a < 2; ++a)
                g[a] += X[i][a] * t[i] / B;
        const real m = H[1][0] / H[0][0];
        w_star[1] = (g[1] - m * g[0]) / (H[1][1] - m * H[0][1]);
        w_star[0] = (g[0] - H[0][1] * w_star[1]) / H[0][0];
        J_star = loss(w_star[0], w_star[1]);
    }

    /// J(w) = ½ mean (x w − t)².
    real loss(real w1, real w2) const {
        real sum = 0;
        for (std::size_t i = 0; i < X.size(); ++i) {
            const real e = X[i][0] * w1 + X[i][1] * w2 - t[i];
            sum += e * e;
        }
        return sum / (2 * real(X.size()));
    }
};

bool close(real a, real b, real relative) {
    return std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

}  // namespace

BOOST_AUTO_TEST_CASE(eigenvalues_and_critical_rates) {
    const json j = run_json(BACKPROP_CH07_LEARNING_RATE);
    const Quadratic q(j);
    BOOST_TEST_REQUIRE(q.X.size() == j.at("samples").get<std::size_t>());
    BOOST_TEST_REQUIRE(q.X.front().size() == 2u);
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b)
            BOOST_TEST(close(j.at("H")[a][b].get<double>(), q.H[a][b], 1e-12L));
    BOOST_TEST(close(j.at("lambda_max").get<double>(), q.lambda_max, 1e-12L));
    BOOST_TEST(close(j.at("lambda_min").get<double>(), q.lambda_min, 1e-10L));
    BOOST_TEST(close(j.at("oscillation_rate").get<double>(), 1 / q.lambda_max, 1e-12L));
    BOOST_TEST(close(j.at("divergence_rate").get<double>(), 2 / q.lambda_max, 1e-12L));
    BOOST_TEST(
        close(j.at("fastest_rate").get<double>(), 2 / (q.lambda_min + q.lambda_max), 1e-12L));
    for (int a = 0; a < 2; ++a)
        BOOST_TEST(close(j.at("w_star")[a].get<double>(), q.w_star[a], 1e-10L));
    BOOST_TEST(close(j.at("J_star").get<double>(), q.J_star, 1e-9L));
    // The features are correlated enough for the chapter's point: a long, narrow valley.
    BOOST_TEST(q.lambda_max / q.lambda_min > 10);
    // v_max is a unit eigenvector for λ_max.
    const real v[2] = {j.at("v_max")[0].get<double>(), j.at("v_max")[1].get<double>()};
    for (int a = 0; a < 2; ++a)
        BOOST_TEST(std::abs(q.H[a][0] * v[0] + q.H[a][1] * v[1] - q.lambda_max * v[a]) < 1e-12L);
}

// Standardising the features (centring each, scaling it to unit variance) leaves their
// correlation coefficient r as it was and turns H into [[1, r], [r, 1]], with eigenvalues
// 1 ± r: κ = (1 + r)/(1 − r). Here r is computed from the data in its textbook form,
// cov / (sd sd), and κ from that formula, not from the program's eigenvalue routine.
BOOST_AUTO_TEST_CASE(standardising_keeps_the_correlation) {
    const json j = run_json(BACKPROP_CH07_LEARNING_RATE, {"--steps", "1"});
    const Quadratic q(j);
    const real B = real(q.X.size());
    real mean[2] = {0, 0};
    for (const auto& x : q.X)
        for (int a = 0; a < 2; ++a)
            mean[a] += x[a] / B;
    real cov[2][2] = {};
    for (const auto& x : q.X)
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b)
                cov[a][b] += (x[a] - mean[a]) * (x[b] - mean[b]) / B;
    const real sd[2] = {std::sqrt(cov[0][0]), std::sqrt(cov[1][1])};
    const real r = cov[0][1] / (sd[0] * sd[1]);
    for (int a = 0; a < 2; ++a) {
        BOOST_TEST(close(j.at("feature_means")[a].get<double>(), mean[a], 1e-10L));
        BOOST_TEST(close(j.at("feature_sds")[a].get<double>(), sd[a], 1e-12L));
        BOOST_TEST(std::abs(j.at("H_standardised")[a][a].get<double>() - 1) < 1e-12);
        BOOST_TEST(close(j.at("H_standardised")[a][1 - a].get<double>(), r, 1e-12L));
    }
    BOOST_TEST(close(j.at("correlation").get<double>(), r, 1e-12L));
    BOOST_TEST(
        close(j.at("condition_number_standardised").get<double>(), (1 + r) / (1 - r), 1e-10L));
    // The chapter's point: this data is already close to centred and unit-scaled, so
    // standardising leaves κ nearly where it was (within 5 %); the correlation is what is
    // left, and only whitening removes it.
    BOOST_TEST(r > 0.85L);
    BOOST_TEST(close(j.at("condition_number_standardised").get<double>(),
                     q.lambda_max / q.lambda_min, 0.05L));
}

// Each run's loss and weights at every step equal a gradient descent written out here in long
// double, w ← w − α Xᵀ(Xw − t)/B from w = 0.
BOOST_AUTO_TEST_CASE(loss_curves_match_an_independent_descent) {
    const json j = run_json(BACKPROP_CH07_LEARNING_RATE);
    const Quadratic q(j);
    const std::size_t steps = j.at("steps");
    for (const json& run : j.at("runs")) {
        const real alpha = run.at("lr").get<double>();
        BOOST_TEST_REQUIRE(run.at("loss").size() == steps + 1);
        real w[2] = {0, 0};
        for (std::size_t k = 0; k <= steps; ++k) {
            const real J = q.loss(w[0], w[1]);
            BOOST_TEST(close(run.at("loss")[k].get<double>(), J, 1e-9L), run.at("name")
                                                                             << " step " << k);
            BOOST_TEST(std::abs(run.at("w1")[k].get<double>() - w[0]) <=
                       1e-9L * std::max<real>(1, std::abs(w[0])));
            real g[2] = {0, 0};
            for (std::size_t i = 0; i < q.X.size(); ++i) {
                const real e = q.X[i][0] * w[0] + q.X[i][1] * w[1] - q.t[i];
                for (int a = 0; a < 2; ++a)
                    g[a] += q.X[i][a] * e / real(q.X.size());
            }
            for (int a = 0; a < 2; ++a)
                w[a] -= alpha * g[a];
        }
    }
}

// The default sweep: each rate, placed relative to the eigenvalues computed here, behaves as
// the factors 1 − αλ say.
BOOST_AUTO_TEST_CASE(the_default_sweep_behaves_as_theory_says) {
    const json j = run_json(BACKPROP_CH07_LEARNING_RATE);
    const Quadratic q(j);
    const json& runs = j.at("runs");
    std::size_t fewest = 1'000'000;
    for (const json& run : runs) {
        const real alpha = run.at("lr").get<double>();
        const std::string name = run.at("name");
        BOOST_TEST(run.at("diverged").get<bool>() == (alpha > 2 / q.lambda_max), name);
        BOOST_TEST(run.at("oscillated").get<bool>() == (alpha > 1 / q.lambda_max), name);
        BOOST_TEST(run.at("time_constant_flat_steps").get<long long>() ==
                       std::llround(double(1 / (alpha * q.lambda_min))),
                   name);
        if (run.at("converged").get<bool>()) {
            const std::size_t taken = run.at("steps_to_tolerance");
            BOOST_TEST(taken <= run.at("steps_bound").get<std::size_t>(), name);
            fewest = std::min(fewest, taken);
        }
    }
    BOOST_TEST(named(runs, "crawl").at("converged") == false);
    BOOST_TEST(named(runs, "crawl").at("final_excess").get<double>() > 0.01);
    BOOST_TEST(named(runs, "smooth").at("converged") == true);
    BOOST_TEST(named(runs, "oscillate").at("converged") == true);
    BOOST_TEST(named(runs, "fastest").at("converged") == true);
    BOOST_TEST(named(runs, "fastest").at("steps_to_tolerance").get<std::size_t>() == fewest);
    BOOST_TEST(named(runs, "edge").at("converged") == false);
    BOOST_TEST(named(runs, "edge").at("diverged") == false);
    BOOST_TEST(named(runs, "diverge").at("diverged") == true);
}

// Rates chosen here, from the eigenvalues computed here: too large diverges, tiny has not
// converged after 200 steps, the best converges to the minimum computed here.
BOOST_AUTO_TEST_CASE(rates_chosen_by_the_test) {
    const Quadratic q(run_json(BACKPROP_CH07_LEARNING_RATE, {"--steps", "1"}));
    const double too_large = double(2.2L / q.lambda_max), tiny = double(0.01L / q.lambda_max),
                 best = double(2 / (q.lambda_min + q.lambda_max));
    const json j = run_json(
        BACKPROP_CH07_LEARNING_RATE,
        {"--steps", "200", "--rates", number(too_large) + "," + number(tiny) + "," + number(best)});
    const json& runs = j.at("runs");
    BOOST_TEST_REQUIRE(runs.size() == 3u);
    BOOST_TEST(runs[0].at("diverged") == true);
    BOOST_TEST(runs[0].at("final_loss").get<double>() >
               1e3 * runs[0].at("initial_loss").get<double>());
    BOOST_TEST(runs[1].at("diverged") == false);
    BOOST_TEST(runs[1].at("converged") == false);
    BOOST_TEST(runs[1].at("final_excess").get<double>() > 0.1);
    BOOST_TEST(runs[2].at("converged") == true);
    BOOST_TEST(close(runs[2].at("final_loss").get<double>(), q.J_star, 1e-9L));
}

// A rate so large that the loss overflows: the run stops, reports divergence, and its JSON
// holds only finite numbers.
BOOST_AUTO_TEST_CASE(an_overflowing_rate_is_reported_as_diverged) {
    const json j = run_json(BACKPROP_CH07_LEARNING_RATE, {"--rates", "1e6", "--steps", "2000"});
    const json& run = j.at("runs").at(0);
    BOOST_TEST(run.at("diverged") == true);
    BOOST_TEST(run.at("loss").size() < 2001u);
    for (const json& value : run.at("loss"))
        BOOST_TEST_REQUIRE(value.is_number());
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
    for (const std::vector<std::string>& arguments :
         std::vector<std::vector<std::string>>{{"--no-such-option"},
                                               {"--steps", "0"},
                                               {"--steps", "ten"},
                                               {"--rates", "abc"},
                                               {"--rates", "0"},
                                               {"--rates", "-0.1"},
                                               {"--rates", "0.1,x"},
                                               {"--rates", "nan"},
                                               {"--rates", "inf"}})
        check_usage_error(BACKPROP_CH07_LEARNING_RATE, arguments);
    BOOST_TEST(run_program(BACKPROP_CH07_LEARNING_RATE, {"--help"}).exit_status == 0);
}

BOOST_AUTO_TEST_SUITE_END()
