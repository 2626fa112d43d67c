#include "backprop/calculator/step_trace.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "backprop/core/activation.hpp"
#include "backprop/core/products.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/train/optimizer.hpp"

namespace backprop {
namespace {

[[noreturn]] void fail(const std::string& message) {
    throw DescriptionError(message);
}

/// How entry (i, j) of \p value is named in its JSON form: `J`, `z1[2]`, `W1_new[1][0]`.
std::string entry_name(const NamedValue& value, std::size_t i, std::size_t j) {
    if (value.form == ValueForm::number) return value.name;
    if (value.flat()) return fmt::format("{}[{}]", value.name, j);
    return fmt::format("{}[{}][{}]", value.name, i, j);
}

/// The library's network for \p network: per described layer, its Linear map (layer 2l of
/// the network for layer l + 1) and then its activation or Softmax (layer 2l + 1), computing
/// its products with uBLAS axpy_prod and its activations one value at a time.
Sequential build_model(const NetworkDescription& network) {
    std::vector<std::unique_ptr<Layer>> layers;
    for (const LayerDescription& layer : network.layers) {
        layers.push_back(std::make_unique<Linear>(layer.W, layer.b));
        if (layer.softmax()) {
            layers.push_back(std::make_unique<Softmax>());
        } else {
            // The plain scalar function: a calculator's numbers are the same on every machine.
            auto f = std::make_unique<ActivationLayer>(activation_named(layer.activation));
            f->one_at_a_time = true;
            layers.push_back(std::move(f));
        }
    }
    Sequential model(std::move(layers));
    model.use_engine(products_named("ublas_axpy"));
    return model;
}

/// Requires the loss to be defined at the outputs \p Y.
void check_loss_domain(LossFormula loss, const Matrix& Y, const Matrix& T) {
    const bool flat = Y.size1() == 1;
    const auto entry = [&](std::size_t s, std::size_t k) {
        return flat ? fmt::format("y[{}]", k) : fmt::format("y[{}][{}]", s, k);
    };
    for (std::size_t s = 0; s < Y.size1(); ++s)
        for (std::size_t k = 0; k < Y.size2(); ++k) {
            const double y = Y(s, k);
            if (loss == LossFormula::binary_cross_entropy && !(y > 0 && y < 1))
                fail(fmt::format(
                    "loss cross_entropy (binary, after a sigmoid output layer) needs every "
                    "output strictly between 0 and 1, as it takes ln y and ln(1 − y); but "
                    "{} is {}{}",
                    entry(s, k), y == 0 || y == 1 ? "exactly " : "", y,
                    y == 1 ? " (a sigmoid rounds to 1 for z above about 36.7)" : ""));
            if (loss == LossFormula::categorical_cross_entropy && y == 0 && T(s, k) != 0)
                fail(
                    fmt::format("loss cross_entropy (categorical) takes ln y where the target is "
                                "not 0, but {} is exactly 0 (the softmax underflows) where its "
                                "target is {}",
                                entry(s, k), T(s, k)));
        }
}

double loss_value(LossFormula loss, const LayerStep& output, const Matrix& T) {
    switch (loss) {
        case LossFormula::mse:
            return mse(output.a, T);
        case LossFormula::binary_cross_entropy:
            return binary_cross_entropy(output.a, T);
        case LossFormula::categorical_cross_entropy:
            return softmax_cross_entropy(output.z, T);  // ln y = z − logsumexp(z), exactly
    }
    return 0.0;
}

/// \f$\partial J/\partial y\f$, the batch mean's: each sample's own divided by B.
Matrix loss_gradient(LossFormula loss, const Matrix& Y, const Matrix& T) {
    switch (loss) {
        case LossFormula::mse:
            return mse_gradient(Y, T);
        case LossFormula::binary_cross_entropy:
            return binary_cross_entropy_gradient(Y, T);
        case LossFormula::categorical_cross_entropy:
            return categorical_cross_entropy_gradient(Y, T);
    }
    return {};
}

std::string elementwise_derivative(const std::string& activation, std::size_t l) {
    const std::string a = fmt::format("a{}", l);
    if (activation == "sigmoid") return fmt::format("σ'(z{}) = {} (1 − {})", l, a, a);
    if (activation == "tanh") return fmt::format("tanh'(z{}) = 1 − {}²", l, a);
    if (activation == "relu") return fmt::format("relu'(z{}) = 1 if z{} > 0, else 0", l, l);
    return fmt::format("identity'(z{}) = 1", l);
}

std::string batch_divisor(std::size_t B) {
    return B == 1 ? "" : fmt::format(" / {}", B);
}

}  // namespace

LossFormula loss_formula(const NetworkDescription& network) {
    if (network.loss == LossName::mse) return LossFormula::mse;
    return network.layers.back().softmax() ? LossFormula::categorical_cross_entropy
                                           : LossFormula::binary_cross_entropy;
}

std::string loss_formula_text(LossFormula loss) {
    switch (loss) {
        case LossFormula::mse:
            return "½ Σ (y − t)²";
        case LossFormula::binary_cross_entropy:
            return "−Σ [t ln y + (1 − t) ln(1 − y)]";
        case LossFormula::categorical_cross_entropy:
            return "−Σ t ln y";
    }
    return "";
}

StepTrace trace_step(const NetworkDescription& network) {
    StepTrace trace;
    trace.loss = loss_formula(network);
    Sequential model = build_model(network);
    const std::size_t L = network.layers.size();
    const auto linear = [&](std::size_t l) -> Linear& { return model.layer<Linear>(2 * l); };
    const auto activation = [&](std::size_t l) -> Layer& { return *model.layers[2 * l + 1]; };

    // Forward: z of each layer is what its Linear map gives, a what its activation gives.
    model.forward(network.X);
    for (std::size_t l = 0; l < L; ++l) {
        LayerStep step;
        step.z = linear(l).output();
        step.a = activation(l).output();
        trace.layers.push_back(std::move(step));
    }
    const Matrix& Y = trace.layers.back().a;
    check_loss_domain(trace.loss, Y, network.T);
    trace.J = loss_value(trace.loss, trace.layers.back(), network.T);

    // Backward, from dJ/dy to the first layer, one layer at a time: each layer's backward
    // pass turns the gradient of its output into that of its input.
    Matrix g = loss_gradient(trace.loss, Y, network.T);
    for (std::size_t l = L; l-- > 0;) {
        LayerStep& step = trace.layers[l];
        step.dJ_da = g;
        if (const auto* f = dynamic_cast<const ActivationLayer*>(&activation(l)))
            step.da_dz = f->derivative();
        step.delta = activation(l).backward(step.dJ_da);
        // A softmax output with cross-entropy: the same delta, from the logits in one
        // expression (s y − t, s the sum of the targets), which keeps full precision where
        // y − t is tiny next to y (y − t from the Jacobian above keeps only the digits of y
        // beyond the rounding of 1).
        if (l + 1 == L && trace.loss == LossFormula::categorical_cross_entropy)
            step.delta = softmax_cross_entropy_gradient(step.z, network.T);
        g = linear(l).backward(step.delta, l > 0 ? InputGradient::compute : InputGradient::skip);
        step.dJ_dW = linear(l).dJ_dW;
        step.dJ_db = *linear(l).dJ_db;
    }

    // The update: the library's gradient descent step, from the gradients just stored.
    Sgd().step(model, network.learning_rate);
    for (std::size_t l = 0; l < L; ++l) {
        trace.layers[l].W_new = linear(l).W;
        trace.layers[l].b_new = *linear(l).b;
    }

    // Every value the calculator shows, named as its JSON names it, must be a number.
    for (const NamedValue& value : named_values(network, trace))
        for (std::size_t i = 0; i < value.value.size1(); ++i)
            for (std::size_t j = 0; j < value.value.size2(); ++j)
                if (!std::isfinite(value.value(i, j)))
                    fail(
                        fmt::format("{} is {}: the numbers overflow double precision "
                                    "(make the weights, inputs or learning rate smaller)",
                                    entry_name(value, i, j), value.value(i, j)));
    return trace;
}

std::vector<NamedValue> named_values(const NetworkDescription& network, const StepTrace& trace) {
    std::vector<NamedValue> values;
    const auto add = [&](std::string name, std::string formula, Stage stage, ValueForm form,
                         const Matrix& value) {
        values.push_back({std::move(name), std::move(formula), stage, form, value});
    };
    const std::size_t L = network.layers.size(), B = network.batch_size();
    const auto input_name = [](std::size_t l) {
        return l == 1 ? std::string("x") : fmt::format("a{}", l - 1);
    };
    const auto dJ_da_name = [&](std::size_t l) {
        return l == L ? std::string("dJ_dy") : fmt::format("dJ_da{}", l);
    };

    // Given.
    add("x", "x", Stage::given, ValueForm::samples, network.X);
    add("t", "t", Stage::given, ValueForm::samples, network.T);
    for (std::size_t l = 1; l <= L; ++l) {
        add(fmt::format("W{}", l), fmt::format("W{}", l), Stage::given, ValueForm::matrix,
            network.layers[l - 1].W);
        add(fmt::format("b{}", l), fmt::format("b{}", l), Stage::given, ValueForm::vector,
            as_row(network.layers[l - 1].b));
    }

    // Forward.
    for (std::size_t l = 1; l <= L; ++l) {
        const LayerStep& step = trace.layers[l - 1];
        const std::string& activation = network.layers[l - 1].activation;
        add(fmt::format("z{}", l), fmt::format("z{} = {} W{} + b{}", l, input_name(l), l, l),
            Stage::forward, ValueForm::samples, step.z);
        add(fmt::format("a{}", l),
            fmt::format("a{}{} = {}(z{})", l, l == L ? " = y" : "", activation, l), Stage::forward,
            ValueForm::samples, step.a);
    }
    add("y", fmt::format("y = a{}", L), Stage::forward, ValueForm::samples, trace.y());

    // The loss.
    const std::string per_sample = loss_formula_text(trace.loss);
    add("J", B == 1 ? "J = " + per_sample : "J = mean over the batch of " + per_sample, Stage::loss,
        ValueForm::number, Matrix(1, 1, trace.J));
    std::string dJ_dy;
    switch (trace.loss) {
        case LossFormula::mse:
            dJ_dy = B == 1 ? "y − t" : "(y − t)";
            break;
        case LossFormula::binary_cross_entropy:
            dJ_dy = "(y − t) / (y (1 − y))";
            break;
        case LossFormula::categorical_cross_entropy:
            dJ_dy = "−t / y";
            break;
    }
    add("dJ_dy", "dJ_dy = " + dJ_dy + batch_divisor(B), Stage::loss, ValueForm::samples,
        trace.layers.back().dJ_da);

    // Backward, from the output layer to the first.
    for (std::size_t l = L; l >= 1; --l) {
        const LayerStep& step = trace.layers[l - 1];
        if (l < L)
            add(dJ_da_name(l), fmt::format("dJ_da{} = delta{} W{}ᵀ", l, l + 1, l + 1),
                Stage::backward, ValueForm::samples, step.dJ_da);
        if (step.da_dz) {
            add(fmt::format("da{}_dz{}", l, l),
                fmt::format("da{}_dz{} = {}", l, l,
                            elementwise_derivative(network.layers[l - 1].activation, l)),
                Stage::backward, ValueForm::samples, *step.da_dz);
            add(fmt::format("delta{}", l),
                fmt::format("delta{} = {} ⊙ da{}_dz{}", l, dJ_da_name(l), l, l), Stage::backward,
                ValueForm::samples, step.delta);
        } else {
            add(fmt::format("delta{}", l),
                fmt::format("delta{0} = a{0} ⊙ ({1} − Σ {1} ⊙ a{0})", l, dJ_da_name(l)),
                Stage::backward, ValueForm::samples, step.delta);
        }
    }

    // Gradients and the update.
    for (std::size_t l = 1; l <= L; ++l) {
        const LayerStep& step = trace.layers[l - 1];
        add(fmt::format("dJ_dW{}", l), fmt::format("dJ_dW{} = {}ᵀ delta{}", l, input_name(l), l),
            Stage::gradient, ValueForm::matrix, step.dJ_dW);
        add(fmt::format("dJ_db{}", l),
            B == 1 ? fmt::format("dJ_db{} = delta{}", l, l)
                   : fmt::format("dJ_db{} = Σ over samples of delta{}", l, l),
            Stage::gradient, ValueForm::vector, as_row(step.dJ_db));
    }
    for (std::size_t l = 1; l <= L; ++l) {
        const LayerStep& step = trace.layers[l - 1];
        add(fmt::format("W{}_new", l), fmt::format("W{0}_new = W{0} − α dJ_dW{0}", l),
            Stage::update, ValueForm::matrix, step.W_new);
        add(fmt::format("b{}_new", l), fmt::format("b{0}_new = b{0} − α dJ_db{0}", l),
            Stage::update, ValueForm::vector, as_row(step.b_new));
    }
    return values;
}

std::vector<std::string> checkable_names(const std::vector<NamedValue>& values) {
    std::vector<std::string> names;
    for (const NamedValue& value : values)
        if (value.stage != Stage::given) names.push_back(value.name);
    return names;
}

std::vector<HandCheck> check_hand_values(const std::vector<NamedValue>& values,
                                         const std::vector<HandValue>& hand) {
    const std::vector<std::string> names = checkable_names(values);
    std::map<std::string, const HandValue*> by_name;
    for (const HandValue& h : hand) {
        if (std::find(names.begin(), names.end(), h.name) == names.end()) {
            std::string list;
            for (const std::string& name : names)
                list += (list.empty() ? "" : ", ") + name;
            fail(fmt::format("check: unknown name '{}'; the names are: {}", h.name, list));
        }
        by_name[h.name] = &h;
    }

    std::vector<HandCheck> checks;
    for (const NamedValue& value : values) {
        const auto found = by_name.find(value.name);
        if (value.stage == Stage::given || found == by_name.end()) continue;
        const HandValue& h = *found->second;
        const std::size_t R = value.value.size1(), C = value.value.size2();
        const std::size_t r = h.rows.size(), c = h.rows.front().size();

        // Where entry (i, j) of what was written is in the true value, if the shapes fit.
        bool fits = false;
        bool flat_down = false;  // a flat array for a single column
        switch (h.form) {
            case HandValue::Form::number:
                fits = R * C == 1;
                break;
            case HandValue::Form::flat:
                fits = (R == 1 && c == C) || (C == 1 && c == R);
                flat_down = R != 1;
                break;
            case HandValue::Form::rows:
                fits = r == R && c == C;
                break;
        }
        if (!fits) {
            const std::string written =
                h.form == HandValue::Form::number ? "a single number"
                : h.form == HandValue::Form::flat
                    ? fmt::format("a flat array of {}", c)
                    : fmt::format("{} row{} of {}", r, r == 1 ? "" : "s", c);
            std::string expected;
            if (value.form == ValueForm::number)
                expected = "a single number";
            else if (value.flat())
                expected = fmt::format("{}x{}: a flat array of {}", R, C, C);
            else
                expected = fmt::format("{}x{}: {} row{} of {}", R, C, R, R == 1 ? "" : "s", C);
            fail(fmt::format("check.{} is {}, but {} is {}", value.name, written, value.name,
                             expected));
        }
        for (std::size_t i = 0; i < r; ++i)
            for (std::size_t j = 0; j < c; ++j) {
                if (!h.rows[i][j]) continue;
                const std::size_t ti = flat_down ? j : i, tj = flat_down ? 0 : j;
                checks.push_back(
                    {value.name, entry_name(value, ti, tj), *h.rows[i][j], value.value(ti, tj)});
            }
    }
    return checks;
}

}  // namespace backprop
