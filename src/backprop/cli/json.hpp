/// \file
/// \brief Numbers for programs: matrices as JSON.
///
/// A chapter's `--json` output holds every value it computes, at full precision
/// (nlohmann::json writes doubles so that they read back bit for bit). Matrices are
/// arrays of rows, in the article's printed orientation; a single sample (a one-row
/// matrix such as \f$z_1\f$ or \f$y\f$) is a flat array.
#pragma once

#include <nlohmann/json.hpp>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// A one-row matrix as a flat array: `[z_0, z_1, ...]`.
/// \throws std::invalid_argument if \p m has more than one row.
nlohmann::json json_vector(const Matrix& m);
/// A vector as a flat array.
nlohmann::json json_vector(const Vector& v);
/// A matrix as an array of rows: `[[m_00, m_01, ...], [m_10, ...], ...]`.
nlohmann::json json_matrix(const Matrix& m);

}  // namespace backprop
