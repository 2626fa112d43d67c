/// \file
/// \brief A small network described in JSON, read and checked: the calculator's input.
///
/// The description holds everything one training step needs: the layers (weights, biases
/// and activation of each), the input, the targets, the loss and the learning rate, and
/// optionally a learner's own hand-computed values to check. For example, the article's
/// worked example:
///
/// \code{.json}
/// {
///   "description": "The article's 2-3-1 example",
///   "layers": [
///     {"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]},
///     {"activation": "sigmoid", "W": [[0.7], [0.8], [0.9]]}
///   ],
///   "x": [0.5, 0.8],
///   "t": [0.7],
///   "loss": "mse",
///   "learning_rate": 0.1,
///   "check": {"z1": [0.47, 0.74, 1.01]}
/// }
/// \endcode
///
/// The fields (the book's appendix "Check your own numbers" documents each in full):
///
/// - `layers` (required): the layers, input side first. Each is an object with
///   - `activation`: `sigmoid`, `tanh`, `relu`, `identity` or `softmax`;
///   - `W`: an array of rows, shape (in, out): `W[i][j]` is the weight from input i to
///     neuron j, the transpose of the (out, in) matrix many textbooks write;
///   - `b` (optional): one bias per neuron, a flat array; zero if absent.
/// - `x` (required): one sample as a flat array, or a batch as an array of rows, one per
///   sample; a plain number for one sample of one input.
/// - `t` (required): the targets, in the same form, one per output neuron.
/// - `loss` (required): `mse`, per sample \f$\tfrac12\sum_k (y_k - t_k)^2\f$, half the
///   **sum** over the K outputs (K/2 times PyTorch's `MSELoss`, which averages), or
///   `cross_entropy`: categorical \f$-\sum_k t_k \ln y_k\f$ after a softmax output layer,
///   binary \f$-\sum_k [t_k \ln y_k + (1-t_k)\ln(1-y_k)]\f$ after a sigmoid one (also a
///   sum over the outputs; any other output layer is refused).
/// - `learning_rate` (required): \f$\alpha \ge 0\f$, finite; 0 shows the gradients without
///   an update.
/// - `check` (optional): the learner's own values, by output name (`z1`, `J`, `dJ_dW2`,
///   ...); see HandValue.
/// - `description` (optional, also in a layer): free text, a string or an array of strings
///   (lines, joined with spaces).
///
/// Layer sizes follow from the weight shapes. Any other field is an error (it is most
/// likely a misspelt one), and so is every shape that does not fit, with a message that
/// names the field by its JSON path and, for shapes, what it should have been. A softmax
/// layer needs at least 2 neurons (over one it is always 1).
///
/// The calculator is for small networks: a description file holds at most
/// max_description_bytes of JSON, and one step at most max_step_values values per computed
/// quantity.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/calculator/written_number.hpp"
#include "backprop/core/matrix.hpp"

namespace backprop {

/// A description that cannot be used: unreadable, invalid JSON, a missing or misspelt field,
/// a shape that does not fit. The message says what and where, for the person who wrote it.
class DescriptionError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The most bytes of JSON read from a description file: 1 MiB. Reading stops as soon as a
/// file is found to be longer (parsing takes some 60 times the text's size in memory).
inline constexpr std::size_t max_description_bytes = std::size_t{1} << 20;

/// The most values one step may compute per quantity: B samples times the neurons of every
/// layer, \f$B (n_1 + \dots + n_L) \le\f$ 100 000, the entries of all the \f$z_l\f$
/// together (and likewise of the \f$a_l\f$, the \f$\delta_l\f$, ...). A small file could
/// otherwise ask for a huge step: 50 000 samples of one input, a hidden layer of 50 000
/// neurons and one output fit in 1 MiB, and z1 would have 2.5 billion entries.
inline constexpr std::size_t max_step_values = 100'000;

/// The activations a described layer may have: the library's elementwise ones
/// (activation.hpp) and softmax, which is not elementwise.
inline constexpr std::string_view described_activations[] = {"sigmoid", "tanh", "relu", "identity",
                                                             "softmax"};

/// The losses a description may name.
enum class LossName {
    mse,           ///< per sample \f$\tfrac12\sum_k (y_k - t_k)^2\f$, the article's
    cross_entropy  ///< categorical after a softmax output layer, binary otherwise
};

/// One dense layer: \f$Z = A_{\text{prev}} W + \mathbf 1 b^T\f$, \f$A = f(Z)\f$.
struct LayerDescription {
    std::string activation;  ///< one of described_activations
    Matrix W;                ///< `(in, out)`: `W(i, j)` from input i to neuron j
    Vector b;                ///< `(out)`, zero where the description has none
    bool bias_given = true;  ///< false if the description has no `b` (b is then zero)
    /// True for a softmax layer (whose backward pass needs its Jacobian).
    bool softmax() const { return activation == "softmax"; }
};

/// A learner's own values for one output quantity, as written in the `check` object. Each
/// entry is a WrittenNumber, read from the JSON text as written, so that `0.70` has two
/// decimals (a plain JSON number loses that: 0.70 and 0.7 are the same number), or from a
/// string such as `"0.70"`; `null` marks an entry not given.
struct HandValue {
    /// How the value was written.
    enum class Form {
        number,  ///< a single number
        flat,    ///< a flat array
        rows     ///< an array of rows
    };
    std::string name;          ///< the output name it checks, e.g. `"z1"` (not yet validated)
    Form form = Form::number;  ///< as written
    /// The entries as written: one row for a number or a flat array.
    std::vector<std::vector<std::optional<WrittenNumber>>> rows;
};

/// Everything one training step needs, validated: every shape fits.
struct NetworkDescription {
    std::string description;               ///< free text; may be empty
    std::vector<LayerDescription> layers;  ///< input side first; at least one
    Matrix X;                              ///< the inputs, `(B, n_0)`: one row per sample
    Matrix T;                              ///< the targets, `(B, n_L)`
    LossName loss = LossName::mse;         ///< the loss
    double learning_rate = 0.1;            ///< \f$\alpha \ge 0\f$
    std::vector<HandValue> check;          ///< the learner's values, by name

    /// The number of samples B.
    std::size_t batch_size() const { return X.size1(); }
    /// The layer sizes \f$n_0, n_1, \dots, n_L\f$.
    std::vector<std::size_t> sizes() const;
};

/// The name of \p loss as the JSON writes it: `mse`, `cross_entropy`.
std::string_view to_string(LossName loss);

/// Reads a description from JSON text. \p source names it in messages (a file name).
/// \throws DescriptionError for invalid JSON (with its line and column), a missing,
///   unknown or mistyped field (named by its JSON path, e.g. `layers[1].W[0][2]`), an
///   unknown activation or loss (listing the valid names), shapes that do not fit, a
///   softmax layer of one neuron, a step of more than max_step_values values, a learning
///   rate that is negative or not finite, cross-entropy after an output layer that is
///   neither a sigmoid nor a softmax, or cross-entropy targets outside [0, 1].
NetworkDescription parse_network_description(std::string_view text, std::string_view source);

/// Reads a description from the file \p path, which must be a regular file (a FIFO or a
/// device is refused at once, without waiting or reading) of at most max_description_bytes.
/// \throws DescriptionError if the file cannot be read (with the system's reason), is not
///   a regular file (saying what it is), or is longer than max_description_bytes (reading
///   stops one byte past the limit); or as parse_network_description.
NetworkDescription read_network_description(const std::string& path);

/// The article's worked example: 2-3-1, sigmoid, no biases, x = (0.5, 0.8), t = 0.7, the
/// squared error, \f$\alpha\f$ = 0.1 (from worked_example.hpp).
NetworkDescription article_example();

}  // namespace backprop
