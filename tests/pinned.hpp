// Comparisons against the oracle, with the tolerance written once.
#pragma once

#include <cmath>
#include <string>

#include <boost/test/unit_test.hpp>

#include "worked_example_oracle.hpp"

namespace pinned {

/// Every worked-example value must agree with its long-double derivation to this relative
/// tolerance: double carries ~1e-16, and the longest chain (the update) loses under 1e-14.
inline constexpr double tolerance = 1e-12;

/// |actual − expected| ≤ tolerance · |expected|, reporting \p what on failure.
inline void check(const std::string& what, double actual, oracle::real expected,
                  double relative = tolerance) {
    const oracle::real error = std::abs(static_cast<oracle::real>(actual) - expected);
    BOOST_TEST(error <= relative * std::abs(expected),
               what << ": got " << actual << ", expected " << static_cast<double>(expected)
                    << " (relative error " << static_cast<double>(error / std::abs(expected))
                    << ", tolerance " << relative << ")");
}

}  // namespace pinned
