#include "backprop/core/activation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace backprop {
namespace {

Matrix apply(double (*g)(double), const Matrix& Z) {
    Matrix out(Z.size1(), Z.size2());
    std::transform(Z.data().begin(), Z.data().end(), out.data().begin(), g);
    return out;
}

}  // namespace

Matrix Activation::operator()(const Matrix& Z) const {
    Matrix A(Z.size1(), Z.size2());
    f_many(Z.data().data(), A.data().data(), Z.data().size());
    return A;
}
Matrix Activation::derivative(const Matrix& Z) const {
    return apply(df, Z);
}

namespace activations {

// 1/(1+e^{-z}) overflows e^{-z} for z < -709; for negative z use e^{z}/(1+e^{z}) instead,
// which is the same number and never overflows.
double sigmoid_f(double z) {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
}
double sigmoid_df(double z) {
    const double s = sigmoid_f(z);
    return s * (1.0 - s);
}

double tanh_f(double z) {
    return std::tanh(z);
}
double tanh_df(double z) {
    const double t = std::tanh(z);
    return 1.0 - t * t;
}

double relu_f(double z) {
    return z > 0 ? z : 0.0;
}
double relu_df(double z) {
    return z > 0 ? 1.0 : 0.0;
}

double identity_f(double z) {
    return z;
}
double identity_df(double) {
    return 1.0;
}

}  // namespace activations

Activation activation_named(std::string_view name) {
    std::string valid;
    for (const Activation& a : activations::all) {
        if (a.name == name) return a;
        valid += (valid.empty() ? "" : ", ") + std::string(a.name);
    }
    throw std::invalid_argument("unknown activation '" + std::string(name) +
                                "'; valid names are: " + valid);
}

}  // namespace backprop
