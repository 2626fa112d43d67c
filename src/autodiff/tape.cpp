#include "backprop/autodiff/tape.hpp"

#include <stdexcept>
#include <utility>

#include "backprop/core/linalg.hpp"
#include "backprop/core/shape_check.hpp"
#include "backprop/nn/loss.hpp"

namespace backprop::autodiff {
namespace {

// The entries of \p m, as a number of operations.
double count(const Matrix& m) {
    return static_cast<double>(m.size1() * m.size2());
}

Matrix scalar(double value) {
    return Matrix(1, 1, value);
}

// Σ A ⊙ B over every entry.
double sum_of_products(const Matrix& A, const Matrix& B) {
    double sum = 0;
    for (std::size_t i = 0; i < A.data().size(); ++i)
        sum += A.data()[i] * B.data()[i];
    return sum;
}

}  // namespace

// ---- Leaves --------------------------------------------------------------------------------

Var Tape::leaf(const Matrix& value, std::string name, bool needs_grad) {
    Entry entry;
    entry.op = needs_grad ? "parameter" : "constant";
    entry.name = std::move(name);
    entry.needs_grad = needs_grad;
    entry.leaf = &value;
    entries_.push_back(std::move(entry));
    return {entries_.size() - 1};
}

Var Tape::constant(const Matrix& value, std::string name) {
    return leaf(value, std::move(name), false);
}

Var Tape::parameter(const Matrix& value, std::string name) {
    return leaf(value, std::move(name), true);
}

Var Tape::record(std::string op, std::string name, std::vector<Var> inputs, Matrix&& value,
                 double flops) {
    Entry entry;
    entry.op = std::move(op);
    entry.name = std::move(name);
    for (const Var input : inputs)
        entry.needs_grad = entry.needs_grad || needs_grad(input);
    entry.inputs = std::move(inputs);
    entry.own.swap(value);  // uBLAS matrices swap their storage, but copy when moved
    entry.forward_flops = flops;
    entries_.push_back(std::move(entry));
    return {entries_.size() - 1};
}

// \p name, or \p pattern with each {} replaced by the next operand's name.
std::string Tape::or_default(std::string name, std::string pattern,
                             std::initializer_list<Var> operands) const {
    if (!name.empty()) return name;
    for (const Var v : operands)
        pattern.replace(pattern.find("{}"), 2, entries_[v.index].name);
    return pattern;
}

const Matrix& Tape::value(Var v) const {
    const Entry& entry = entries_.at(v.index);
    return entry.leaf ? *entry.leaf : entry.own;
}

// grad(v) += contribution, for a value that needs a gradient; returns the additions it took.
double Tape::accumulate(Var v, Matrix&& contribution) {
    Entry& entry = entries_[v.index];
    if (entry.grad.size1() == 0) {
        entry.grad.swap(contribution);  // the first path
        return 0;
    }
    entry.grad += contribution;  // a second path: the sum over paths
    return count(contribution);
}

// ---- Operations: each forward rule beside its backward rule ----------------------------------

//! [matmul]
Var Tape::matmul(Var X, Var W, std::string name) {
    const Matrix& x = value(X);
    const Matrix& w = value(W);
    require_product("Tape::matmul", "X", shape_of(x), "W", shape_of(w));
    Matrix Z(x.size1(), w.size2());
    engine_->A_B(x, w, Z);  // Z = X W: (B, in) x (in, out) -> (B, out)
    const double flops = 2 * static_cast<double>(x.size1() * x.size2() * w.size2());
    const Var out =
        record("matmul", or_default(std::move(name), "{} {}", {X, W}), {X, W}, std::move(Z), flops);
    entries_[out.index].backward = [X, W, flops](Tape& tape, const Matrix& dZ,
                                                 double& flops_spent) {
        const Matrix& x = tape.value(X);
        const Matrix& w = tape.value(W);
        if (tape.needs_grad(X)) {  // ∂J/∂X += δ Wᵀ: the error sent back
            Matrix dX(x.size1(), x.size2());
            tape.engine_->A_Bt(dZ, w, dX);
            flops_spent += tape.accumulate(X, std::move(dX));
            flops_spent += flops;
        }
        if (tape.needs_grad(W)) {  // ∂J/∂W += Xᵀ δ: the weights' gradient
            Matrix dW(w.size1(), w.size2());
            tape.engine_->At_B(x, dZ, dW);
            flops_spent += tape.accumulate(W, std::move(dW));
            flops_spent += flops;
        }
    };
    entries_[out.index].tangent = [X, W, flops](Tape& tape, const std::vector<Matrix>& dot,
                                                double& flops_spent) {
        // (X W)˙ = Ẋ W + X Ẇ, skipping a term whose tangent is zero.
        const Matrix& x = tape.value(X);
        const Matrix& w = tape.value(W);
        Matrix dZ(x.size1(), w.size2(), 0.0);
        if (dot[X.index].size1() != 0) {
            tape.engine_->A_B(dot[X.index], w, dZ);
            flops_spent += flops;
        }
        if (dot[W.index].size1() != 0) {
            Matrix term(x.size1(), w.size2());
            tape.engine_->A_B(x, dot[W.index], term);
            dZ += term;
            flops_spent += flops + count(term);
        }
        return dZ;
    };
    return out;
}
//! [matmul]

//! [add_bias]
Var Tape::add_bias(Var Z, Var b, std::string name) {
    const Matrix& z = value(Z);
    const Matrix& bias = value(b);
    require_shape("Tape::add_bias", "b", bias, {1, z.size2()});
    Matrix Y = z;
    for (std::size_t s = 0; s < Y.size1(); ++s)
        row(Y, s) += row(bias, 0);
    const Var out = record("add_bias", or_default(std::move(name), "{} + {}", {Z, b}), {Z, b},
                           std::move(Y), count(z));
    entries_[out.index].backward = [Z, b](Tape& tape, const Matrix& dY, double& flops_spent) {
        if (tape.needs_grad(Z)) flops_spent += tape.accumulate(Z, Matrix(dY));  // ∂J/∂Z += ∂J/∂Y
        if (tape.needs_grad(b)) {  // ∂J/∂b += the column sums of ∂J/∂Y
            Vector sums(dY.size2());
            column_sums(dY, sums);
            flops_spent += tape.accumulate(b, as_row(sums));
            flops_spent += count(dY);
        }
    };
    entries_[out.index].tangent = [Z, b](Tape& tape, const std::vector<Matrix>& dot,
                                         double& flops_spent) {
        const Matrix& z = tape.value(Z);
        Matrix dY = dot[Z.index].size1() != 0 ? dot[Z.index] : Matrix(z.size1(), z.size2(), 0.0);
        if (dot[b.index].size1() != 0) {
            for (std::size_t s = 0; s < dY.size1(); ++s)
                row(dY, s) += row(dot[b.index], 0);
            flops_spent += count(dY);
        }
        return dY;
    };
    return out;
}
//! [add_bias]

//! [activation]
Var Tape::activation(Var Z, const Activation& f, std::string name) {
    const Matrix& z = value(Z);
    Matrix A(z.size1(), z.size2());
    f.f_many(z.data().data(), A.data().data(), z.data().size());  // A = f(Z)
    const Var out =
        record(std::string(f.name), or_default(std::move(name), std::string(f.name) + "({})", {Z}),
               {Z}, std::move(A), count(z));
    entries_[out.index].backward = [Z, f, out](Tape& tape, const Matrix& dA, double& flops_spent) {
        if (!tape.needs_grad(Z)) return;
        // ∂J/∂Z += ∂J/∂A ⊙ f'(Z), with f'(Z) from the kept output A = f(Z).
        const Matrix& A = tape.value(out);
        Matrix dZ(A.size1(), A.size2());
        for (std::size_t i = 0; i < dZ.data().size(); ++i)
            dZ.data()[i] = dA.data()[i] * f.df_from_f(A.data()[i]);
        flops_spent += 2 * count(dZ);
        flops_spent += tape.accumulate(Z, std::move(dZ));
    };
    entries_[out.index].tangent = [Z, f, out](Tape& tape, const std::vector<Matrix>& dot,
                                              double& flops_spent) {
        const Matrix& A = tape.value(out);
        Matrix dA(A.size1(), A.size2(), 0.0);
        if (dot[Z.index].size1() != 0) {  // Ȧ = f'(Z) ⊙ Ż
            for (std::size_t i = 0; i < dA.data().size(); ++i)
                dA.data()[i] = f.df_from_f(A.data()[i]) * dot[Z.index].data()[i];
            flops_spent += 2 * count(dA);
        }
        return dA;
    };
    return out;
}
//! [activation]

//! [losses]
Var Tape::mse(Var Y, const Matrix& T, std::string name) {
    const Matrix& y = value(Y);
    require_same_shape("Tape::mse", "Y", y, "T", T);
    const Var out = record("mse", std::move(name), {Y}, scalar(backprop::mse(y, T)), 3 * count(y));
    entries_[out.index].backward = [Y, &T](Tape& tape, const Matrix& dJ, double& flops_spent) {
        if (!tape.needs_grad(Y)) return;
        // ∂J/∂Y += (Y − T)/B, times ∂(result)/∂J.
        flops_spent += tape.accumulate(Y, dJ(0, 0) * mse_gradient(tape.value(Y), T));
        flops_spent += 3 * count(T);
    };
    entries_[out.index].tangent = [Y, &T](Tape& tape, const std::vector<Matrix>& dot,
                                          double& flops_spent) {
        if (dot[Y.index].size1() == 0) return scalar(0.0);
        flops_spent += 4 * count(T);
        return scalar(sum_of_products(mse_gradient(tape.value(Y), T), dot[Y.index]));
    };
    return out;
}

Var Tape::softmax_cross_entropy(Var Z, const Matrix& T, std::string name) {
    const Matrix& z = value(Z);
    require_same_shape("Tape::softmax_cross_entropy", "Z", z, "T", T);
    const Var out = record("softmax_cross_entropy", std::move(name), {Z},
                           scalar(backprop::softmax_cross_entropy(z, T)), 5 * count(z));
    entries_[out.index].backward = [Z, &T](Tape& tape, const Matrix& dJ, double& flops_spent) {
        if (!tape.needs_grad(Z)) return;
        // ∂J/∂Z += (softmax(Z) − T)/B, times ∂(result)/∂J.
        flops_spent +=
            tape.accumulate(Z, dJ(0, 0) * softmax_cross_entropy_gradient(tape.value(Z), T));
        flops_spent += 5 * count(T);
    };
    entries_[out.index].tangent = [Z, &T](Tape& tape, const std::vector<Matrix>& dot,
                                          double& flops_spent) {
        if (dot[Z.index].size1() == 0) return scalar(0.0);
        flops_spent += 6 * count(T);
        return scalar(
            sum_of_products(softmax_cross_entropy_gradient(tape.value(Z), T), dot[Z.index]));
    };
    return out;
}

Var Tape::mean(Var X, std::string name) {
    const Matrix& x = value(X);
    if (x.size1() == 0 || x.size2() == 0)
        throw std::invalid_argument("Tape::mean: X is " + to_string(shape_of(x)) +
                                    ", which has no entries");
    double sum = 0;
    for (const double v : x.data())
        sum += v;
    const double n = count(x);
    const Var out =
        record("mean", or_default(std::move(name), "mean({})", {X}), {X}, scalar(sum / n), n);
    entries_[out.index].backward = [X, n](Tape& tape, const Matrix& dm, double& flops_spent) {
        if (!tape.needs_grad(X)) return;
        const Matrix& x = tape.value(X);
        flops_spent +=
            tape.accumulate(X, Matrix(x.size1(), x.size2(), dm(0, 0) / n));  // ∂J/∂X += ∂J/∂m / n
        flops_spent += n;
    };
    entries_[out.index].tangent = [X, n](Tape&, const std::vector<Matrix>& dot,
                                         double& flops_spent) {
        if (dot[X.index].size1() == 0) return scalar(0.0);
        double sum = 0;
        for (const double v : dot[X.index].data())
            sum += v;
        flops_spent += n;
        return scalar(sum / n);
    };
    return out;
}
//! [losses]

// ---- The two modes ----------------------------------------------------------------------------

//! [backward]
void Tape::backward(Var J) {
    require_shape("Tape::backward", "J", value(J), {1, 1});
    for (Entry& entry : entries_) {
        entry.grad.resize(0, 0, false);
        entry.backward_flops = 0;
    }
    entries_[J.index].grad = scalar(1.0);  // ∂J/∂J
    // The tape is in the order the operations ran: every value's uses come after it, so
    // walking it backwards completes each gradient before passing it on.
    for (std::size_t i = J.index + 1; i-- > 0;) {
        Entry& entry = entries_[i];
        if (entry.backward && entry.needs_grad && entry.grad.size1() != 0)
            entry.backward(*this, entry.grad, entry.backward_flops);
    }
}
//! [backward]

//! [tangent]
double Tape::tangent(Var J, Var theta, std::size_t entry) {
    require_shape("Tape::tangent", "J", value(J), {1, 1});
    const Entry& parameter = entries_.at(theta.index);
    if (parameter.op != "parameter" || entry >= parameter.leaf->data().size())
        throw std::invalid_argument("Tape::tangent: '" + parameter.name + "' (" +
                                    to_string(shape_of(value(theta))) +
                                    ") is not a parameter with an entry " + std::to_string(entry));
    // θ̇ = the unit matrix at the entry; every other leaf's tangent is zero (left empty).
    std::vector<Matrix> dot(J.index + 1);
    dot[theta.index] = Matrix(parameter.leaf->size1(), parameter.leaf->size2(), 0.0);
    dot[theta.index].data()[entry] = 1.0;
    for (std::size_t i = 0; i <= J.index; ++i) {
        Entry& e = entries_[i];
        e.tangent_flops = 0;
        if (e.tangent) dot[i] = e.tangent(*this, dot, e.tangent_flops);
    }
    return dot[J.index](0, 0);
}
//! [tangent]

namespace {

/// The sum over \p entries of one of their flop counts, \p count.
template <class Entries>
double total(const Entries& entries, double Tape::Entry::*count) {
    double sum = 0;
    for (const auto& e : entries)
        sum += e.*count;
    return sum;
}

}  // namespace

double Tape::forward_flops() const {
    return total(entries_, &Entry::forward_flops);
}
double Tape::backward_flops() const {
    return total(entries_, &Entry::backward_flops);
}
double Tape::tangent_flops() const {
    return total(entries_, &Entry::tangent_flops);
}

// ---- A network on the tape --------------------------------------------------------------------

RecordedNetwork record(Tape& tape, const Sequential& network, Var X) {
    RecordedNetwork recorded;
    std::size_t linear_layers = 0;
    for (const auto& layer : network.layers)
        if (dynamic_cast<const Linear*>(layer.get())) ++linear_layers;
    recorded.biases.reserve(linear_layers);  // the tape refers to them: no reallocation
    Var A = X;
    std::size_t l = 0;
    for (std::size_t i = 0; i < network.layers.size(); ++i) {
        const Layer* layer = network.layers[i].get();
        if (const auto* linear = dynamic_cast<const Linear*>(layer)) {
            ++l;
            std::vector<Var> parameters{tape.parameter(linear->W, "W" + std::to_string(l))};
            const std::string z = "z" + std::to_string(l);
            A = tape.matmul(A, parameters[0], linear->b ? "" : z);
            if (linear->b) {
                recorded.biases.push_back(as_row(*linear->b));
                parameters.push_back(
                    tape.parameter(recorded.biases.back(), "b" + std::to_string(l)));
                A = tape.add_bias(A, parameters[1], z);
            }
            recorded.parameters.push_back(std::move(parameters));
        } else if (const auto* activation = dynamic_cast<const ActivationLayer*>(layer)) {
            A = tape.activation(A, activation->f, "a" + std::to_string(l));
        } else {
            throw std::invalid_argument("autodiff::record: layer " + std::to_string(i) + " (" +
                                        layer->description() +
                                        ") is neither Linear nor an activation");
        }
    }
    recorded.output = A;
    return recorded;
}

void store_gradients(const Tape& tape, const RecordedNetwork& recorded, Sequential& network) {
    std::size_t l = 0;
    for (const auto& layer : network.layers) {
        auto* linear = dynamic_cast<Linear*>(layer.get());
        if (!linear) continue;
        const std::vector<Var>& parameters = recorded.parameters.at(l++);
        // A parameter J does not depend on has no gradient on the tape: zero.
        const Matrix& dW = tape.grad(parameters[0]);
        linear->dJ_dW = dW.size1() != 0 ? dW : Matrix(linear->W.size1(), linear->W.size2(), 0.0);
        if (linear->b) {
            const Matrix& db = tape.grad(parameters[1]);
            *linear->dJ_db = db.size1() != 0 ? Vector(row(db, 0)) : Vector(linear->b->size(), 0.0);
        }
    }
}

}  // namespace backprop::autodiff
