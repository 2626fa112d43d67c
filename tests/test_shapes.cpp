// Shape mismatches throw std::invalid_argument, and the message names the operation and the
// shapes. uBLAS checks shapes only in debug builds; in a release build a mismatched product
// would silently compute garbage, so every operation of the library checks its operands itself.
//
// Every failing call is paired with one that has the right shapes and must not throw, so that a
// check that always threw would be caught as surely as one that never did.
#define BOOST_TEST_MODULE shapes
#include <exception>
#include <functional>
#include <initializer_list>
#include <ostream>
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
#include "backprop/nn/dense.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/network.hpp"
#include "backprop/nn/neuron.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/sgd.hpp"

namespace bdata = boost::unit_test::data;
using namespace backprop;

namespace {

// A predicate for BOOST_CHECK_EXCEPTION: the message starts with `operation:` (unless operation
// is empty) and contains every one of parts. Whatever is missing is reported with the message.
struct MessageNames {
    std::string operation;
    std::vector<std::string> parts;

    bool operator()(const std::exception& e) const {
        const std::string what = e.what();
        bool ok = operation.empty() || what.starts_with(operation + ":");
        BOOST_TEST(ok, "the message does not start with '" << operation << ":': " << what);
        for (const std::string& part : parts) {
            const bool found = what.find(part) != std::string::npos;
            BOOST_TEST(found, "the message does not contain '" << part << "': " << what);
            ok = ok && found;
        }
        return ok;
    }
};

// The predicate for an exception that must be a std::logic_error but not a
// std::invalid_argument (which derives from it): a call out of order, not a bad argument.
struct OutOfOrder {
    MessageNames message;
    bool operator()(const std::logic_error& e) const {
        const bool is_invalid_argument = dynamic_cast<const std::invalid_argument*>(&e) != nullptr;
        BOOST_TEST(!is_invalid_argument, "expected a plain std::logic_error: " << e.what());
        return !is_invalid_argument && message(e);
    }
};

// A matrix of shape (rows, cols), every entry \p value (0.5 suits every loss).
Matrix filled(std::size_t rows, std::size_t cols, double value = 0.5) {
    return Matrix(rows, cols, value);
}

Vector filled_vector(std::size_t n, double value = 0.5) {
    return Vector(n, value);
}

bool same_shape(const Matrix& m, Shape expected) {
    return shape_of(m) == expected;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shapes_print_as_rows_x_cols) {
    BOOST_TEST(to_string(Shape{2, 3}) == "2x3");
    BOOST_TEST(to_string(Shape{1, 1}) == "1x1");
    BOOST_TEST(to_string(Shape{2, 3}.transposed()) == "3x2");
    BOOST_TEST(to_string(shape_of(filled(4, 7))) == "4x7");
}

// =======================================================================================
// Products
// =======================================================================================

BOOST_AUTO_TEST_SUITE(products)

BOOST_AUTO_TEST_CASE(matmul_names_both_shapes) {
    // (2, 3) x (4, 5): 3 columns against 4 rows.
    BOOST_CHECK_EXCEPTION(matmul(filled(2, 3), filled(4, 5)), std::invalid_argument,
                          (MessageNames{"matmul", {"A (2x3)", "B (4x5)", "3 columns", "4 rows"}}));
    // The transpose of a fitting B has as many entries, but not the right shape.
    BOOST_CHECK_EXCEPTION(matmul(filled(2, 3), filled(4, 3)), std::invalid_argument,
                          (MessageNames{"matmul", {"A (2x3)", "B (4x3)"}}));

    Matrix C;
    BOOST_CHECK_NO_THROW(C = matmul(filled(2, 3), filled(3, 4)));
    BOOST_TEST(same_shape(C, {2, 4}));
}

BOOST_AUTO_TEST_CASE(matmul_At_B_names_both_shapes) {
    // A (3, 2) so A^T is (2, 3); B (4, 5): 3 columns of A^T against 4 rows.
    BOOST_CHECK_EXCEPTION(matmul_At_B(filled(3, 2), filled(4, 5)), std::invalid_argument,
                          (MessageNames{"matmul_At_B", {"A^T (2x3)", "B (4x5)"}}));
    // A with as many rows as B has columns, the mistake of forgetting the transpose.
    BOOST_CHECK_EXCEPTION(matmul_At_B(filled(2, 3), filled(3, 4)), std::invalid_argument,
                          (MessageNames{"matmul_At_B", {"A^T (3x2)", "B (3x4)"}}));

    Matrix C;
    BOOST_CHECK_NO_THROW(C = matmul_At_B(filled(3, 2), filled(3, 4)));
    BOOST_TEST(same_shape(C, {2, 4}));
}

BOOST_AUTO_TEST_CASE(matmul_A_Bt_names_both_shapes) {
    // A (2, 3); B (5, 4) so B^T is (4, 5): 3 columns against 4 rows.
    BOOST_CHECK_EXCEPTION(matmul_A_Bt(filled(2, 3), filled(5, 4)), std::invalid_argument,
                          (MessageNames{"matmul_A_Bt", {"A (2x3)", "B^T (4x5)"}}));
    BOOST_CHECK_EXCEPTION(matmul_A_Bt(filled(2, 3), filled(3, 4)), std::invalid_argument,
                          (MessageNames{"matmul_A_Bt", {"A (2x3)", "B^T (4x3)"}}));

    Matrix C;
    BOOST_CHECK_NO_THROW(C = matmul_A_Bt(filled(2, 3), filled(4, 3)));
    BOOST_TEST(same_shape(C, {2, 4}));
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// Elementwise operations: hadamard and every loss and loss gradient
// =======================================================================================

namespace {

// An elementwise operation of two same-shaped matrices, and what it calls its operands.
struct ElementwiseOperation {
    std::string name;
    std::string a_name, b_name;
    std::function<void(const Matrix&, const Matrix&)> call;
};

const std::vector<ElementwiseOperation>& elementwise_operations() {
    static const std::vector<ElementwiseOperation> operations = {
        {"hadamard", "A", "B", [](const Matrix& A, const Matrix& B) { hadamard(A, B); }},
        {"mse", "Y", "T", [](const Matrix& Y, const Matrix& T) { mse(Y, T); }},
        {"mse_gradient", "Y", "T", [](const Matrix& Y, const Matrix& T) { mse_gradient(Y, T); }},
        {"binary_cross_entropy", "Y", "T",
         [](const Matrix& Y, const Matrix& T) { binary_cross_entropy(Y, T); }},
        {"binary_cross_entropy_gradient", "Y", "T",
         [](const Matrix& Y, const Matrix& T) { binary_cross_entropy_gradient(Y, T); }},
        {"softmax_cross_entropy", "Z", "T",
         [](const Matrix& Z, const Matrix& T) { softmax_cross_entropy(Z, T); }},
        {"softmax_cross_entropy_gradient", "Z", "T",
         [](const Matrix& Z, const Matrix& T) { softmax_cross_entropy_gradient(Z, T); }},
    };
    return operations;
}

std::vector<std::string> elementwise_names() {
    std::vector<std::string> names;
    for (const ElementwiseOperation& operation : elementwise_operations())
        names.push_back(operation.name);
    return names;
}

const ElementwiseOperation& elementwise_named(const std::string& name) {
    for (const ElementwiseOperation& operation : elementwise_operations())
        if (operation.name == name) return operation;
    throw std::logic_error("test_shapes: no elementwise operation " + name);
}

// Two shapes that differ: in columns, in rows, in both, and transposed (as many entries, so a
// check that compared sizes only would miss it).
struct ShapePair {
    Shape a, b;
};

std::ostream& operator<<(std::ostream& os, const ShapePair& p) {
    return os << to_string(p.a) << " vs " << to_string(p.b);
}

const std::vector<ShapePair> mismatched_pairs = {
    {{1, 2}, {1, 3}},  // the header's example: one sample, a target too many
    {{2, 3}, {3, 3}},  // a sample too many
    {{2, 3}, {3, 2}},  // transposed: the same number of entries
    {{4, 1}, {1, 4}},  // a column of samples against a row
    {{3, 2}, {2, 1}},  // both differ
};

}  // namespace

BOOST_AUTO_TEST_SUITE(elementwise)

BOOST_DATA_TEST_CASE(mismatched_shapes_are_named,
                     bdata::make(elementwise_names()) * bdata::make(mismatched_pairs), name, pair) {
    const ElementwiseOperation& operation = elementwise_named(name);
    const Matrix a = filled(pair.a.rows, pair.a.cols), b = filled(pair.b.rows, pair.b.cols);
    BOOST_CHECK_EXCEPTION(operation.call(a, b), std::invalid_argument,
                          (MessageNames{name,
                                        {operation.a_name + " is " + to_string(pair.a),
                                         operation.b_name + " is " + to_string(pair.b)}}));
    // Swapped, the names swap too.
    BOOST_CHECK_EXCEPTION(operation.call(b, a), std::invalid_argument,
                          (MessageNames{name,
                                        {operation.a_name + " is " + to_string(pair.b),
                                         operation.b_name + " is " + to_string(pair.a)}}));
}

BOOST_DATA_TEST_CASE(matching_shapes_do_not_throw, bdata::make(elementwise_names()), name) {
    const ElementwiseOperation& operation = elementwise_named(name);
    for (const Shape shape : {Shape{1, 1}, Shape{1, 3}, Shape{2, 3}, Shape{4, 1}}) {
        BOOST_TEST_CONTEXT("shape " << to_string(shape)) {
            BOOST_CHECK_NO_THROW(
                operation.call(filled(shape.rows, shape.cols), filled(shape.rows, shape.cols)));
        }
    }
}

// Softmax of a row with no logits has no maximum to subtract: named, not read out of bounds.
BOOST_AUTO_TEST_CASE(softmax_needs_a_column) {
    const Matrix none(2, 0);
    BOOST_CHECK_EXCEPTION(softmax(none), std::invalid_argument,
                          (MessageNames{"softmax", {"Z is 2x0", "at least one column"}}));
    BOOST_CHECK_EXCEPTION(softmax_cross_entropy(none, none), std::invalid_argument,
                          (MessageNames{"softmax_cross_entropy", {"Z is 2x0"}}));
    BOOST_CHECK_EXCEPTION(softmax_cross_entropy_gradient(none, none), std::invalid_argument,
                          (MessageNames{"softmax_cross_entropy_gradient", {"Z is 2x0"}}));
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// The dense layer
// =======================================================================================

BOOST_AUTO_TEST_SUITE(dense_layer)

BOOST_AUTO_TEST_CASE(forward_with_the_wrong_number_of_inputs) {
    Dense layer(filled(2, 5), activations::sigmoid);  // 2 inputs, 5 outputs
    BOOST_CHECK_EXCEPTION(
        layer.forward(filled(4, 3)), std::invalid_argument,
        (MessageNames{"Dense::forward", {"X (4x3)", "W (2x5)", "3 columns", "2 rows"}}));
    // A batch of one sample given as a column instead of a row.
    BOOST_CHECK_EXCEPTION(layer.forward(filled(2, 1)), std::invalid_argument,
                          (MessageNames{"Dense::forward", {"X (2x1)", "W (2x5)"}}));

    BOOST_CHECK_NO_THROW(layer.forward(filled(4, 2)));
    BOOST_TEST(same_shape(layer.A, {4, 5}));
}

BOOST_AUTO_TEST_CASE(constructor_with_a_bias_of_the_wrong_length) {
    BOOST_CHECK_EXCEPTION(Dense(filled(2, 5), filled_vector(4), activations::tanh),
                          std::invalid_argument,
                          (MessageNames{"Dense", {"b has 4 entries", "W (2x5)", "5 columns"}}));
    // One bias per input instead of per output.
    BOOST_CHECK_EXCEPTION(Dense(filled(2, 5), filled_vector(2), activations::tanh),
                          std::invalid_argument,
                          (MessageNames{"Dense", {"b has 2 entries", "W (2x5)"}}));

    BOOST_CHECK_NO_THROW(Dense(filled(2, 5), filled_vector(5), activations::tanh));
    BOOST_CHECK_NO_THROW(Dense(filled(2, 5), activations::tanh));
}

BOOST_AUTO_TEST_CASE(backward_with_dJ_dA_of_the_wrong_shape) {
    Dense layer(filled(2, 5), filled_vector(5), activations::relu);
    layer.forward(filled(4, 2));  // A is (4, 5)
    BOOST_CHECK_EXCEPTION(layer.backward(filled(4, 4)), std::invalid_argument,
                          (MessageNames{"Dense::backward", {"dJ/dA is 4x4", "A is 4x5"}}));
    BOOST_CHECK_EXCEPTION(layer.backward(filled(5, 4)), std::invalid_argument,
                          (MessageNames{"Dense::backward", {"dJ/dA is 5x4", "A is 4x5"}}));
    // The gradient for a different batch size.
    BOOST_CHECK_EXCEPTION(layer.backward(filled(1, 5)), std::invalid_argument,
                          (MessageNames{"Dense::backward", {"dJ/dA is 1x5", "A is 4x5"}}));

    DenseGradients g;
    BOOST_CHECK_NO_THROW(g = layer.backward(filled(4, 5)));
    BOOST_TEST(same_shape(g.dJ_dW, {2, 5}));
    BOOST_TEST(same_shape(g.dJ_dX, {4, 2}));
}

BOOST_AUTO_TEST_CASE(backward_before_forward_is_a_logic_error) {
    const Dense layer(filled(2, 5), activations::sigmoid);
    BOOST_CHECK_EXCEPTION(layer.backward(filled(4, 5)), std::logic_error,
                          (OutOfOrder{{"Dense::backward", {"before forward"}}}));

    // A forward that throws caches nothing: backward is still out of order.
    Dense rejected(filled(2, 5), activations::sigmoid);
    BOOST_CHECK_THROW(rejected.forward(filled(4, 3)), std::invalid_argument);
    BOOST_CHECK_EXCEPTION(rejected.backward(filled(4, 5)), std::logic_error,
                          (OutOfOrder{{"Dense::backward", {"before forward"}}}));

    // After a forward, backward works.
    rejected.forward(filled(4, 2));
    BOOST_CHECK_NO_THROW(rejected.backward(filled(4, 5)));
}

BOOST_AUTO_TEST_CASE(a_rejected_forward_keeps_the_previous_batch) {
    Dense layer(filled(2, 5), activations::sigmoid);
    layer.forward(filled(4, 2));
    BOOST_CHECK_THROW(layer.forward(filled(3, 3)), std::invalid_argument);
    BOOST_TEST(same_shape(layer.X, {4, 2}));
    BOOST_CHECK_NO_THROW(layer.backward(filled(4, 5)));
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// Networks
// =======================================================================================

BOOST_AUTO_TEST_SUITE(networks)

BOOST_AUTO_TEST_CASE(layers_that_do_not_chain) {
    // Layer 1 gives 3 outputs, layer 2 takes 4 inputs.
    BOOST_CHECK_EXCEPTION(
        Network(
            {Dense(filled(2, 3), activations::sigmoid), Dense(filled(4, 1), activations::sigmoid)}),
        std::invalid_argument,
        (MessageNames{"Network",
                      {"layer 1 has W (2x3)", "layer 2 has W (4x1)", "3 outputs", "4 inputs"}}));
    // The mismatch between the second and third of three layers.
    BOOST_CHECK_EXCEPTION(
        Network({Dense(filled(2, 3), activations::tanh), Dense(filled(3, 4), activations::tanh),
                 Dense(filled(5, 1), activations::identity)}),
        std::invalid_argument,
        (MessageNames{"Network", {"layer 2 has W (3x4)", "layer 3 has W (5x1)"}}));
    // The article's W1 (2x3) followed by its W2 transposed (1x3).
    BOOST_CHECK_EXCEPTION(Network({Dense(worked_example::W1(), activations::sigmoid),
                                   Dense(filled(1, 3), activations::sigmoid)}),
                          std::invalid_argument, (MessageNames{"Network", {"2x3", "1x3"}}));

    BOOST_CHECK_NO_THROW(Network(
        {Dense(filled(2, 3), activations::sigmoid), Dense(filled(3, 1), activations::sigmoid)}));
    BOOST_CHECK_NO_THROW(
        Network({Dense(filled(2, 3), activations::tanh), Dense(filled(3, 4), activations::tanh),
                 Dense(filled(4, 1), activations::identity)}));
}

BOOST_AUTO_TEST_CASE(an_empty_network) {
    BOOST_CHECK_EXCEPTION(Network(std::vector<Dense>{}), std::invalid_argument,
                          (MessageNames{"Network", {"at least one layer"}}));
    BOOST_CHECK_NO_THROW(Network({Dense(filled(2, 3), activations::sigmoid)}));
}

BOOST_AUTO_TEST_CASE(forward_and_backward_report_the_layer_that_does_not_fit) {
    Network net(
        {Dense(filled(2, 3), activations::sigmoid), Dense(filled(3, 1), activations::sigmoid)});
    BOOST_CHECK_EXCEPTION(net.forward(filled(1, 3)), std::invalid_argument,
                          (MessageNames{"Dense::forward", {"X (1x3)", "W (2x3)"}}));
    net.forward(filled(1, 2));
    BOOST_CHECK_EXCEPTION(net.backward(filled(1, 2)), std::invalid_argument,
                          (MessageNames{"Dense::backward", {"dJ/dA is 1x2", "A is 1x1"}}));
    BOOST_CHECK_NO_THROW(net.backward(filled(1, 1)));
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// SGD
// =======================================================================================

BOOST_AUTO_TEST_SUITE(sgd)

BOOST_AUTO_TEST_CASE(gradients_that_do_not_fit_the_layer) {
    Dense layer(filled(2, 3), filled_vector(3), activations::sigmoid);
    layer.forward(filled(4, 2));
    const DenseGradients fitting = layer.backward(filled(4, 3));

    DenseGradients transposed = fitting;
    transposed.dJ_dW = filled(3, 2);
    BOOST_CHECK_EXCEPTION(sgd_step(layer, transposed, 0.1), std::invalid_argument,
                          (MessageNames{"sgd_step", {"dJ/dW is 3x2", "W is 2x3"}}));

    DenseGradients short_bias = fitting;
    short_bias.dJ_db = filled_vector(2);
    BOOST_CHECK_EXCEPTION(sgd_step(layer, short_bias, 0.1), std::invalid_argument,
                          (MessageNames{"sgd_step", {"dJ/db has 2 entries", "b has 3"}}));

    DenseGradients no_bias = fitting;
    no_bias.dJ_db.reset();
    BOOST_CHECK_EXCEPTION(sgd_step(layer, no_bias, 0.1), std::invalid_argument,
                          (MessageNames{"sgd_step", {"has bias", "have none"}}));

    Dense unbiased(filled(2, 3), activations::sigmoid);
    BOOST_CHECK_EXCEPTION(sgd_step(unbiased, fitting, 0.1), std::invalid_argument,
                          (MessageNames{"sgd_step", {"has no bias", "have one"}}));

    // The fitting step: W <- W - 0.1 dJ/dW.
    const Matrix W_before = layer.W;
    BOOST_CHECK_NO_THROW(sgd_step(layer, fitting, 0.1));
    BOOST_TEST(layer.W(1, 2) == W_before(1, 2) - 0.1 * fitting.dJ_dW(1, 2),
               boost::test_tools::tolerance(1e-15));
}

// A step refused for its shapes must not have changed the layer.
BOOST_AUTO_TEST_CASE(a_refused_step_leaves_the_layer_as_it_was) {
    Dense layer(filled(2, 3), filled_vector(3), activations::sigmoid);
    layer.forward(filled(4, 2));
    const DenseGradients fitting = layer.backward(filled(4, 3));
    const Matrix W_before = layer.W;

    DenseGradients transposed = fitting;
    transposed.dJ_dW = filled(3, 2);
    BOOST_CHECK_THROW(sgd_step(layer, transposed, 0.1), std::invalid_argument);
    BOOST_TEST(layer.W.data() == W_before.data(), boost::test_tools::per_element());

    DenseGradients no_bias = fitting;
    no_bias.dJ_db.reset();
    BOOST_CHECK_THROW(sgd_step(layer, no_bias, 0.1), std::invalid_argument);
    BOOST_TEST(layer.W.data() == W_before.data(), boost::test_tools::per_element());

    // dJ/dW fits but dJ/db does not: neither W nor b may move.
    const Vector b_before = *layer.b;
    DenseGradients short_bias = fitting;
    short_bias.dJ_db = filled_vector(2);
    BOOST_CHECK_THROW(sgd_step(layer, short_bias, 0.1), std::invalid_argument);
    BOOST_TEST(layer.W.data() == W_before.data(), boost::test_tools::per_element());
    BOOST_TEST(layer.b->data() == b_before.data(), boost::test_tools::per_element());
}

// A network step refused for its last layer must not have changed the first.
BOOST_AUTO_TEST_CASE(a_refused_network_step_changes_no_layer) {
    Network net(
        {Dense(filled(2, 3), activations::sigmoid), Dense(filled(3, 1), activations::sigmoid)});
    net.forward(filled(1, 2));
    std::vector<DenseGradients> gradients = net.backward(filled(1, 1));
    gradients[1].dJ_dW = filled(1, 3);  // the last layer's gradient does not fit
    const Matrix W1_before = net.layers[0].W;
    BOOST_CHECK_THROW(sgd_step(net, gradients, 0.1), std::invalid_argument);
    BOOST_TEST(net.layers[0].W.data() == W1_before.data(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_network_step_needs_one_set_of_gradients_per_layer) {
    Network net(
        {Dense(filled(2, 3), activations::sigmoid), Dense(filled(3, 1), activations::sigmoid)});
    net.forward(filled(1, 2));
    const std::vector<DenseGradients> gradients = net.backward(filled(1, 1));

    BOOST_CHECK_EXCEPTION(sgd_step(net, {gradients.front()}, 0.1), std::invalid_argument,
                          (MessageNames{"sgd_step", {"1 sets of gradients for 2 layers"}}));
    // In the wrong order: layer 1's gradients do not fit layer 2.
    BOOST_CHECK_EXCEPTION(sgd_step(net, {gradients[1], gradients[0]}, 0.1), std::invalid_argument,
                          (MessageNames{"sgd_step", {"dJ/dW is 3x1", "W is 2x3"}}));

    BOOST_CHECK_NO_THROW(sgd_step(net, gradients, 0.1));
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// The neuron, the worked example, activations by name, matrices from rows
// =======================================================================================

BOOST_AUTO_TEST_CASE(neuron_weighted_sum_with_x_of_the_wrong_length) {
    const Neuron neuron{filled_vector(2), 0.0, activations::sigmoid};
    BOOST_CHECK_EXCEPTION(neuron.weighted_sum(filled_vector(3)), std::invalid_argument,
                          (MessageNames{"Neuron::weighted_sum", {"x has 3 entries", "w has 2"}}));
    BOOST_CHECK_EXCEPTION(neuron.output(filled_vector(1)), std::invalid_argument,
                          (MessageNames{"Neuron::weighted_sum", {"x has 1 entries", "w has 2"}}));

    double z = 0.0;
    BOOST_CHECK_NO_THROW(z = neuron.weighted_sum(filled_vector(2)));
    BOOST_TEST(z == 0.5);
}

BOOST_AUTO_TEST_CASE(worked_example_network_with_weights_of_the_wrong_shape) {
    // W1 as the article's code stores it, hidden x input (3x2), is the transpose of ours.
    BOOST_CHECK_EXCEPTION(worked_example::network(filled(3, 2), worked_example::W2()),
                          std::invalid_argument,
                          (MessageNames{"worked_example::network", {"W1 is 3x2", "must be 2x3"}}));
    BOOST_CHECK_EXCEPTION(worked_example::network(worked_example::W1(), filled(1, 3)),
                          std::invalid_argument,
                          (MessageNames{"worked_example::network", {"W2 is 1x3", "must be 3x1"}}));

    BOOST_CHECK_NO_THROW(worked_example::network(worked_example::W1(), worked_example::W2()));
    BOOST_CHECK_NO_THROW(worked_example::network());
}

BOOST_AUTO_TEST_CASE(activation_named_lists_the_valid_names) {
    for (const std::string& unknown : {std::string("softplus"), std::string("")}) {
        BOOST_TEST_CONTEXT("name '" << unknown << "'") {
            BOOST_CHECK_EXCEPTION(
                activation_named(unknown), std::invalid_argument,
                (MessageNames{"", {"'" + unknown + "'", "sigmoid", "tanh", "relu", "identity"}}));
        }
    }

    for (const Activation& a : activations::all) {
        BOOST_TEST_CONTEXT("name " << a.name) {
            Activation found{};
            BOOST_CHECK_NO_THROW(found = activation_named(a.name));
            BOOST_TEST(found.name == a.name);
            BOOST_TEST((found.f == a.f));
            BOOST_TEST((found.df == a.df));
        }
    }
}

BOOST_AUTO_TEST_CASE(matrix_from_rows_with_ragged_rows) {
    BOOST_CHECK_EXCEPTION(
        matrix_from_rows({{1.0, 2.0}, {3.0}}), std::invalid_argument,
        (MessageNames{"matrix_from_rows", {"row 1 has 1 entries", "row 0 has 2"}}));
    BOOST_CHECK_EXCEPTION(
        matrix_from_rows({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0, 7.0}}), std::invalid_argument,
        (MessageNames{"matrix_from_rows", {"row 2 has 3 entries", "row 0 has 2"}}));

    Matrix m;
    BOOST_CHECK_NO_THROW(m = matrix_from_rows({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}));
    BOOST_TEST(same_shape(m, {2, 3}));
    BOOST_TEST(m(1, 0) == 4.0);
    BOOST_TEST(same_shape(row_vector({1.0, 2.0, 3.0}), {1, 3}));
}
