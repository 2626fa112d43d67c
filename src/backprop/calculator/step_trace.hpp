/// \file
/// \brief Every intermediate value of one training step of a described network.
///
/// For layers \f$l = 1, \dots, L\f$, with \f$a_0 = x\f$ and B samples as rows:
///
/// \f{align*}{
///   z_l &= a_{l-1} W_l + b_l, \qquad a_l = f_l(z_l), \qquad y = a_L, \\[1pt]
///   J &= \tfrac1B \textstyle\sum_s \text{loss}(y_s, t_s), \qquad
///     \partial J/\partial y \text{ from the loss}, \\[1pt]
///   \delta_l &= \partial J/\partial z_l =
///     \begin{cases}
///       \partial J/\partial a_l \odot f_l'(z_l) & \text{elementwise } f_l \\[1pt]
///       a_l \odot \bigl(g - (g \odot a_l)\mathbf 1\bigr), \ g = \partial J/\partial a_l
///         & \text{softmax (per sample: } \delta_k = a_k (g_k - \textstyle\sum_j g_j a_j))
///     \end{cases} \\[1pt]
///   \partial J/\partial a_{l-1} &= \delta_l W_l^T, \qquad
///   \partial J/\partial W_l = a_{l-1}^T \delta_l, \qquad
///   \partial J/\partial b_l = \textstyle\sum_{\text{rows}} \delta_l, \\[1pt]
///   W_l^{\text{new}} &= W_l - \alpha\, \partial J/\partial W_l, \qquad
///   b_l^{\text{new}} = b_l - \alpha\, \partial J/\partial b_l.
/// \f}
///
/// The softmax's backward pass uses its Jacobian \f$\partial a_k/\partial z_j = a_k
/// (\delta_{kj} - a_j)\f$, so it works with any loss. (A softmax output layer with
/// cross-entropy gets the same \f$\delta_L\f$ from softmax_cross_entropy_gradient(), from
/// the logits in one expression, which keeps every digit where \f$y - t\f$ is tiny next to
/// \f$y\f$.) The \f$1/B\f$ of the batch mean is
/// inside \f$\partial J/\partial y\f$ and so inside every \f$\delta\f$: the gradients are
/// means over the batch.
///
/// named_values() lists every value under the name the book uses (`z1`, `a1`, `y`, `J`,
/// `dJ_dy`, `delta1`, `dJ_dW1`, `W1_new`, ...), and check_hand_values() compares a learner's
/// own values with them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backprop/calculator/network_description.hpp"
#include "backprop/calculator/written_number.hpp"
#include "backprop/core/matrix.hpp"

namespace backprop {

/// One layer's share of the step. B is the batch size, n the layer's neurons, in its inputs.
struct LayerStep {
    Matrix z;  ///< \f$z_l\f$, `(B, n)`
    Matrix a;  ///< \f$a_l = f(z_l)\f$, `(B, n)`
    /// \f$\partial J/\partial a_l\f$, `(B, n)`; for the last layer \f$\partial J/\partial y\f$
    Matrix dJ_da;
    std::optional<Matrix> da_dz;  ///< \f$f'(z_l)\f$, `(B, n)`; none for softmax (not elementwise)
    Matrix delta;                 ///< \f$\delta_l = \partial J/\partial z_l\f$, `(B, n)`
    Matrix dJ_dW;                 ///< \f$\partial J/\partial W_l\f$, `(in, n)`
    Vector dJ_db;                 ///< \f$\partial J/\partial b_l\f$, `(n)`
    Matrix W_new;                 ///< \f$W_l - \alpha\,\partial J/\partial W_l\f$, `(in, n)`
    Vector b_new;                 ///< \f$b_l - \alpha\,\partial J/\partial b_l\f$, `(n)`
};

/// Which formula the loss is.
enum class LossFormula {
    mse,                   ///< \f$\tfrac12\sum_k (y_k - t_k)^2\f$, half the sum over the outputs
    binary_cross_entropy,  ///< \f$-\sum_k [t_k \ln y_k + (1 - t_k) \ln(1 - y_k)]\f$, after a
                           ///< sigmoid
    categorical_cross_entropy  ///< \f$-\sum_k t_k \ln y_k\f$, after a softmax
};

/// The loss formula \p network uses: `cross_entropy` is categorical when the output layer
/// is a softmax and binary otherwise (a sigmoid: parse_network_description() refuses the
/// rest).
LossFormula loss_formula(const NetworkDescription& network);

/// The formula of \p loss for people, per sample, e.g. `J = ½ Σ (y − t)²`.
std::string loss_formula_text(LossFormula loss);

/// Every intermediate value of one step.
struct StepTrace {
    std::vector<LayerStep> layers;  ///< layer 1 first
    LossFormula loss;               ///< the loss formula used
    double J = 0.0;                 ///< the loss, a mean over the batch
    /// The output \f$y = a_L\f$, `(B, n_L)`.
    const Matrix& y() const { return layers.back().a; }
};

/// One training step of \p network, taken by the library itself: the network of its layers
/// (a Linear map, then an ActivationLayer or a Softmax, for each; products by uBLAS
/// axpy_prod), its forward pass, the loss and \f$\partial J/\partial y\f$ of loss.hpp, each
/// layer's own backward pass from the output back, and the update of Sgd. Every value is read
/// from those; the trace only records them.
/// \throws DescriptionError if the loss is not defined at the outputs: binary
///   cross-entropy with an output not strictly between 0 and 1 (a sigmoid that rounds to 0
///   or 1 in double precision; any other output layer is refused with the description),
///   categorical cross-entropy with an output of exactly 0 where its target is not 0; or if
///   a value overflows.
StepTrace trace_step(const NetworkDescription& network);

/// Which step of the calculation a named value belongs to.
enum class Stage {
    given,     ///< the description's own values: x, t, W, b
    forward,   ///< z, a, y
    loss,      ///< J and \f$\partial J/\partial y\f$
    backward,  ///< \f$\partial J/\partial a\f$, \f$f'(z)\f$, \f$\delta\f$
    gradient,  ///< \f$\partial J/\partial W\f$, \f$\partial J/\partial b\f$
    update     ///< the updated W and b
};

/// How a value is written in JSON.
enum class ValueForm {
    number,   ///< a single number (J)
    samples,  ///< one row per sample: a flat array for one sample, else an array of rows
    matrix,   ///< an array of rows (weights and their gradients)
    vector    ///< a flat array (biases and their gradients)
};

/// One value of the step with its name, the formula that computes it, and its form.
struct NamedValue {
    std::string name;     ///< as the book and the JSON output name it: `z1`, `dJ_dW2`
    std::string formula;  ///< for people: `z1 = x W1 + b1`
    Stage stage;          ///< where in the calculation it belongs
    ValueForm form;       ///< how JSON writes it
    Matrix value;         ///< the value; a number or a vector is one row

    /// Whether JSON writes it as one flat array: a vector, or the samples of a batch of one.
    bool flat() const {
        return form == ValueForm::vector || (form == ValueForm::samples && value.size1() == 1);
    }
};

/// Every value of \p network and its \p trace in the order of the calculation: the given
/// x, t, W1, b1, ...; then z1, a1, ..., y, J, dJ_dy, the backward values from the last layer
/// to the first (dJ_da2, da2_dz2, delta2, ...), the gradients dJ_dW1, dJ_db1, ... and the
/// updated W1_new, b1_new, ....
std::vector<NamedValue> named_values(const NetworkDescription& network, const StepTrace& trace);

/// The names a learner may check: every computed (not given) value of named_values().
std::vector<std::string> checkable_names(const std::vector<NamedValue>& values);

/// One entry of a learner's value next to the true one.
struct HandCheck {
    std::string name;   ///< the quantity, e.g. `z1`
    std::string entry;  ///< the entry, as the JSON output indexes it: `z1[0]`, `W1_new[1][0]`, `J`
    WrittenNumber given;  ///< the learner's number, as written
    double computed;      ///< the true value
    /// True if the true value, rounded to the digits given, is the given number.
    bool ok() const { return given.agrees_with(computed); }
};

/// Compares each of the learner's \p hand values with the true one, entry by entry, in the
/// order of \p values. A value may be written in its JSON form, or for a value with one row
/// or one column as a flat array, or for one entry as a number.
/// \throws DescriptionError for a name not among checkable_names() (listing them), or a value
///   whose shape differs from the true one (naming both).
std::vector<HandCheck> check_hand_values(const std::vector<NamedValue>& values,
                                         const std::vector<HandValue>& hand);

}  // namespace backprop
