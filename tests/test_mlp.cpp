// The training-step implementations of the "Why vectorize" chapter: naive, and vectorized
// with every matrix-product engine of this build. They must compute the same step: the same
// logits, loss, gradients and updated parameters, to 1e-12 relative, on several shapes and
// batch sizes; the naive one (and through it all) agrees with finite differences; and every
// engine's products equal a long-double triple loop.
#define BOOST_TEST_MODULE mlp
#include <cmath>
#include <iomanip>
#include <random>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/core/products.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/gradient_check.hpp"

using namespace backprop;
namespace data = boost::unit_test::data;

namespace {

// Implementations sum the same products in different orders (blocked, SIMD lanes, FMA), so
// they differ by rounding: ~1e-16 per operation, ~1e-15 after a few hundred terms. 1e-12,
// relative to the largest entry of each tensor, leaves a wide margin and still catches any
// real difference (a wrong index or a missing term is off by far more).
constexpr double tolerance = 1e-12;

/// Whether \p a agrees with the reference \p b: max |a - b| <= tolerance * max |b| (or, where
/// b is all zeros, max |a - b| <= tolerance). If not, the message gives that difference and the
/// first entries that differ by more, with their indices and both values.
template <class Container>
boost::test_tools::predicate_result agree(const Container& a, const Container& b) {
    boost::test_tools::predicate_result result(true);
    if (a.data().size() != b.data().size()) {
        result = false;
        result.message() << a.data().size() << " entries against " << b.data().size();
        return result;
    }
    double difference = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < a.data().size(); ++i) {
        difference = std::max(difference, std::abs(a.data()[i] - b.data()[i]));
        scale = std::max(scale, std::abs(b.data()[i]));
    }
    const double allowed = tolerance * (scale == 0.0 ? 1.0 : scale);
    if (difference <= allowed) return result;
    result = false;
    result.message() << "largest difference " << difference << ", more than " << tolerance
                     << " of the largest entry " << scale << "; first entries that differ:";
    int shown = 0;
    for (std::size_t i = 0; i < a.data().size() && shown < 3; ++i) {
        if (std::abs(a.data()[i] - b.data()[i]) <= allowed) continue;
        ++shown;
        result.message() << std::setprecision(17) << " [";
        if constexpr (requires { a.size2(); })
            result.message() << i / a.size2() << "][" << i % a.size2();
        else
            result.message() << i;
        result.message() << "] " << a.data()[i] << " against " << b.data()[i] << ";";
    }
    return result;
}

Matrix random_matrix(std::size_t rows, std::size_t cols, std::mt19937_64& generator,
                     double low = -1.0, double high = 1.0) {
    std::uniform_real_distribution<double> uniform(low, high);
    Matrix m(rows, cols);
    for (double& x : m.data())
        x = uniform(generator);
    return m;
}

Matrix one_hot(std::size_t batch, std::size_t classes, std::mt19937_64& generator) {
    std::uniform_int_distribution<std::size_t> label(0, classes - 1);
    Matrix T(batch, classes, 0.0);
    for (std::size_t s = 0; s < batch; ++s)
        T(s, label(generator)) = 1.0;
    return T;
}

struct Case {
    std::vector<std::size_t> sizes;
    std::size_t batch;
    std::string activation;
};
std::ostream& operator<<(std::ostream& out, const Case& c) {
    out << "sizes";
    for (std::size_t n : c.sizes)
        out << ' ' << n;
    return out << ", batch " << c.batch << ", " << c.activation;
}

const std::vector<Case> cases{
    {{3, 2}, 1, "sigmoid"},              // no hidden layer: softmax regression
    {{2, 3, 1}, 1, "sigmoid"},           // the article's shape (one class: softmax is 1)
    {{5, 7, 4}, 3, "tanh"},              //
    {{6, 9, 8, 3}, 16, "relu"},          // two hidden layers
    {{11, 13, 5, 7, 2}, 5, "identity"},  // three
    {{784, 32, 10}, 64, "sigmoid"},      // Fashion-MNIST sized inputs
    {{20, 64, 10}, 257, "sigmoid"},      // a batch that is not a power of two
};

}  // namespace

// The comparison names where two results part: its own failure must be readable.
BOOST_AUTO_TEST_CASE(a_disagreement_names_the_first_entries_that_differ) {
    const Matrix reference = matrix_from_rows({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
    Matrix close = reference, apart = reference;
    close(0, 1) += 1e-13;  // within 1e-12 of the largest entry, 6
    apart(1, 2) += 1e-9;
    BOOST_TEST(agree(close, reference));
    boost::test_tools::predicate_result r = agree(apart, reference);
    BOOST_TEST(!r);
    const std::string message = r.message().str();
    BOOST_TEST(message.find("[1][2] 6.0000000010000001 against 6") != std::string::npos, message);
    BOOST_TEST(message.find("[0][") == std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(this_build_has_naive_and_both_ublas_engines) {
    const auto names = step_names();
    BOOST_TEST_REQUIRE(names.size() >= 3u);
    BOOST_TEST(names[0] == "naive");
    BOOST_TEST(names[1] == "ublas_prod");
    BOOST_TEST(names[2] == "ublas_axpy");
    BOOST_TEST_MESSAGE("implementations in this build: " << names.size());
}

BOOST_DATA_TEST_CASE(every_implementation_computes_the_same_step, data::make(cases), c) {
    std::mt19937_64 generator(c.batch * 1000 + c.sizes.size());
    const MlpParameters start = MlpParameters::random(c.sizes, activation_named(c.activation), 7);
    const Matrix X = random_matrix(c.batch, c.sizes.front(), generator);
    const Matrix T = one_hot(c.batch, c.sizes.back(), generator);

    // The reference: the naive step.
    const auto naive = make_step("naive");
    MlpParameters reference = start;
    const Matrix reference_logits = naive->forward(reference, X);
    const MlpGradients reference_gradients = naive->backward(reference, T);
    const double reference_loss = naive->step(reference, X, T, 0.5);

    for (std::string_view name : step_names()) {
        if (name == naive->name()) continue;  // the reference itself
        BOOST_TEST_CONTEXT("implementation " << name << " against naive") {
            const auto step = make_step(name);
            MlpParameters p = start;
            BOOST_TEST(agree(step->forward(p, X), reference_logits));
            const MlpGradients& g = step->backward(p, T);
            for (std::size_t l = 0; l < p.W.size(); ++l) {
                BOOST_TEST_INFO("dJ/dW of layer " << l + 1);
                BOOST_TEST(agree(g.dJ_dW[l], reference_gradients.dJ_dW[l]));
                BOOST_TEST_INFO("dJ/db of layer " << l + 1);
                BOOST_TEST(agree(g.dJ_db[l], reference_gradients.dJ_db[l]));
            }
            const double loss = step->step(p, X, T, 0.5);
            BOOST_TEST(loss == reference_loss, boost::test_tools::tolerance(tolerance));
            for (std::size_t l = 0; l < p.W.size(); ++l) {
                BOOST_TEST_INFO("updated W of layer " << l + 1);
                BOOST_TEST(agree(p.W[l], reference.W[l]));
                BOOST_TEST_INFO("updated b of layer " << l + 1);
                BOOST_TEST(agree(p.b[l], reference.b[l]));
            }
        }
    }
}

// Steps reuse their buffers: a second batch of another size must not see the first's. (Not
// bit for bit: SIMD kernels may sum in another order when a buffer sits at another address.)
BOOST_AUTO_TEST_CASE(buffers_follow_the_batch_size) {
    std::mt19937_64 generator(3);
    const std::vector<std::size_t> sizes{4, 6, 3};
    const MlpParameters p = MlpParameters::random(sizes, activations::tanh, 1);
    const Matrix X_big = random_matrix(9, 4, generator), T_big = one_hot(9, 3, generator);
    const Matrix X_small = random_matrix(2, 4, generator), T_small = one_hot(2, 3, generator);
    for (std::string_view name : step_names()) {
        BOOST_TEST_CONTEXT("implementation " << name) {
            const auto used = make_step(name), fresh = make_step(name);
            used->forward(p, X_big);
            used->backward(p, T_big);
            const Matrix logits = used->forward(p, X_small);
            BOOST_TEST(agree(logits, fresh->forward(p, X_small)));
            const MlpGradients g = used->backward(p, T_small);
            const MlpGradients& h = fresh->backward(p, T_small);
            for (std::size_t l = 0; l < 2; ++l)
                BOOST_TEST(agree(g.dJ_dW[l], h.dJ_dW[l]));
        }
    }
}

// The step's gradients are those of the mean softmax cross-entropy of the logits: checked
// against finite differences (see gradient_check.hpp for the 1e-7).
BOOST_DATA_TEST_CASE(gradients_match_finite_differences,
                     data::make(std::vector<std::string>{"naive", "ublas_axpy"}), name) {
    std::mt19937_64 generator(11);
    const std::vector<std::size_t> sizes{5, 4, 3};
    MlpParameters p = MlpParameters::random(sizes, activations::sigmoid, 2);
    for (Vector& b : p.b)
        for (double& x : b)
            x = 0.1;
    const Matrix X = random_matrix(6, 5, generator), T = one_hot(6, 3, generator);
    const auto step = make_step(name);
    step->forward(p, X);
    const MlpGradients g = step->backward(p, T);
    const auto J = [&] { return softmax_cross_entropy(make_step("naive")->forward(p, X), T); };
    for (std::size_t l = 0; l < p.W.size(); ++l) {
        const auto W = compare_gradients(g.dJ_dW[l], numerical_gradient(J, p.W[l]));
        BOOST_TEST(W.max_relative_error < 1e-7,
                   "dJ/dW of layer " << l + 1 << " at entry " << W.worst_index);
        const auto b = compare_gradients(g.dJ_db[l], numerical_gradient(J, p.b[l]));
        BOOST_TEST(b.max_relative_error < 1e-7, "dJ/db of layer " << l + 1);
    }
}

// Each engine's three products against a triple loop in long double.
BOOST_AUTO_TEST_CASE(every_engine_multiplies_correctly) {
    std::mt19937_64 generator(5);
    const std::size_t shapes[][3] = {{1, 1, 1}, {3, 5, 2}, {17, 33, 9}, {64, 100, 40}};
    for (const Products& engine : available_products())
        for (const auto& s : shapes) {
            const std::size_t M = s[0], K = s[1], N = s[2];
            BOOST_TEST_CONTEXT(engine.name << " at " << M << "x" << K << "x" << N) {
                const Matrix A = random_matrix(M, K, generator), B = random_matrix(K, N, generator);
                const Matrix At = trans(A), Bt = trans(B);
                Matrix expected(M, N);
                for (std::size_t i = 0; i < M; ++i)
                    for (std::size_t j = 0; j < N; ++j) {
                        long double sum = 0;
                        for (std::size_t k = 0; k < K; ++k)
                            sum += (long double)A(i, k) * B(k, j);
                        expected(i, j) = static_cast<double>(sum);
                    }
                Matrix C(M, N);
                engine.A_B(A, B, C);
                BOOST_TEST_INFO("A B");
                BOOST_TEST(agree(C, expected));
                engine.At_B(At, B, C);
                BOOST_TEST_INFO("A^T B");
                BOOST_TEST(agree(C, expected));
                engine.A_Bt(A, Bt, C);
                BOOST_TEST_INFO("A B^T");
                BOOST_TEST(agree(C, expected));
            }
        }
}

BOOST_AUTO_TEST_CASE(engines_check_shapes) {
    for (const Products& engine : available_products()) {
        BOOST_TEST_CONTEXT(engine.name) {
            const Matrix A(2, 3), B(4, 5);
            Matrix C(2, 5);
            const auto names = [&](const std::invalid_argument& e) {
                const std::string what = e.what();
                return what.find(std::string(engine.name)) == 0 &&
                       what.find("2x3") != std::string::npos &&
                       what.find("4x5") != std::string::npos;
            };
            BOOST_CHECK_EXCEPTION(engine.A_B(A, B, C), std::invalid_argument, names);
            // The product fits but C does not have its shape.
            Matrix wrong(3, 3), right(2, 3);
            BOOST_CHECK_THROW(engine.A_B(A, Matrix(3, 3), wrong), std::invalid_argument);
            BOOST_CHECK_NO_THROW(engine.A_B(A, Matrix(3, 3), right));
        }
    }
}

BOOST_AUTO_TEST_CASE(steps_check_shapes_and_order) {
    const MlpParameters p = MlpParameters::random({4, 3, 2}, activations::sigmoid, 1);
    for (std::string_view name : step_names()) {
        BOOST_TEST_CONTEXT(name) {
            const auto step = make_step(name);
            BOOST_CHECK_THROW(step->backward(p, Matrix(1, 2, 0.0)), std::logic_error);
            BOOST_CHECK_EXCEPTION(
                step->backward(p, Matrix(1, 2, 0.0)), std::logic_error,
                [](const std::logic_error& e) {
                    return std::string(e.what()).ends_with("::backward: called before forward");
                });
            BOOST_CHECK_EXCEPTION(step->forward(p, Matrix(5, 3)), std::invalid_argument,
                                  [](const std::invalid_argument& e) {
                                      const std::string what = e.what();
                                      return what.find("5x3") != std::string::npos &&
                                             what.find("4x3") != std::string::npos;
                                  });
            step->forward(p, Matrix(5, 4, 0.5));
            BOOST_CHECK_THROW(step->backward(p, Matrix(5, 3)), std::invalid_argument);
        }
    }
}

// Parameters whose layers do not fit one another are named before anything is read.
BOOST_AUTO_TEST_CASE(steps_check_the_parameters_fit_together) {
    const auto names = [](std::initializer_list<const char*> phrases) {
        return [phrases](const std::invalid_argument& e) {
            const std::string what = e.what();
            BOOST_TEST_MESSAGE(what);
            for (const char* phrase : phrases)
                if (what.find(phrase) == std::string::npos) return false;
            return true;
        };
    };
    const MlpParameters good = MlpParameters::random({4, 3, 2}, activations::sigmoid, 1);
    const Matrix X(5, 4, 0.5);
    for (std::string_view name : step_names()) {
        BOOST_TEST_CONTEXT(name) {
            const auto step = make_step(name);
            MlpParameters p = good;
            p.b.pop_back();
            BOOST_CHECK_EXCEPTION(step->forward(p, X), std::invalid_argument,
                                  names({"::forward", "2 weight matrices but 1 bias vectors"}));
            p = good;
            p.W[1] = Matrix(4, 2, 0.0);
            BOOST_CHECK_EXCEPTION(step->forward(p, X), std::invalid_argument,
                                  names({"::forward", "W1", "4x3", "W2", "4x2"}));
            p = good;
            p.b[1] = Vector(3, 0.0);
            BOOST_CHECK_EXCEPTION(step->forward(p, X), std::invalid_argument,
                                  names({"::forward", "b2 has 3 entries but W2 (3x2) has 2"}));
            BOOST_CHECK_NO_THROW(step->forward(good, X));
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_names_list_the_valid_ones) {
    BOOST_CHECK_EXCEPTION(make_step("cuda"), std::invalid_argument,
                          [](const std::invalid_argument& e) {
                              const std::string what = e.what();
                              return what.find("'cuda'") != std::string::npos &&
                                     what.find("naive") != std::string::npos &&
                                     what.find("ublas_axpy") != std::string::npos;
                          });
    BOOST_CHECK_THROW(products_named("cuda"), std::invalid_argument);
    BOOST_CHECK_NO_THROW(fastest_products());
}

BOOST_AUTO_TEST_CASE(flop_counts) {
    // 784-128-10, batch 64: the products of forward, and of backward (no error into X).
    BOOST_TEST(forward_flops({784, 128, 10}, 64) == 2.0 * 64 * (784 * 128 + 128 * 10));
    BOOST_TEST(backward_flops({784, 128, 10}, 64) ==
               2.0 * 64 * (784 * 128 + 128 * 10) + 2.0 * 64 * (128 * 10));
}

// Training that blows up is stopped with a message naming where and what to do.
BOOST_AUTO_TEST_CASE(non_finite_losses_and_gradients_are_named) {
    const TrainingPosition at{3, 7, 0.5};
    const auto says = [](std::initializer_list<const char*> phrases) {
        return [phrases](const DivergenceError& e) {
            const std::string what = e.what();
            BOOST_TEST_MESSAGE(what);
            for (const char* phrase : phrases)
                if (what.find(phrase) == std::string::npos) return false;
            return true;
        };
    };
    BOOST_CHECK_EXCEPTION(
        require_finite_loss(std::nan(""), at), DivergenceError,
        says({"epoch 3, batch 7", "the loss is NaN", "lower the learning rate", "it is 0.5"}));
    BOOST_CHECK_EXCEPTION(require_finite_loss(HUGE_VAL, at), DivergenceError,
                          says({"the loss is infinite"}));
    BOOST_CHECK_NO_THROW(require_finite_loss(1e300, at));

    const MlpParameters p = MlpParameters::random({3, 4, 2}, activations::sigmoid, 1);
    MlpGradients g{p.W, p.b};
    BOOST_CHECK_NO_THROW(require_finite_gradients(g, at));
    g.dJ_db[1](1) = -HUGE_VAL;
    BOOST_CHECK_EXCEPTION(require_finite_gradients(g, at), DivergenceError,
                          says({"layer 2's bias b is infinite"}));
    g.dJ_dW[0](2, 3) = std::nan("");
    BOOST_CHECK_EXCEPTION(require_finite_gradients(g, at), DivergenceError,
                          says({"layer 1's weights W is NaN"}));

    // A Sequential's gradients, as its layers stored them in the last backward.
    Sequential network(Linear(Matrix(2, 2, 0.0)), ActivationLayer(activations::tanh),
                       Linear(Matrix(2, 1, 0.0), Vector(1, 0.0)));
    BOOST_CHECK_NO_THROW(require_finite_gradients(network, at));
    network.layer<Linear>(2).dJ_db->data()[0] = std::nan("");
    BOOST_CHECK_EXCEPTION(require_finite_gradients(network, at), DivergenceError,
                          says({"epoch 3, batch 7", "layer 3 (Linear 2x1)'s b is NaN"}));
    network.layer<Linear>(0).dJ_dW(1, 0) = HUGE_VAL;
    BOOST_CHECK_EXCEPTION(require_finite_gradients(network, at), DivergenceError,
                          says({"layer 1 (Linear 2x2 without bias)'s W is infinite"}));
}

// The vectorized activations stay finite and exact at the extremes, as the scalar ones do.
BOOST_AUTO_TEST_CASE(activations_of_many_values_stay_finite) {
    const std::vector<double> z{-1e308, -800.0, -40.0, 0.0, 40.0, 800.0, 1e308};
    for (const Activation& f : activations::all) {
        std::vector<double> a(z.size());
        f.f_many(z.data(), a.data(), z.size());
        for (std::size_t i = 0; i < z.size(); ++i) {
            BOOST_TEST_CONTEXT(f.name << " at " << z[i]) {
                if (f.name == "sigmoid" || f.name == "tanh") BOOST_TEST(std::isfinite(a[i]));
                // Agrees with the scalar reference to a few units in the last place.
                const double reference = f.f(z[i]);
                BOOST_TEST(std::abs(a[i] - reference) <=
                           1e-15 * std::max(1.0, std::abs(reference)));
            }
        }
    }
}
