// Fuzz target: the calculator's network-description parser, and the step it computes. Any
// text must give a description or a DescriptionError; a description it accepts must give a
// step whose every value is computed without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "backprop/calculator/network_description.hpp"
#include "backprop/calculator/step_trace.hpp"

#include "fuzz_target.hpp"

BACKPROP_FUZZ_TARGET(network_description) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const backprop::NetworkDescription network =
            backprop::parse_network_description(text, "fuzz input");
        const backprop::StepTrace trace = backprop::trace_step(network);
        const auto values = backprop::named_values(network, trace);
        backprop::check_hand_values(values, network.check);
    } catch (const backprop::DescriptionError&) {
    }
    return 0;
}
