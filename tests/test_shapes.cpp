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
#include <memory>
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
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/neuron.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/optimizer.hpp"

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
// The linear layer and the activation layer
// =======================================================================================

BOOST_AUTO_TEST_SUITE(linear_layer)

BOOST_AUTO_TEST_CASE(forward_with_the_wrong_number_of_inputs) {
    Linear layer(filled(2, 5));  // 2 inputs, 5 outputs
    const Matrix too_wide = filled(4, 3);
    BOOST_CHECK_EXCEPTION(
        layer.forward(too_wide, true), std::invalid_argument,
        (MessageNames{"Linear::forward", {"X (4x3)", "W (2x5)", "3 columns", "2 rows"}}));
    // A batch of one sample given as a column instead of a row.
    const Matrix column = filled(2, 1);
    BOOST_CHECK_EXCEPTION(layer.forward(column, true), std::invalid_argument,
                          (MessageNames{"Linear::forward", {"X (2x1)", "W (2x5)"}}));

    const Matrix X = filled(4, 2);
    BOOST_CHECK_NO_THROW(layer.forward(X, true));
    BOOST_TEST(same_shape(layer.output(), {4, 5}));
}

BOOST_AUTO_TEST_CASE(constructor_with_a_bias_of_the_wrong_length) {
    BOOST_CHECK_EXCEPTION(Linear(filled(2, 5), filled_vector(4)), std::invalid_argument,
                          (MessageNames{"Linear", {"b has 4 entries", "W (2x5)", "5 columns"}}));
    // One bias per input instead of per output.
    BOOST_CHECK_EXCEPTION(Linear(filled(2, 5), filled_vector(2)), std::invalid_argument,
                          (MessageNames{"Linear", {"b has 2 entries", "W (2x5)"}}));

    BOOST_CHECK_NO_THROW(Linear(filled(2, 5), filled_vector(5)));
    BOOST_CHECK_NO_THROW(Linear(filled(2, 5)));
}

BOOST_AUTO_TEST_CASE(backward_with_dJ_dZ_of_the_wrong_shape) {
    Linear layer(filled(2, 5), filled_vector(5));
    const Matrix X = filled(4, 2);
    layer.forward(X, true);  // Z is (4, 5)
    BOOST_CHECK_EXCEPTION(layer.backward(filled(4, 4)), std::invalid_argument,
                          (MessageNames{"Linear::backward", {"dJ/dZ is 4x4", "Z is 4x5"}}));
    BOOST_CHECK_EXCEPTION(layer.backward(filled(5, 4)), std::invalid_argument,
                          (MessageNames{"Linear::backward", {"dJ/dZ is 5x4", "Z is 4x5"}}));
    // The gradient for a different batch size.
    BOOST_CHECK_EXCEPTION(layer.backward(filled(1, 5)), std::invalid_argument,
                          (MessageNames{"Linear::backward", {"dJ/dZ is 1x5", "Z is 4x5"}}));

    Matrix dJ_dX;
    BOOST_CHECK_NO_THROW(dJ_dX = layer.backward(filled(4, 5)));
    BOOST_TEST(same_shape(layer.dJ_dW, {2, 5}));
    BOOST_TEST(same_shape(dJ_dX, {4, 2}));
}

BOOST_AUTO_TEST_CASE(activation_backward_with_dJ_dA_of_the_wrong_shape) {
    ActivationLayer layer(activations::relu);
    const Matrix Z = filled(4, 5);
    layer.forward(Z, true);  // A is (4, 5)
    BOOST_CHECK_EXCEPTION(
        layer.backward(filled(4, 4)), std::invalid_argument,
        (MessageNames{"ActivationLayer::backward", {"dJ/dA is 4x4", "A is 4x5"}}));
    BOOST_CHECK_EXCEPTION(
        layer.backward(filled(5, 4)), std::invalid_argument,
        (MessageNames{"ActivationLayer::backward", {"dJ/dA is 5x4", "A is 4x5"}}));
    // The gradient for a different batch size.
    BOOST_CHECK_EXCEPTION(
        layer.backward(filled(1, 5)), std::invalid_argument,
        (MessageNames{"ActivationLayer::backward", {"dJ/dA is 1x5", "A is 4x5"}}));

    Matrix dJ_dZ;
    BOOST_CHECK_NO_THROW(dJ_dZ = layer.backward(filled(4, 5)));
    BOOST_TEST(same_shape(dJ_dZ, {4, 5}));
}

BOOST_AUTO_TEST_CASE(backward_before_forward_is_a_logic_error) {
    Linear layer(filled(2, 5));
    BOOST_CHECK_EXCEPTION(layer.backward(filled(4, 5)), std::logic_error,
                          (OutOfOrder{{"Linear::backward", {"before forward"}}}));
    ActivationLayer activation(activations::sigmoid);
    BOOST_CHECK_EXCEPTION(activation.backward(filled(4, 5)), std::logic_error,
                          (OutOfOrder{{"ActivationLayer::backward", {"before forward"}}}));

    // A forward that throws caches nothing: backward is still out of order.
    Linear rejected(filled(2, 5));
    const Matrix too_wide = filled(4, 3);
    BOOST_CHECK_THROW(rejected.forward(too_wide, true), std::invalid_argument);
    BOOST_CHECK_EXCEPTION(rejected.backward(filled(4, 5)), std::logic_error,
                          (OutOfOrder{{"Linear::backward", {"before forward"}}}));

    // After a forward, backward works.
    const Matrix X = filled(4, 2);
    rejected.forward(X, true);
    BOOST_CHECK_NO_THROW(rejected.backward(filled(4, 5)));
    activation.forward(X, true);
    BOOST_CHECK_NO_THROW(activation.backward(filled(4, 2)));
}

BOOST_AUTO_TEST_CASE(a_rejected_forward_keeps_the_previous_batch) {
    Linear layer(filled(2, 5));
    const Matrix X = filled(4, 2);
    layer.forward(X, true);
    const Matrix rejected = filled(3, 3, 2.0);
    BOOST_CHECK_THROW(layer.forward(rejected, true), std::invalid_argument);
    BOOST_TEST(same_shape(layer.output(), {4, 5}));
    Matrix dJ_dX;
    BOOST_CHECK_NO_THROW(dJ_dX = layer.backward(filled(4, 5)));
    // The gradients are those of the kept batch: dJ/dW = X^T dJ/dZ, 4 samples of 0.5 * 0.5.
    BOOST_TEST(same_shape(dJ_dX, {4, 2}));
    BOOST_TEST(layer.dJ_dW(1, 4) == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// Networks
// =======================================================================================

BOOST_AUTO_TEST_SUITE(networks)

BOOST_AUTO_TEST_CASE(layers_that_do_not_chain) {
    // Layer 1 gives 3 outputs, layer 3 takes 4 inputs (the activation between takes any).
    BOOST_CHECK_EXCEPTION(
        Sequential(Linear(filled(2, 3)), ActivationLayer(activations::sigmoid),
                   Linear(filled(4, 1)), ActivationLayer(activations::sigmoid)),
        std::invalid_argument,
        (MessageNames{"Sequential",
                      {"layer 1 (Linear 2x3 without bias)", "layer 3 (Linear 4x1 without bias)",
                       "gives 3", "takes 4 inputs"}}));
    // The mismatch between the second and third of three linear layers.
    BOOST_CHECK_EXCEPTION(
        Sequential(Linear(filled(2, 3)), ActivationLayer(activations::tanh), Linear(filled(3, 4)),
                   ActivationLayer(activations::tanh), Linear(filled(5, 1)),
                   ActivationLayer(activations::identity)),
        std::invalid_argument,
        (MessageNames{"Sequential",
                      {"layer 3 (Linear 3x4 without bias)", "layer 5 (Linear 5x1 without bias)"}}));
    // The article's W1 (2x3) followed by its W2 transposed (1x3).
    BOOST_CHECK_EXCEPTION(
        Sequential(Linear(worked_example::W1()), ActivationLayer(activations::sigmoid),
                   Linear(filled(1, 3)), ActivationLayer(activations::sigmoid)),
        std::invalid_argument, (MessageNames{"Sequential", {"2x3", "1x3"}}));

    BOOST_CHECK_NO_THROW(Sequential(Linear(filled(2, 3)), ActivationLayer(activations::sigmoid),
                                    Linear(filled(3, 1)), ActivationLayer(activations::sigmoid)));
    BOOST_CHECK_NO_THROW(Sequential(Linear(filled(2, 3)), ActivationLayer(activations::tanh),
                                    Linear(filled(3, 4)), ActivationLayer(activations::tanh),
                                    Linear(filled(4, 1)), ActivationLayer(activations::identity)));
}

BOOST_AUTO_TEST_CASE(an_empty_network) {
    BOOST_CHECK_EXCEPTION(Sequential(std::vector<std::unique_ptr<Layer>>{}), std::invalid_argument,
                          (MessageNames{"Sequential", {"no layers"}}));
    BOOST_CHECK_NO_THROW(Sequential(Linear(filled(2, 3)), ActivationLayer(activations::sigmoid)));
}

BOOST_AUTO_TEST_CASE(forward_and_backward_report_the_layer_that_does_not_fit) {
    Sequential net(Linear(filled(2, 3)), ActivationLayer(activations::sigmoid),
                   Linear(filled(3, 1)), ActivationLayer(activations::sigmoid));
    const Matrix too_wide = filled(1, 3);
    BOOST_CHECK_EXCEPTION(net.forward(too_wide), std::invalid_argument,
                          (MessageNames{"Linear::forward", {"X (1x3)", "W (2x3)"}}));
    const Matrix X = filled(1, 2);
    net.forward(X);
    BOOST_CHECK_EXCEPTION(
        net.backward(filled(1, 2)), std::invalid_argument,
        (MessageNames{"ActivationLayer::backward", {"dJ/dA is 1x2", "A is 1x1"}}));
    BOOST_CHECK_NO_THROW(net.backward(filled(1, 1)));

    // A network that ends in a linear layer: the linear layer names the mismatch.
    Sequential linear_out(Linear(filled(2, 3)), ActivationLayer(activations::sigmoid),
                          Linear(filled(3, 1)));
    linear_out.forward(X);
    BOOST_CHECK_EXCEPTION(linear_out.backward(filled(1, 2)), std::invalid_argument,
                          (MessageNames{"Linear::backward", {"dJ/dZ is 1x2", "Z is 1x1"}}));
    BOOST_CHECK_NO_THROW(linear_out.backward(filled(1, 1)));
}

BOOST_AUTO_TEST_CASE(layer_i_names_the_index_it_cannot_give) {
    Sequential net(Linear(filled(2, 3)), ActivationLayer(activations::sigmoid),
                   Linear(filled(3, 1)), ActivationLayer(activations::sigmoid));
    // Past the end.
    BOOST_CHECK_EXCEPTION(net.layer<Linear>(4), std::invalid_argument,
                          (MessageNames{"Sequential::layer(4)", {"4 layers", "counted from 0"}}));
    BOOST_CHECK_EXCEPTION(std::as_const(net).layer<Linear>(7), std::invalid_argument,
                          (MessageNames{"Sequential::layer(7)", {"4 layers"}}));
    // An activation layer asked for as a linear one.
    BOOST_CHECK_EXCEPTION(net.layer<Linear>(1), std::invalid_argument,
                          (MessageNames{"Sequential::layer(1)", {"sigmoid", "not the kind"}}));
    BOOST_CHECK_EXCEPTION(std::as_const(net).layer<Linear>(3), std::invalid_argument,
                          (MessageNames{"Sequential::layer(3)", {"sigmoid", "not the kind"}}));

    BOOST_CHECK_NO_THROW(net.layer<ActivationLayer>(1));
    Matrix W2;
    BOOST_CHECK_NO_THROW(W2 = net.layer<Linear>(2).W);
    BOOST_TEST(same_shape(W2, {3, 1}));
    BOOST_TEST(same_shape(std::as_const(net).layer<Linear>(0).W, {2, 3}));
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
// SGD: the gradients live in the layers, shaped like their parameters
// =======================================================================================

BOOST_AUTO_TEST_SUITE(sgd)

// Every parameter view has as many gradient entries as values, W always and b only with a bias,
// and the gradients keep the parameters' shapes through backward.
BOOST_AUTO_TEST_CASE(parameters_pair_each_value_with_a_gradient_of_its_size) {
    Linear biased(filled(2, 3), filled_vector(3));
    Linear unbiased(filled(2, 3));
    ActivationLayer activation(activations::sigmoid);

    const std::vector<ParameterView> with_b = biased.parameters();
    BOOST_TEST_REQUIRE(with_b.size() == 2u);
    BOOST_TEST(with_b[0].name == "W");
    BOOST_TEST(with_b[0].value.size() == 6u);
    BOOST_TEST(with_b[0].gradient.size() == 6u);
    BOOST_TEST(with_b[1].name == "b");
    BOOST_TEST(with_b[1].value.size() == 3u);
    BOOST_TEST(with_b[1].gradient.size() == 3u);

    const std::vector<ParameterView> without_b = unbiased.parameters();
    BOOST_TEST_REQUIRE(without_b.size() == 1u);
    BOOST_TEST(without_b[0].name == "W");
    BOOST_TEST(without_b[0].gradient.size() == without_b[0].value.size());
    BOOST_TEST(!unbiased.dJ_db.has_value());

    BOOST_TEST(activation.parameters().empty());

    // After a backward the gradients are still shaped like the parameters.
    const Matrix X = filled(4, 2);
    biased.forward(X, true);
    biased.backward(filled(4, 3));
    BOOST_TEST(same_shape(biased.dJ_dW, shape_of(biased.W)));
    BOOST_TEST_REQUIRE(biased.dJ_db.has_value());
    BOOST_TEST(biased.dJ_db->size() == biased.b->size());

    // A network lists its layers' parameters input side first, and none for activations.
    Sequential net(Linear(filled(2, 3), filled_vector(3)), ActivationLayer(activations::sigmoid),
                   Linear(filled(3, 1)), ActivationLayer(activations::sigmoid));
    const std::vector<ParameterView> all = net.parameters();
    BOOST_TEST_REQUIRE(all.size() == 3u);
    const std::vector<std::string> names = {all[0].name, all[1].name, all[2].name};
    BOOST_TEST(names == (std::vector<std::string>{"W", "b", "W"}),
               boost::test_tools::per_element());
    const std::vector<std::size_t> sizes = {all[0].value.size(), all[1].value.size(),
                                            all[2].value.size()};
    BOOST_TEST(sizes == (std::vector<std::size_t>{6, 3, 3}), boost::test_tools::per_element());
    for (const ParameterView& p : all)
        BOOST_TEST(p.gradient.size() == p.value.size(), "parameter " << p.name);
}

// With small exact numbers: X = [1 2], Z1 = X W1 + b1 = [7.5 9.5], identity, Y = Z1 W2 = -2.
// With dJ/dY = 1: dJ/dW2 = Z1^T = [7.5; 9.5], dJ/dZ1 = W2^T = [1 -1], dJ/db1 = [1 -1] and
// dJ/dW1 = X^T [1 -1] = [1 -1; 2 -2]. Every value and product is exact in binary.
BOOST_AUTO_TEST_CASE(a_step_moves_every_parameter_by_minus_the_rate_times_its_gradient) {
    Vector b1(2);
    b1(0) = 0.5;
    b1(1) = -0.5;
    Sequential net(Linear(matrix_from_rows({{1.0, 2.0}, {3.0, 4.0}}), b1),
                   ActivationLayer(activations::identity),
                   Linear(matrix_from_rows({{1.0}, {-1.0}})));
    const Matrix X = row_vector({1.0, 2.0});
    const Matrix& Y = net.forward(X);
    BOOST_TEST_REQUIRE(same_shape(Y, {1, 1}));
    BOOST_TEST(Y(0, 0) == -2.0);
    net.backward(row_vector({1.0}));

    // What each parameter was and its gradient, before the step.
    std::vector<std::vector<double>> before, gradients;
    for (const ParameterView& p : net.parameters()) {
        before.emplace_back(p.value.begin(), p.value.end());
        gradients.emplace_back(p.gradient.begin(), p.gradient.end());
    }
    const double rate = 0.5;
    Sgd().step(net, rate);

    const std::vector<ParameterView> after = net.parameters();
    BOOST_TEST_REQUIRE(after.size() == before.size());
    for (std::size_t k = 0; k < after.size(); ++k)
        for (std::size_t i = 0; i < after[k].value.size(); ++i)
            BOOST_TEST(after[k].value[i] == before[k][i] - rate * gradients[k][i],
                       "parameter " << k << " (" << after[k].name << ") entry " << i);

    // The same, by hand: W1 - 0.5 [1 -1; 2 -2], b1 - 0.5 [1 -1], W2 - 0.5 [7.5; 9.5].
    const Linear& first = net.layer<Linear>(0);
    const Matrix W1_expected = matrix_from_rows({{0.5, 2.5}, {2.0, 5.0}});
    BOOST_TEST(first.W.data() == W1_expected.data(), boost::test_tools::per_element());
    BOOST_TEST((*first.b)(0) == 0.0);
    BOOST_TEST((*first.b)(1) == 0.0);
    const Matrix W2_expected = matrix_from_rows({{-2.75}, {-5.75}});
    BOOST_TEST(net.layer<Linear>(2).W.data() == W2_expected.data(),
               boost::test_tools::per_element());
}

// A backward refused for its shapes must not have changed the gradients that the next step
// would use.
BOOST_AUTO_TEST_CASE(a_refused_backward_leaves_the_gradients_as_they_were) {
    Linear layer(filled(2, 3), filled_vector(3));
    const Matrix X = filled(4, 2);
    layer.forward(X, true);
    layer.backward(filled(4, 3));
    const Matrix dJ_dW_before = layer.dJ_dW;
    const Vector dJ_db_before = *layer.dJ_db;

    BOOST_CHECK_THROW(layer.backward(filled(3, 2, 7.0)), std::invalid_argument);
    BOOST_TEST(layer.dJ_dW.data() == dJ_dW_before.data(), boost::test_tools::per_element());
    BOOST_TEST(layer.dJ_db->data() == dJ_db_before.data(), boost::test_tools::per_element());
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
