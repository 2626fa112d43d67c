/// \file
/// \brief Random matrices: initial weights scaled so that signals keep their size layer to
/// layer, and the random draws behind them, for every program and test that needs some.
///
/// Every draw uses Boost.Random's distributions, which give the same numbers on every
/// platform (the standard library's may differ between implementations), and fills a
/// matrix row by row, so that a seed names one matrix everywhere.
#pragma once

#include <cstddef>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// A `(rows, cols)` matrix of independent draws from \f$N(0, \sigma^2)\f$, \f$\sigma\f$ =
/// \p sd, row by row, from \p generator (any Boost.Random or standard engine).
template <class Generator>
Matrix random_normal(std::size_t rows, std::size_t cols, double sd, Generator& generator) {
    boost::random::normal_distribution<double> normal(0.0, sd);
    Matrix m(rows, cols);
    for (double& value : m.data())
        value = normal(generator);
    return m;
}

/// A `(rows, cols)` matrix of independent draws uniform in [\p low, \p high), row by row.
template <class Generator>
Matrix random_uniform(std::size_t rows, std::size_t cols, double low, double high,
                      Generator& generator) {
    boost::random::uniform_real_distribution<double> uniform(low, high);
    Matrix m(rows, cols);
    for (double& value : m.data())
        value = uniform(generator);
    return m;
}

/// A vector of \p n independent draws from \f$N(0, \sigma^2)\f$, \f$\sigma\f$ = \p sd.
template <class Generator>
Vector random_normal(std::size_t n, double sd, Generator& generator) {
    boost::random::normal_distribution<double> normal(0.0, sd);
    Vector v(n);
    for (double& value : v.data())
        value = normal(generator);
    return v;
}

/// How random weights are drawn for a layer with \f$n_\text{in}\f$ inputs and
/// \f$n_\text{out}\f$ outputs.
enum class Init {
    /// Glorot/Xavier: uniform in \f$\pm\sqrt{6/(n_\text{in}+n_\text{out})}\f$, variance
    /// \f$2/(n_\text{in}+n_\text{out})\f$; for sigmoid and tanh.
    xavier,
    /// He: normal with variance \f$2/n_\text{in}\f$; for ReLU, which zeroes half its inputs.
    he,
};

/// Weights `(inputs, outputs)` drawn as \p init says from \p generator, row by row.
Matrix random_weights(std::size_t inputs, std::size_t outputs, Init init,
                      boost::random::mt19937_64& generator);

}  // namespace backprop
