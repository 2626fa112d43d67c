// Runs a chapter program with --json and hands back the parsed object.
#pragma once

#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "run_program.hpp"

/// Runs \p program with `--json` (and \p extra arguments), requires exit status 0 and
/// valid JSON on stdout, and returns it.
inline nlohmann::json run_json(const std::string& program, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), "--json");
    const ProgramResult result = run_program(program, extra);
    BOOST_TEST_REQUIRE(result.exit_status == 0, program << " --json exited with "
                                                        << result.exit_status << ": "
                                                        << result.err);
    BOOST_TEST(result.err.empty(), program << " wrote to stderr: " << result.err);
    try {
        return nlohmann::json::parse(result.out);
    } catch (const nlohmann::json::parse_error& error) {
        BOOST_FAIL(program << " --json printed invalid JSON: " << error.what());
    }
    return {};
}
