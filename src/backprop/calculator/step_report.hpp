/// \file
/// \brief One step of the calculator as people and programs read it: the text the calculator
/// prints, table by table, and the JSON object it writes with `--json`.
///
/// Kept apart from the command line, so that every program that shows a step (the
/// calculator, and anything else built on the same code) shows the same tables.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backprop/calculator/network_description.hpp"
#include "backprop/calculator/step_trace.hpp"

namespace backprop {

/// Everything the step computed, as one JSON object: the description's facts (\p source
/// names where it came from), every named value, and the learner's numbers with their
/// verdicts.
nlohmann::json step_json(const std::string& source, const NetworkDescription& network,
                         const StepTrace& trace, const std::vector<NamedValue>& values,
                         const std::vector<HandCheck>& checks);

/// The step as text: a header saying what the network is (\p about first), every value
/// under its name and formula, section by section, with \p decimals digits after the point,
/// then the learner's numbers next to the true ones, with the verdicts and the first wrong
/// one.
void print_step(std::ostream& out, const std::string& about, const NetworkDescription& network,
                const StepTrace& trace, const std::vector<NamedValue>& values,
                const std::vector<HandCheck>& checks, int decimals);

}  // namespace backprop
