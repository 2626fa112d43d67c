/// \file
/// \brief Scalar reverse-mode automatic differentiation: a number that remembers how it was
/// computed, and the chain rule run backwards over that memory.
///
/// Every Value holds its number (\ref backprop::autodiff::Value::data "Value::data"), the
/// derivative of the final result with respect to it (\ref backprop::autodiff::Value::grad
/// "Value::grad", after backward()), the operation that made it, and an
/// edge to each operand with the **local derivative** of the operation with respect to that
/// operand. Each operation below computes its value and its local derivatives side by side,
/// at the moment it runs:
///
/// | operation          | value               | local derivative(s)                    |
/// |--------------------|---------------------|----------------------------------------|
/// | \f$a + b\f$        | \f$a + b\f$         | \f$1,\ 1\f$                            |
/// | \f$a - b\f$        | \f$a - b\f$         | \f$1,\ -1\f$                           |
/// | \f$a \cdot b\f$    | \f$ab\f$            | \f$b,\ a\f$                            |
/// | \f$a / b\f$        | \f$a/b\f$           | \f$1/b,\ -a/b^2\f$                     |
/// | \f$a^p\f$          | \f$a^p\f$           | \f$p\,a^{p-1}\f$                       |
/// | \f$e^a\f$          | \f$e^a\f$           | \f$e^a\f$                              |
/// | \f$\ln a\f$        | \f$\ln a\f$         | \f$1/a\f$                              |
/// | \f$\tanh a\f$      | \f$t = \tanh a\f$   | \f$1 - t^2\f$                          |
/// | \f$\sigma(a)\f$    | \f$s = \sigma(a)\f$ | \f$s(1 - s)\f$                         |
/// | \f$\max(0, a)\f$   | \f$r\f$             | \f$1\f$ if \f$a > 0\f$, else \f$0\f$   |
///
/// backward() then applies the chain rule: visiting the graph from the result to the leaves in
/// reverse topological order (every value after all the values computed from it), it adds to
/// each operand's gradient the local derivative times the gradient of the value made from it,
/// \f[ \frac{\partial J}{\partial a} \mathrel{+}= \frac{\partial v}{\partial a}\,
///     \frac{\partial J}{\partial v}. \f]
/// It **adds**: a value used by several operations (fan-out) receives a contribution along
/// each path, and its gradient is their sum. Assigning instead keeps only the last path's,
/// the classic first bug (GradientUpdate::assign keeps it, so that it can be shown).
///
/// This is Karpathy's micrograd in C++, with the local derivatives stored as numbers rather
/// than as closures. The activations' values come from the library's own scalar functions
/// (activation.hpp), so a network written with Values computes the same numbers as one
/// written with layers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace backprop::autodiff {

/// How backward() combines the contributions of several paths into one gradient.
enum class GradientUpdate {
    accumulate,  ///< `grad += local * upstream`: the chain rule's sum over paths
    assign,      ///< `grad = local * upstream`: the classic bug, which keeps only the last path
};

struct Node;
struct Edge;

/// A number in a computation graph: a leaf (an input or a parameter), or the result of an
/// operation on other Values. Copies share the same node, so a Value is cheap to pass around
/// and every copy sees the gradient backward() stores.
class Value {
  public:
    /// A leaf holding \p data, named \p label for people (e.g. `"W1[0][0]"`).
    explicit Value(double data, std::string label = "");

    /// The number.
    double data() const;
    /// \f$\partial J/\partial\f$ this value after `J.backward()`; 0 before.
    double grad() const;
    /// The operation that made it (`"+"`, `"sigmoid"`, ...), or empty for a leaf.
    const std::string& op() const;
    /// Its name for people, or empty.
    const std::string& label() const;
    /// Names it \p label; returns it, to name a value where it is made.
    Value& named(std::string label);

    /// Fills in \ref grad for every value this one was computed from: this value's own is 1,
    /// and every other's is the sum, over the paths from it to here, of the products of the
    /// local derivatives along each path. Gradients are fresh each call, never added to those
    /// of an earlier call.
    void backward(GradientUpdate update = GradientUpdate::accumulate) const;

    /// The same node (not merely an equal number).
    bool same_as(const Value& other) const { return node_ == other.node_; }
    /// The node, for the graph's structure (topological_order(), the chapter's drawing).
    const Node& node() const { return *node_; }

  private:
    friend Value make_value(double data, std::string op, std::vector<Edge> parents);
    explicit Value(std::shared_ptr<Node> node) : node_(std::move(node)) {}
    std::shared_ptr<Node> node_;
};

/// An edge from a value to one of its operands, with the local derivative
/// \f$\partial v/\partial(\text{operand})\f$ at the values the operation saw.
struct Edge {
    Value operand;  ///< the operand
    double local;   ///< \f$\partial v/\partial\f$ operand
};

/// What a Value holds.
struct Node {
    double data = 0;            ///< the number
    double grad = 0;            ///< \f$\partial J/\partial\f$ data, after backward()
    std::string op;             ///< the operation, or empty for a leaf
    std::string label;          ///< the name for people, or empty
    std::vector<Edge> parents;  ///< the operands, with the local derivatives
};

/// The result of an operation: \p data, made by \p op from \p parents.
Value make_value(double data, std::string op, std::vector<Edge> parents);

/// \name Operations, each computing its value and its local derivatives together
///@{
Value operator+(const Value& a, const Value& b);  ///< \f$a + b\f$
Value operator-(const Value& a, const Value& b);  ///< \f$a - b\f$
Value operator*(const Value& a, const Value& b);  ///< \f$ab\f$
Value operator/(const Value& a, const Value& b);  ///< \f$a/b\f$
Value operator-(const Value& a);                  ///< \f$-a\f$
Value pow(const Value& a, double p);              ///< \f$a^p\f$, a constant power
Value exp(const Value& a);                        ///< \f$e^a\f$
Value log(const Value& a);                        ///< \f$\ln a\f$
Value tanh(const Value& a);                       ///< \f$\tanh a\f$
Value sigmoid(const Value& a);                    ///< \f$\sigma(a) = 1/(1 + e^{-a})\f$
Value relu(const Value& a);                       ///< \f$\max(0, a)\f$
Value identity(const Value& a);                   ///< \f$a\f$, as an activation
///@}

/// \name A constant on one side: the constant becomes a leaf of its own
///@{
Value operator+(const Value& a, double b);  ///< \f$a + b\f$
Value operator+(double a, const Value& b);  ///< \f$a + b\f$
Value operator-(const Value& a, double b);  ///< \f$a - b\f$
Value operator-(double a, const Value& b);  ///< \f$a - b\f$
Value operator*(const Value& a, double b);  ///< \f$ab\f$
Value operator*(double a, const Value& b);  ///< \f$ab\f$
Value operator/(const Value& a, double b);  ///< \f$a/b\f$
Value operator/(double a, const Value& b);  ///< \f$a/b\f$
///@}

/// The activation called \p name (`sigmoid`, `tanh`, `relu`, `identity`), as an operation on
/// Values. \throws std::invalid_argument naming \p name and listing the valid names.
Value (*activation_named(const std::string& name))(const Value&);

/// Every value \p root was computed from, and \p root itself, in topological order: each
/// value after all of its operands, \p root last. Found by depth-first search from \p root;
/// each value appears once, however many paths lead to it.
std::vector<Value> topological_order(const Value& root);

}  // namespace backprop::autodiff
