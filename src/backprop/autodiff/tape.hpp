/// \file
/// \brief Matrix reverse-mode automatic differentiation: a tape of whole-matrix operations,
/// each with its forward rule and its backward rule side by side.
///
/// The scalar Value (value.hpp) records one node per number: the 2-3-1 network makes a few
/// dozen, a Fashion-MNIST batch millions. The tape records one entry per **matrix**
/// operation instead, and each operation's backward rule is one of the four equations of
/// \ref chapter_gradients, written once per operation rather than once per network:
///
/// | operation                          | forward                       | backward (given \f$\bar Y
/// = \partial J/\partial Y\f$) |
/// |------------------------------------|-------------------------------|---------------------------------------|
/// | matmul(X, W)                       | \f$Z = XW\f$                  | \f$\bar X \mathrel{+}=
/// \bar Z W^T,\ \bar W \mathrel{+}= X^T \bar Z\f$ | | add_bias(Z, b)                     | \f$Y = Z
/// + \mathbf 1 b\f$     | \f$\bar Z \mathrel{+}= \bar Y,\ \bar b \mathrel{+}= \mathbf 1^T \bar Y\f$
/// | | activation(Z, f)                   | \f$A = f(Z)\f$                | \f$\bar Z \mathrel{+}=
/// \bar A \odot f'(Z)\f$ | | mse(Y, T)                          | \f$J = \tfrac1{2B}\lVert Y -
/// T\rVert^2\f$ | \f$\bar Y \mathrel{+}= \bar J\,(Y - T)/B\f$ | | softmax_cross_entropy(Z, T) |
/// \f$J = -\tfrac1B\sum T \odot \ln\operatorname{softmax}(Z)\f$ | \f$\bar Z \mathrel{+}= \bar
/// J\,(\operatorname{softmax}(Z) - T)/B\f$ | | mean(X)                            | \f$m =
/// \tfrac1{n}\sum X\f$    | \f$\bar X \mathrel{+}= \bar m / n\f$ |
///
/// The entries are recorded in the order the operations run, which is already a topological
/// order: an operation can only use what was computed before it. backward() therefore walks
/// the tape from its last entry to its first, with no search (the scalar graph of value.hpp
/// has to find its order first). As there, every rule **adds** to the gradients of its
/// operands: a matrix used twice receives both contributions.
///
/// The forward values come from the library's own code (the engine's products, the
/// activations' vectorized functions, loss.hpp), so a network on the tape computes what the
/// same network of layers computes. Constants (the data, the targets) get no gradient, and a
/// rule skips the products that would only feed one, as the hand-written backward pass skips
/// \f$\partial J/\partial X\f$ of the data.
///
/// tangent() runs the tape forwards instead, in **forward mode**: the derivative of the result
/// with respect to one parameter entry, by a second forward pass carrying
/// \f$\dot X = \partial X/\partial\theta\f$ beside every value. It gives the same number as
/// backward(), and costs a pass per parameter entry where backward() costs one pass for all.
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "backprop/core/activation.hpp"
#include "backprop/core/matrix.hpp"
#include "backprop/core/products.hpp"
#include "backprop/nn/layers.hpp"

namespace backprop::autodiff {

/// A matrix on a Tape: the index of the entry that holds it.
struct Var {
    std::size_t index;  ///< position on the tape
};

/// Operations on whole matrices, recorded as they run, and the chain rule run backwards over
/// the record.
class Tape {
  public:
    /// A tape whose products are computed by \p engine (products.hpp).
    explicit Tape(const Products& engine = fastest_products()) : engine_(&engine) {}
    /// The entries point into one another: a tape is neither copied nor moved.
    Tape(const Tape&) = delete;
    Tape& operator=(const Tape&) = delete;  ///< not copied
    ~Tape() = default;                      ///< frees the entries

    /// \name Leaves
    /// Both refer to \p value, which must outlive the tape and not change while it is used.
    ///@{

    /// Data: no gradient is computed for it.
    Var constant(const Matrix& value, std::string name);
    /// A parameter: backward() computes its gradient.
    Var parameter(const Matrix& value, std::string name);
    ///@}

    /// \name Operations
    /// Each checks its operands' shapes and throws std::invalid_argument naming the operation
    /// and both shapes. \p name names the result for people (`"z1"`); by default it is the
    /// operation applied to its operands' names.
    ///@{

    /// \f$Z = XW\f$: `(B, in) x (in, out) -> (B, out)`.
    Var matmul(Var X, Var W, std::string name = {});
    /// \f$Y = Z + \mathbf 1 b\f$, the row \p b `(1, out)` added to every row of \p Z `(B, out)`.
    Var add_bias(Var Z, Var b, std::string name = {});
    /// \f$A = f(Z)\f$ elementwise.
    Var activation(Var Z, const Activation& f, std::string name = {});
    /// The article's loss against the targets \p T, averaged over the batch: `(1, 1)`.
    /// The tape refers to \p T, as to a leaf: it must outlive the tape.
    Var mse(Var Y, const Matrix& T, std::string name = "J");
    /// Softmax cross-entropy of the logits against \p T, averaged over the batch: `(1, 1)`.
    /// The tape refers to \p T: it must outlive the tape.
    Var softmax_cross_entropy(Var Z, const Matrix& T, std::string name = "J");
    /// The mean of every entry: `(1, 1)`.
    Var mean(Var X, std::string name = {});
    ///@}

    /// Fills in grad() for every entry \p J depends on: \f$\partial J/\partial J = 1\f$, then
    /// every rule in reverse order of the tape. Gradients are fresh each call.
    /// \throws std::invalid_argument unless \p J is `(1, 1)`.
    void backward(Var J);
    /// \f$\partial J/\partial\theta\f$ for entry \p entry (row-major) of the parameter
    /// \p theta, in forward mode: one more pass over the tape, carrying the derivative of
    /// every value with respect to \f$\theta\f$.
    /// \throws std::invalid_argument unless \p J is `(1, 1)` and \p theta a parameter with
    ///   that entry.
    double tangent(Var J, Var theta, std::size_t entry);

    /// The value of \p v.
    const Matrix& value(Var v) const;
    /// \f$\partial J/\partial v\f$ after backward(J); empty for a constant, or for a value
    /// J does not depend on.
    const Matrix& grad(Var v) const { return entries_.at(v.index).grad; }

    /// One recorded operation, for people: the chapter prints the tape.
    struct Entry {
        std::string op;             ///< `"parameter"`, `"matmul"`, ...
        std::string name;           ///< its name, e.g. `"z1"`
        std::vector<Var> inputs;    ///< its operands
        bool needs_grad = false;    ///< whether a parameter is among its inputs, or it is one
        double forward_flops = 0;   ///< arithmetic operations of its forward rule
        double backward_flops = 0;  ///< of its backward rule, at the last backward()
        double tangent_flops = 0;   ///< of its forward-mode rule, at the last tangent()
        Matrix grad;                ///< \f$\partial J/\partial\f$ its value, after backward()

      private:
        friend class Tape;
        const Matrix* leaf = nullptr;  // a leaf's value, outside the tape
        Matrix own;                    // an operation's value
        // The rules, each adding the arithmetic it did to its last argument. Backward: given
        // the entry's gradient, add to the operands' gradients. Tangent: given every
        // earlier entry's tangent (empty for zero), return this one's.
        std::function<void(Tape&, const Matrix& grad, double& flops)> backward;
        std::function<Matrix(Tape&, const std::vector<Matrix>& tangents, double& flops)> tangent;
    };
    /// Every entry, in the order recorded.
    const std::vector<Entry>& entries() const { return entries_; }
    /// The sums of the entries' flops.
    double forward_flops() const;
    double backward_flops() const;  ///< \copydoc forward_flops
    double tangent_flops() const;   ///< \copydoc forward_flops

  private:
    Var leaf(const Matrix& value, std::string name, bool needs_grad);
    std::string or_default(std::string name, std::string pattern,
                           std::initializer_list<Var> operands) const;
    Var record(std::string op, std::string name, std::vector<Var> inputs, Matrix&& value,
               double flops);
    bool needs_grad(Var v) const { return entries_[v.index].needs_grad; }
    double accumulate(Var v, Matrix&& contribution);
    std::vector<Entry> entries_;
    const Products* engine_;
};

/// A Sequential network recorded on a tape: its Linear layers' weights and biases as
/// parameters, its forward pass as the tape's operations.
struct RecordedNetwork {
    Var output;  ///< the network's output
    /// Per Linear layer, in order: the weights, and the bias (as a row) if it has one.
    std::vector<std::vector<Var>> parameters;
    std::vector<Matrix> biases;  ///< the biases as rows `(1, out)`, which the tape refers to
};

/// Records \p network's forward pass on \p X (a constant of \p tape) onto \p tape.
/// \p network must outlive the tape and not change while it is used, and so must the
/// returned object, which holds the biases the tape refers to.
/// \throws std::invalid_argument for a layer that is neither Linear nor ActivationLayer.
RecordedNetwork record(Tape& tape, const Sequential& network, Var X);

/// Writes the gradients backward() left on \p tape into \p network's layers (each Linear's
/// dJ_dW and dJ_db), where Sgd (optimizer.hpp) reads them: the tape replaces the
/// hand-written backward pass, not the update.
void store_gradients(const Tape& tape, const RecordedNetwork& recorded, Sequential& network);

}  // namespace backprop::autodiff
