// The book's interactive pages in a browser: headless Chromium opens each page that runs the
// calculator compiled to WebAssembly from file://, offline, and a check script
// (book/interactive_check.js) uses the page as a reader would. This test then holds what the
// page showed to three references that do not share the page's code:
//
//   - the worked example's values, as the page first shows them, to the independent
//     long-double oracle (worked_example_oracle.hpp), at the tolerance of every pinned value;
//   - after W1[0][0] is changed from 0.1 to 0.15, to the oracle run with that weight, and to
//     the native calculator's --json for the article's description with that weight;
//   - the calculator appendix's text to the native calculator's output for the same file,
//     character for character, and its error for an invalid description to the native one's.
//
// Without Chromium the test reports itself skipped (exit status 77), never passed.
#define BOOST_TEST_MODULE interactive
#define BOOST_TEST_NO_MAIN
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "browser.hpp"
#include "pinned.hpp"
#include "run_program.hpp"
#include "worked_example_oracle.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path book = BACKPROP_BOOK_HTML;
const fs::path examples = BACKPROP_EXAMPLES;
std::string chromium;

/// The report of each widget of \p page, opened in a copy of the book with the check
/// script injected.
json widgets_of(const std::string& page) {
    static const fs::path copy = [] {
        const fs::path dir = fs::temp_directory_path() / "backprop-interactive-check";
        fs::remove_all(dir);
        fs::copy(book, dir, fs::copy_options::recursive);
        fs::copy_file(BACKPROP_INTERACTIVE_CHECK_JS, dir / "interactive_check.js");
        return dir;
    }();
    std::string html = browser::read_file(copy / page);
    const auto end = html.rfind("</body>");
    BOOST_TEST_REQUIRE(end != std::string::npos, page << " has no </body>");
    html.insert(end, "<script src=\"interactive_check.js\"></script>\n");
    const fs::path checked = copy / ("checked_" + page);
    std::ofstream(checked, std::ios::binary) << html;

    const ProgramResult result = browser::dump_dom(chromium, checked, copy / ".chromium-profile");
    BOOST_TEST_REQUIRE(result.exit_status == 0, "chromium failed: " << result.err);
    const std::string text = browser::pre_text(result.out, "interactive-check");
    BOOST_TEST_REQUIRE(!text.empty(), page << ": the check script did not report");
    const json report = json::parse(text);
    BOOST_TEST_REQUIRE(report["widgets"].size() == 1u, page << ": " << report.dump());
    const json& widget = report["widgets"][0];
    BOOST_TEST_REQUIRE(widget["state"] == "ready",
                       page << ": the widget did not start: " << widget.dump());
    BOOST_TEST(widget["hidden"] == false);
    return widget;
}

/// The article's description with W1[0][0] = 0.15, as the page's change makes it.
json changed_description() {
    json description = json::parse(browser::read_file(examples / "article.json"));
    description["layers"][0]["W"][0][0] = 0.15;
    return description;
}

oracle::WorkedExample changed_oracle() {
    const oracle::real W1[2][3] = {{0.15L, 0.2L, 0.3L}, {0.4L, 0.5L, 0.6L}};
    const oracle::real W2[3] = {0.7L, 0.8L, 0.9L};
    return oracle::WorkedExample(W1, W2, 0.1L);
}

/// The native calculator's --json for \p description.
json native_step(const json& description) {
    const fs::path file = fs::temp_directory_path() / "backprop-interactive-changed.json";
    std::ofstream(file) << description.dump();
    const ProgramResult result =
        run_program(BACKPROP_BACKPROP_CALCULATOR, {file.string(), "--json"});
    BOOST_TEST_REQUIRE(result.exit_status == 0, result.err);
    return json::parse(result.out);
}

/// The oracle's value of the quantity \p name, its entries in the order the calculator's JSON
/// lists them (row by row).
std::vector<oracle::real> oracle_entries(const oracle::WorkedExample& e, const std::string& name) {
    const std::map<std::string, std::vector<oracle::real>> entries{
        {"z1", {e.z1[0], e.z1[1], e.z1[2]}},
        {"a1", {e.a1[0], e.a1[1], e.a1[2]}},
        {"z2", {e.z2}},
        {"a2", {e.y}},
        {"J", {e.J}},
        {"delta2", {e.delta2}},
        {"delta1", {e.delta1[0], e.delta1[1], e.delta1[2]}},
        {"dJ_dW2", {e.dJ_dW2[0], e.dJ_dW2[1], e.dJ_dW2[2]}},
        {"dJ_dW1",
         {e.dJ_dW1[0][0], e.dJ_dW1[0][1], e.dJ_dW1[0][2], e.dJ_dW1[1][0], e.dJ_dW1[1][1],
          e.dJ_dW1[1][2]}},
        {"W2_new", {e.W2_new[0], e.W2_new[1], e.W2_new[2]}},
        {"W1_new",
         {e.W1_new[0][0], e.W1_new[0][1], e.W1_new[0][2], e.W1_new[1][0], e.W1_new[1][1],
          e.W1_new[1][2]}},
    };
    const auto found = entries.find(name);
    BOOST_TEST_REQUIRE((found != entries.end()), "the oracle has no " << name);
    return found->second;
}

/// The numbers of a JSON value, row by row.
std::vector<double> numbers(const json& value) {
    if (value.is_number()) return {value.get<double>()};
    std::vector<double> all;
    for (const json& entry : value)
        for (double number : numbers(entry))
            all.push_back(number);
    return all;
}

/// How far apart the WebAssembly and the native build of the same code may be on the worked
/// example: 16 units of roundoff (wasm/compare_calculator.js says why) of its largest
/// number, 2.
constexpr double between_builds = 16 * std::numeric_limits<double>::epsilon() * 2;

/// Every value a worked-example widget showed, before and after the change, against the
/// oracle; after the change, against the native calculator too; and the error for "abc".
void check_worked_example(const json& widget, const std::vector<std::string>& shown) {
    const oracle::WorkedExample article, changed = changed_oracle();
    const json native = native_step(changed_description());
    BOOST_TEST(widget["after"].size() == shown.size());
    for (const std::string& name : shown) {
        BOOST_TEST_CONTEXT(name) {
            const std::vector<double> before = numbers(widget["before"][name]),
                                      after = numbers(widget["after"][name]),
                                      native_after = numbers(native[name]);
            const std::vector<oracle::real> expected = oracle_entries(article, name),
                                            expected_after = oracle_entries(changed, name);
            BOOST_TEST_REQUIRE(before.size() == expected.size());
            BOOST_TEST_REQUIRE(after.size() == expected_after.size());
            BOOST_TEST_REQUIRE(native_after.size() == after.size());
            for (std::size_t i = 0; i < before.size(); ++i) {
                pinned::check(name + " before the change", before[i], expected[i]);
                pinned::check(name + " after the change", after[i], expected_after[i]);
                BOOST_TEST(std::abs(after[i] - native_after[i]) <= between_builds,
                           name << ": " << after[i] << " in the page, " << native_after[i]
                                << " from the native calculator");
            }
        }
    }
    BOOST_TEST(widget["error_after"] == "");
    BOOST_TEST(widget["invalid_error"] == "W1[0][0]: \"abc\" is not a number");
    BOOST_TEST(widget["stale"] == true);
}

}  // namespace

BOOST_AUTO_TEST_CASE(chapter_2_recomputes_the_forward_pass) {
    const json widget = widgets_of("chapter_forward.html");
    BOOST_TEST_REQUIRE(widget["widget"] == "worked-example");
    check_worked_example(widget, {"z1", "a1", "z2", "a2"});
    // y = 0.81746, as the chapter's text says.
    BOOST_TEST(numbers(widget["before"]["a2"])[0] == 0.81746, boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(chapter_4_recomputes_every_delta_gradient_and_update) {
    const json widget = widgets_of("chapter_gradients.html");
    BOOST_TEST_REQUIRE(widget["widget"] == "worked-example");
    check_worked_example(widget,
                         {"a2", "J", "delta2", "delta1", "dJ_dW2", "dJ_dW1", "W2_new", "W1_new"});
}

BOOST_AUTO_TEST_CASE(the_calculator_appendix_prints_what_the_program_prints) {
    const json widget = widgets_of("appendix_calculator.html");
    BOOST_TEST_REQUIRE(widget["widget"] == "calculator");
    for (const auto& [shown, file] :
         {std::pair{"first_text", "article.json"}, std::pair{"example_text", "two_two_two.json"}}) {
        const ProgramResult native =
            run_program(BACKPROP_BACKPROP_CALCULATOR, {(examples / file).string()});
        BOOST_TEST_REQUIRE(native.exit_status == 0, native.err);
        BOOST_TEST(widget[shown].get<std::string>() == native.out, file);
    }
    // The native program names the file it read; the page names the editor's text "your network".
    const fs::path invalid = fs::temp_directory_path() / "your network";
    std::ofstream(invalid) << R"({"layers": [})";
    const ProgramResult native = run_program(BACKPROP_BACKPROP_CALCULATOR, {invalid.string()});
    BOOST_TEST(native.exit_status == 2);
    std::string message = native.err.substr(0, native.err.find('\n'));
    message.replace(message.find(invalid.string()), invalid.string().size(), "your network");
    BOOST_TEST(widget["invalid_error"].get<std::string>() == message);
    BOOST_TEST(widget["output_hidden"] == true);
}

int main(int argc, char* argv[]) {
    chromium = browser::chromium_or_skip();
    if (chromium.empty()) return browser::skipped;
    return boost::unit_test::unit_test_main([] { return true; }, argc, argv);
}
