#include "backprop/autodiff/value.hpp"

#include <cmath>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "backprop/core/activation.hpp"

namespace backprop::autodiff {

Value::Value(double data, std::string label)
    : node_(std::make_shared<Node>(Node{data, 0.0, "", std::move(label), {}})) {}

double Value::data() const {
    return node_->data;
}
double Value::grad() const {
    return node_->grad;
}
const std::string& Value::op() const {
    return node_->op;
}
const std::string& Value::label() const {
    return node_->label;
}
Value& Value::named(std::string label) {
    node_->label = std::move(label);
    return *this;
}

Value make_value(double data, std::string op, std::vector<Edge> parents) {
    return Value(std::make_shared<Node>(Node{data, 0.0, std::move(op), "", std::move(parents)}));
}

//! [operations]
Value operator+(const Value& a, const Value& b) {
    return make_value(a.data() + b.data(), "+", {{a, 1.0}, {b, 1.0}});
}
Value operator-(const Value& a, const Value& b) {
    return make_value(a.data() - b.data(), "−", {{a, 1.0}, {b, -1.0}});
}
Value operator*(const Value& a, const Value& b) {
    return make_value(a.data() * b.data(), "×", {{a, b.data()}, {b, a.data()}});
}
Value operator/(const Value& a, const Value& b) {
    const double q = a.data() / b.data();
    return make_value(q, "÷", {{a, 1.0 / b.data()}, {b, -q / b.data()}});
}
Value pow(const Value& a, double p) {
    return make_value(std::pow(a.data(), p), "pow", {{a, p * std::pow(a.data(), p - 1)}});
}
Value exp(const Value& a) {
    const double e = std::exp(a.data());
    return make_value(e, "exp", {{a, e}});
}
Value log(const Value& a) {
    return make_value(std::log(a.data()), "log", {{a, 1.0 / a.data()}});
}
Value tanh(const Value& a) {
    const double t = activations::tanh_f(a.data());
    return make_value(t, "tanh", {{a, activations::tanh_df_from_f(t)}});
}
Value sigmoid(const Value& a) {
    const double s = activations::sigmoid_f(a.data());
    return make_value(s, "sigmoid", {{a, activations::sigmoid_df_from_f(s)}});
}
Value relu(const Value& a) {
    return make_value(activations::relu_f(a.data()), "relu", {{a, activations::relu_df(a.data())}});
}
//! [operations]
Value operator-(const Value& a) {
    return make_value(-a.data(), "−", {{a, -1.0}});
}
Value identity(const Value& a) {
    return make_value(a.data(), "identity", {{a, 1.0}});
}

Value operator+(const Value& a, double b) {
    return a + Value(b);
}
Value operator+(double a, const Value& b) {
    return Value(a) + b;
}
Value operator-(const Value& a, double b) {
    return a - Value(b);
}
Value operator-(double a, const Value& b) {
    return Value(a) - b;
}
Value operator*(const Value& a, double b) {
    return a * Value(b);
}
Value operator*(double a, const Value& b) {
    return Value(a) * b;
}
Value operator/(const Value& a, double b) {
    return a / Value(b);
}
Value operator/(double a, const Value& b) {
    return Value(a) / b;
}

Value (*activation_named(const std::string& name))(const Value&) {
    if (name == "sigmoid") return sigmoid;
    if (name == "tanh") return tanh;
    if (name == "relu") return relu;
    if (name == "identity") return identity;
    throw std::invalid_argument("autodiff::activation_named: unknown activation '" + name +
                                "' (valid: sigmoid, tanh, relu, identity)");
}

//! [topological_order]
std::vector<Value> topological_order(const Value& root) {
    // Depth-first search, with an explicit stack rather than recursion, so that a long chain
    // of operations cannot overflow the call stack. A value is appended once all of its
    // operands have been: when the search leaves it for the last time.
    std::vector<Value> order;
    std::unordered_set<const Node*> visited{&root.node()};
    std::vector<std::pair<Value, std::size_t>> stack{{root, 0}};  // value, next operand
    while (!stack.empty()) {
        auto& [value, next] = stack.back();
        const std::vector<Edge>& parents = value.node().parents;
        if (next < parents.size()) {
            const Value& operand = parents[next++].operand;
            if (visited.insert(&operand.node()).second) stack.emplace_back(operand, 0);
        } else {
            order.push_back(value);
            stack.pop_back();
        }
    }
    return order;
}
//! [topological_order]

//! [backward]
void Value::backward(GradientUpdate update) const {
    const std::vector<Value> order = topological_order(*this);
    for (const Value& v : order)
        v.node_->grad = 0.0;
    node_->grad = 1.0;  // ∂J/∂J
    // From the result back to the leaves: each value's gradient is complete before it is
    // passed on, because every value computed from it comes later in the order.
    for (auto v = order.rbegin(); v != order.rend(); ++v)
        for (const Edge& edge : v->node_->parents) {
            const double contribution = edge.local * v->node_->grad;
            if (update == GradientUpdate::accumulate)
                edge.operand.node_->grad += contribution;  // the sum over paths
            else
                edge.operand.node_->grad = contribution;  // the bug: the last path only
        }
}
//! [backward]

}  // namespace backprop::autodiff
