// The engines of the "Why vectorize" chapter: one network (mlp.hpp), its matrix products
// computed by each engine of this build, the naive loops first. They must compute the same
// step: the same logits, loss, gradients and updated parameters, to 1e-12 relative, on several
// shapes and batch sizes; the step taken inside the backward pass must equal backward then
// Sgd::step; the naive engine (and through it all) agrees with finite differences; and every
// engine's products equal a long-double triple loop.
#define BOOST_TEST_MODULE mlp
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/core/products.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/gradient_check.hpp"
#include "backprop/train/optimizer.hpp"

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
    return random_uniform(rows, cols, low, high, generator);
}

Matrix one_hot(std::size_t batch, std::size_t classes, std::mt19937_64& generator) {
    std::uniform_int_distribution<std::size_t> label(0, classes - 1);
    Matrix T(batch, classes, 0.0);
    for (std::size_t s = 0; s < batch; ++s)
        T(s, label(generator)) = 1.0;
    return T;
}

// An mlp is Linear, activation, Linear, ..., Linear: dense layer l (0-based) is layer 2l.
Linear& dense(Sequential& network, std::size_t l) {
    return network.layer<Linear>(2 * l);
}

/// Copies of every dense layer's W, b and their stored gradients, input side first.
struct Snapshot {
    std::vector<Matrix> W, dJ_dW;
    std::vector<Vector> b, dJ_db;
};
Snapshot snapshot(Sequential& network, std::size_t dense_layers) {
    Snapshot s;
    for (std::size_t l = 0; l < dense_layers; ++l) {
        const Linear& layer = dense(network, l);
        s.W.push_back(layer.W);
        s.b.push_back(layer.b.value());
        s.dJ_dW.push_back(layer.dJ_dW);
        s.dJ_db.push_back(layer.dJ_db.value());
    }
    return s;
}

/// Backward from the mean softmax cross-entropy of the last forward's logits against \p T:
/// every layer stores its gradients.
void backward_to_targets(Sequential& network, const Matrix& T) {
    const Matrix dJ_dZ = softmax_cross_entropy_gradient(network.layers.back()->output(), T);
    network.backward(dJ_dZ);
}

/// A whole plain-SGD step, gradients stored first: forward, loss, backward, then Sgd::step.
/// Returns the loss before the update.
double step_after_backward(Sequential& network, const Matrix& X, const Matrix& T,
                           double learning_rate) {
    const double J = softmax_cross_entropy(network.forward(X), T);
    backward_to_targets(network, T);
    Sgd().step(network, learning_rate);
    return J;
}

/// The same step with Sgd::backward_and_step, which takes it inside each Linear layer's
/// backward pass. Returns the loss before the update.
double step_inside_backward(Sequential& network, const Matrix& X, const Matrix& T,
                            double learning_rate) {
    const Matrix& Z = network.forward(X);
    const double J = softmax_cross_entropy(Z, T);
    const Matrix dJ_dZ = softmax_cross_entropy_gradient(Z, T);
    Sgd().backward_and_step(network, dJ_dZ, learning_rate);
    return J;
}

/// Whether an exception's message contains every one of \p phrases (and logs it).
auto says(std::initializer_list<const char*> phrases) {
    return [phrases](const std::exception& e) {
        const std::string what = e.what();
        BOOST_TEST_MESSAGE(what);
        for (const char* phrase : phrases)
            if (what.find(phrase) == std::string::npos) return false;
        return true;
    };
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
    const std::vector<Products>& engines = available_products();
    BOOST_TEST_REQUIRE(engines.size() >= 3u);
    BOOST_TEST(engines[0].name == "naive");
    BOOST_TEST(engines[1].name == "ublas_prod");
    BOOST_TEST(engines[2].name == "ublas_axpy");
    BOOST_TEST_MESSAGE("engines in this build: " << engines.size());
}

BOOST_DATA_TEST_CASE(every_engine_computes_the_same_step, data::make(cases), c) {
    std::mt19937_64 generator(c.batch * 1000 + c.sizes.size());
    const Activation hidden = activation_named(c.activation);
    const std::size_t L = c.sizes.size() - 1;  // dense layers
    const Matrix X = random_matrix(c.batch, c.sizes.front(), generator);
    const Matrix T = one_hot(c.batch, c.sizes.back(), generator);

    // The reference: the naive engine, its gradients stored, then a plain step from them.
    const Products& naive = products_named("naive");
    Sequential reference = mlp(c.sizes, hidden, 7);
    reference.use_engine(naive);
    const Matrix reference_logits = reference.forward(X);
    backward_to_targets(reference, T);
    const Snapshot reference_gradients = snapshot(reference, L);
    const double reference_loss = step_after_backward(reference, X, T, 0.5);
    const Snapshot reference_after = snapshot(reference, L);

    for (const Products& engine : available_products()) {
        if (engine.name == naive.name) continue;  // the reference itself
        BOOST_TEST_CONTEXT("engine " << engine.name << " against naive") {
            Sequential network = mlp(c.sizes, hidden, 7);  // the same start
            network.use_engine(engine);
            BOOST_TEST(agree(network.forward(X), reference_logits));
            backward_to_targets(network, T);
            for (std::size_t l = 0; l < L; ++l) {
                BOOST_TEST_INFO("dJ/dW of layer " << l + 1);
                BOOST_TEST(agree(dense(network, l).dJ_dW, reference_gradients.dJ_dW.at(l)));
                BOOST_TEST_INFO("dJ/db of layer " << l + 1);
                BOOST_TEST(agree(*dense(network, l).dJ_db, reference_gradients.dJ_db.at(l)));
            }
            // The step as training takes it: inside the backward pass.
            const double loss = step_inside_backward(network, X, T, 0.5);
            BOOST_TEST(loss == reference_loss, boost::test_tools::tolerance(tolerance));
            for (std::size_t l = 0; l < L; ++l) {
                BOOST_TEST_INFO("updated W of layer " << l + 1);
                BOOST_TEST(agree(dense(network, l).W, reference_after.W.at(l)));
                BOOST_TEST_INFO("updated b of layer " << l + 1);
                BOOST_TEST(agree(*dense(network, l).b, reference_after.b.at(l)));
            }
        }
    }
}

// Sgd::backward_and_step takes a plain step inside each Linear layer's backward pass (W <- W
// - alpha X^T delta in one product): with every engine it must land where backward, then
// Sgd::step, lands.
BOOST_DATA_TEST_CASE(the_step_inside_backward_equals_backward_then_step, data::make(cases), c) {
    std::mt19937_64 generator(c.batch * 1000 + c.sizes.size() + 1);
    const Activation hidden = activation_named(c.activation);
    const std::size_t L = c.sizes.size() - 1;
    const Matrix X = random_matrix(c.batch, c.sizes.front(), generator);
    const Matrix T = one_hot(c.batch, c.sizes.back(), generator);
    for (const Products& engine : available_products()) {
        BOOST_TEST_CONTEXT("engine " << engine.name) {
            Sequential separate = mlp(c.sizes, hidden, 7), fused = mlp(c.sizes, hidden, 7);
            separate.use_engine(engine);
            fused.use_engine(engine);
            const double separate_loss = step_after_backward(separate, X, T, 0.5);
            const double fused_loss = step_inside_backward(fused, X, T, 0.5);
            BOOST_TEST(fused_loss == separate_loss, boost::test_tools::tolerance(tolerance));
            for (std::size_t l = 0; l < L; ++l) {
                BOOST_TEST_INFO("W of layer " << l + 1);
                BOOST_TEST(agree(dense(fused, l).W, dense(separate, l).W));
                BOOST_TEST_INFO("b of layer " << l + 1);
                BOOST_TEST(agree(*dense(fused, l).b, *dense(separate, l).b));
            }
            // The fused path was taken: it never writes dJ/dW, still the zeros of a new layer.
            BOOST_TEST(norm_inf(dense(fused, 0).dJ_dW) == 0.0);
        }
    }
}

// Layers reuse their buffers: a second batch of another size must not see the first's. (Not
// bit for bit: SIMD kernels may sum in another order when a buffer sits at another address.)
BOOST_AUTO_TEST_CASE(buffers_follow_the_batch_size) {
    std::mt19937_64 generator(3);
    const std::vector<std::size_t> sizes{4, 6, 3};
    const Matrix X_big = random_matrix(9, 4, generator), T_big = one_hot(9, 3, generator);
    const Matrix X_small = random_matrix(2, 4, generator), T_small = one_hot(2, 3, generator);
    for (const Products& engine : available_products()) {
        BOOST_TEST_CONTEXT("engine " << engine.name) {
            Sequential used = mlp(sizes, activations::tanh, 1),
                       fresh = mlp(sizes, activations::tanh, 1);
            used.use_engine(engine);
            fresh.use_engine(engine);
            used.forward(X_big);
            backward_to_targets(used, T_big);
            const Matrix logits = used.forward(X_small);
            BOOST_TEST(agree(logits, fresh.forward(X_small)));
            backward_to_targets(used, T_small);
            backward_to_targets(fresh, T_small);
            for (std::size_t l = 0; l < 2; ++l)
                BOOST_TEST(agree(dense(used, l).dJ_dW, dense(fresh, l).dJ_dW));
        }
    }
}

// The network's gradients are those of the mean softmax cross-entropy of the logits: checked
// against finite differences (see gradient_check.hpp for the 1e-7).
BOOST_DATA_TEST_CASE(gradients_match_finite_differences,
                     data::make(std::vector<std::string>{"naive", "ublas_axpy"}), name) {
    std::mt19937_64 generator(11);
    const std::vector<std::size_t> sizes{5, 4, 3};
    Sequential network = mlp(sizes, activations::sigmoid, 2);
    for (std::size_t l = 0; l < 2; ++l)
        for (double& x : dense(network, l).b.value())
            x = 0.1;
    const Matrix X = random_matrix(6, 5, generator), T = one_hot(6, 3, generator);
    network.use_engine(products_named(name));
    network.forward(X);
    backward_to_targets(network, T);
    const Snapshot g = snapshot(network, 2);
    // The loss as the naive engine computes it, on the same parameters, nudged in place.
    network.use_engine(products_named("naive"));
    const auto J = [&] { return softmax_cross_entropy(network.forward(X), T); };
    for (std::size_t l = 0; l < 2; ++l) {
        const auto W = compare_gradients(g.dJ_dW[l], numerical_gradient(J, dense(network, l).W));
        BOOST_TEST(W.max_relative_error < 1e-7,
                   "dJ/dW of layer " << l + 1 << " at entry " << W.worst_index);
        const auto b =
            compare_gradients(g.dJ_db[l], numerical_gradient(J, dense(network, l).b.value()));
        BOOST_TEST(b.max_relative_error < 1e-7, "dJ/db of layer " << l + 1);
    }
}

// Each engine's four products against a triple loop in long double.
BOOST_AUTO_TEST_CASE(every_engine_multiplies_correctly) {
    std::mt19937_64 generator(5), start_generator(6);
    const std::size_t shapes[][3] = {{1, 1, 1}, {3, 5, 2}, {17, 33, 9}, {64, 100, 40}};
    constexpr double alpha = -0.375;  // a learning rate, negated
    for (const Products& engine : available_products())
        for (const auto& s : shapes) {
            const std::size_t M = s[0], K = s[1], N = s[2];
            BOOST_TEST_CONTEXT(engine.name << " at " << M << "x" << K << "x" << N) {
                const Matrix A = random_matrix(M, K, generator), B = random_matrix(K, N, generator);
                const Matrix At = trans(A), Bt = trans(B);
                const Matrix start = random_matrix(M, N, start_generator);
                Matrix expected(M, N), expected_step(M, N);
                for (std::size_t i = 0; i < M; ++i)
                    for (std::size_t j = 0; j < N; ++j) {
                        long double sum = 0;
                        for (std::size_t k = 0; k < K; ++k)
                            sum += (long double)A(i, k) * B(k, j);
                        expected(i, j) = static_cast<double>(sum);
                        expected_step(i, j) = static_cast<double>(start(i, j) + alpha * sum);
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
                C = start;
                engine.add_At_B(alpha, At, B, C);
                BOOST_TEST_INFO("C + alpha A^T B");
                BOOST_TEST(agree(C, expected_step));
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

BOOST_AUTO_TEST_CASE(networks_check_shapes_and_order) {
    for (const Products& engine : available_products()) {
        BOOST_TEST_CONTEXT(engine.name) {
            Sequential network = mlp({4, 3, 2}, activations::sigmoid, 1);
            network.use_engine(engine);
            BOOST_CHECK_THROW(network.backward(Matrix(1, 2, 0.0)), std::logic_error);
            BOOST_CHECK_EXCEPTION(network.backward(Matrix(1, 2, 0.0)), std::logic_error,
                                  [](const std::logic_error& e) {
                                      const std::string what = e.what();
                                      return what.starts_with("Linear::") &&
                                             what.ends_with("::backward: called before forward");
                                  });
            const Matrix too_narrow(5, 3, 0.5);
            BOOST_CHECK_EXCEPTION(network.forward(too_narrow), std::invalid_argument,
                                  says({"Linear::forward", "5x3", "4x3"}));
            const Matrix X(5, 4, 0.5);
            network.forward(X);
            BOOST_CHECK_EXCEPTION(network.backward(Matrix(5, 3, 0.0)), std::invalid_argument,
                                  says({"Linear::backward", "5x3", "5x2"}));
        }
    }
    // The activations between the dense layers check the order too.
    ActivationLayer activation(activations::sigmoid);
    BOOST_CHECK_EXCEPTION(
        activation.backward(Matrix(1, 2, 0.0)), std::logic_error, [](const std::logic_error& e) {
            return std::string(e.what()) == "ActivationLayer::backward: called before forward";
        });
}

// Parameters whose layers do not fit one another are named when the network is built, before
// anything is read.
BOOST_AUTO_TEST_CASE(mlp_checks_the_parameters_fit_together) {
    Sequential good = mlp({4, 3, 2}, activations::sigmoid, 1);
    const Snapshot p = snapshot(good, 2);
    std::vector<Matrix> W = p.W;
    std::vector<Vector> b = p.b;
    b.pop_back();
    BOOST_CHECK_EXCEPTION(mlp(W, b, activations::sigmoid), std::invalid_argument,
                          says({"mlp:", "2 weight matrices and 1 bias vectors"}));
    b = p.b;
    W[1] = Matrix(4, 2, 0.0);
    BOOST_CHECK_EXCEPTION(
        mlp(W, b, activations::sigmoid), std::invalid_argument,
        says({"layer 1 (Linear 4x3)", "gives 3", "layer 3 (Linear 4x2)", "takes 4 inputs"}));
    W = p.W;
    b[1] = Vector(3, 0.0);
    BOOST_CHECK_EXCEPTION(mlp(W, b, activations::sigmoid), std::invalid_argument,
                          says({"mlp: b2 has 3 entries but W2 (3x2) has 2 columns"}));
    BOOST_CHECK_EXCEPTION(mlp({}, {}, activations::sigmoid), std::invalid_argument,
                          says({"mlp:", "0 weight matrices"}));
    // Layer sizes that make no network.
    BOOST_CHECK_EXCEPTION(mlp({784}, activations::sigmoid, 1), std::invalid_argument,
                          says({"mlp:", "at least two layer sizes, got 1"}));
    BOOST_CHECK_EXCEPTION(mlp({4, 0, 2}, activations::sigmoid, 1), std::invalid_argument,
                          says({"mlp:", "layer size 1 is 0"}));
    // The good parameters, given back, make a network that runs on every engine.
    Sequential rebuilt = mlp(p.W, p.b, activations::sigmoid);
    const Matrix X(5, 4, 0.5);
    for (const Products& engine : available_products()) {
        BOOST_TEST_CONTEXT(engine.name) {
            rebuilt.use_engine(engine);
            BOOST_CHECK_NO_THROW(rebuilt.forward(X));
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_names_list_the_valid_ones) {
    BOOST_CHECK_EXCEPTION(products_named("cuda"), std::invalid_argument,
                          [](const std::invalid_argument& e) {
                              const std::string what = e.what();
                              return what.find("'cuda'") != std::string::npos &&
                                     what.find("naive") != std::string::npos &&
                                     what.find("ublas_axpy") != std::string::npos;
                          });
    BOOST_TEST(products_named("naive").name == "naive");
    BOOST_CHECK_NO_THROW(fastest_products());
}

BOOST_AUTO_TEST_CASE(flop_counts) {
    // 784-128-10, batch 64: the products of forward, and of backward (no error into X).
    BOOST_TEST(forward_flops({784, 128, 10}, 64) == 2.0 * 64 * (784 * 128 + 128 * 10));
    BOOST_TEST(backward_flops({784, 128, 10}, 64) ==
               2.0 * 64 * (784 * 128 + 128 * 10) + 2.0 * 64 * (128 * 10));
    // The sizes the counts take, read back from a network.
    const std::vector<std::size_t> sizes{784, 128, 10};
    BOOST_TEST(layer_sizes(mlp(sizes, activations::relu, 1)) == sizes,
               boost::test_tools::per_element());
}

// The memory a training run takes is known from its sizes before anything is allocated, and
// a network beyond the documented limit (4 GiB) is refused with the sizes and the bytes.
BOOST_AUTO_TEST_CASE(training_memory_is_checked_before_allocating) {
    // 784-256-128-10, batch 64: (785*256 + 257*128 + 129*10) = 235 146 parameters, three
    // doubles each, and 64 * (256 + 128 + 10) = 25 216 outputs, four doubles each.
    BOOST_TEST(training_bytes({784, 256, 128, 10}, 64) == 8.0 * (3 * 235146.0 + 4 * 25216.0));
    // One layer n-1 with batch 1: 8 (3 (n+1) + 4) bytes; the limit, 4 GiB = 2^32 bytes, is
    // reached at n + 1 = (2^29 - 4) / 3 = 178 956 969.33...
    const std::size_t below = 178'956'968, above = 178'956'969;  // n + 1 = 178 956 969, 970
    BOOST_TEST(training_bytes({below, 1}, 1) <= max_training_bytes);
    BOOST_TEST(training_bytes({above, 1}, 1) > max_training_bytes);
    BOOST_CHECK_NO_THROW(check_training_memory({below, 1}, 1));
    BOOST_CHECK_EXCEPTION(
        check_training_memory({above, 1}, 1), std::length_error,
        says({"sizes 178956969-1", "batches of 1", "more than the limit of 4 GiB"}));
    // The slips that used to end in std::bad_alloc, with no overflow in the count:
    // 8 (3 (785e5 + 100001e5 + 100001e1) + 4 * 64 * 200010) / 2^30 = 225.68 GiB.
    BOOST_CHECK_EXCEPTION(check_training_memory({784, 100000, 100000, 10}, 64), std::length_error,
                          says({"784-100000-100000-10", "needs 225.7 GiB"}));
    BOOST_CHECK_EXCEPTION(mlp({1'000'000, 1'000'000}, activations::relu, 1), std::length_error,
                          says({"1000000-1000000"}));
    const std::size_t huge = std::numeric_limits<std::size_t>::max();
    BOOST_CHECK_THROW(check_training_memory({huge, huge}, huge), std::length_error);
}

// Training that blows up is stopped with a message naming where and what to do.
BOOST_AUTO_TEST_CASE(non_finite_losses_and_gradients_are_named) {
    const TrainingPosition at{3, 7, 0.5};
    BOOST_CHECK_EXCEPTION(
        require_finite_loss(std::nan(""), at), DivergenceError,
        says({"epoch 3, batch 7", "the loss is NaN", "lower the learning rate", "it is 0.5"}));
    BOOST_CHECK_EXCEPTION(require_finite_loss(HUGE_VAL, at), DivergenceError,
                          says({"the loss is infinite"}));
    BOOST_CHECK_NO_THROW(require_finite_loss(1e300, at));
    // Full-batch training counts steps, and a program that trains several networks names it.
    BOOST_CHECK_EXCEPTION(
        require_finite_loss(HUGE_VAL, {12, 0, 2.0, "the relu network 2-8-1"}), DivergenceError,
        says({"training the relu network 2-8-1 diverged at step 12: the loss is infinite"}));

    // An mlp's gradients: layers 1 and 3 are its dense layers, 2 the activation.
    Sequential two_layers = mlp({3, 4, 2}, activations::sigmoid, 1);
    BOOST_CHECK_NO_THROW(require_finite_gradients(two_layers, at));
    (*dense(two_layers, 1).dJ_db)(1) = -HUGE_VAL;
    BOOST_CHECK_EXCEPTION(require_finite_gradients(two_layers, at), DivergenceError,
                          says({"layer 3 (Linear 4x2)'s b is infinite"}));
    dense(two_layers, 0).dJ_dW(2, 3) = std::nan("");
    BOOST_CHECK_EXCEPTION(require_finite_gradients(two_layers, at), DivergenceError,
                          says({"layer 1 (Linear 3x4)'s W is NaN"}));

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
