// The book in a browser: headless Chromium opens every chapter page and this test checks
// that the formulas are typeset (no raw TeX left, no MathJax error), that every image loads,
// that every internal link resolves, that no code or output block is empty, and that the
// worked example's true values appear where they belong. The values are formatted here from
// the independent long-double oracle, the way the book prints them (five significant digits).
// Every page is also opened at a phone's width, 390 px, where nothing may make the page wider
// than the screen; and on every page the search box must find words of the prose.
//
// Without Chromium the test reports itself skipped (exit status 77), never passed.
#define BOOST_TEST_MODULE book
#define BOOST_TEST_NO_MAIN
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "browser.hpp"
#include "run_program.hpp"
#include "worked_example_oracle.hpp"

namespace fs = std::filesystem;
namespace data = boost::unit_test::data;

namespace {

/// A number as the book's prose prints it: five significant digits.
std::string prose(oracle::real value) {
    std::ostringstream out;
    out << std::setprecision(5) << static_cast<double>(value);
    return out.str();
}

/// One page and the values that must appear on it.
struct Page {
    std::string file;
    std::vector<std::string> values;
    bool has_math = true;
};
std::ostream& operator<<(std::ostream& out, const Page& page) {
    return out << page.file;
}

std::vector<Page> pages() {
    const oracle::WorkedExample e;
    return {
        {"index.html", {}, false},
        {"chapter_neuron.html", {prose(e.z1[0]), prose(e.a1[0])}},
        {"chapter_forward.html", {prose(e.z1[1]), prose(e.a1[2]), prose(e.z2), prose(e.y)}},
        {"chapter_loss.html", {prose(e.J), prose(e.cross_entropy())}},
        {"chapter_gradients.html",
         {prose(e.delta2), prose(e.delta1[0]), prose(e.dJ_dW1[1][2]), prose(e.W2_new[0]),
          // one weight followed all the way back: its local factors and their product
          prose(e.sigma_prime_z2), prose(e.sigma_prime_z1[0]), prose(e.dJ_dW1[0][0])}},
        {"chapter_training.html", {prose(e.J)}},
        // Its timings are measured at build time; the work per epoch is not: forward
        // 2(784*128 + 128*10) and backward 2(784*128 + 128*10) + 2(128*10) FLOPs per sample.
        {"chapter_vectorize.html",
         {prose((2.0L * (784 * 128 + 128 * 10) * 2 + 2.0L * 128 * 10) * 60000 / 1e9L)}},
        // The network's size is fixed by its defaults, 784-256-128-10: weights and biases.
        {"chapter_fashion.html", {"235146"}},
        // ln 2, the loss of the best linear fit to XOR, and its best accuracy 3/4.
        {"chapter_activations.html", {prose(std::log(2.0L)), "0.75"}},
        {"chapter_learning_rate.html", {}},
        {"chapter_vanishing.html", {}},
        // Chapter 4's gradients by automatic differentiation, and the input's gradient as the
        // sum over its three paths, (W1)_1j times (delta1)_j.
        {"chapter_autodiff.html",
         {prose(e.J), prose(e.delta1[0]), prose(e.dJ_dW1[0][0]),
          prose(e.W1[0][0] * e.delta1[0] + e.W1[0][1] * e.delta1[1] + e.W1[0][2] * e.delta1[2])}},
        // Chapter 9's network, 784-256-128-10: its weights and biases, summed in every step.
        {"chapter_parallel.html", {"235146"}},
        // The 2-2-2 example's first output, Mazur's published 0.75136507 (to 5 digits).
        {"appendix_calculator.html", {prose(e.z1[0]), "0.75137"}},
        {"appendix_errata.html", {"0.47", prose(e.z1[0]), prose(e.y)}},
        {"notation.html", {}},
        // The library's reference, its longest page: the declarations of every function.
        {"namespacebackprop.html", {}},
    };
}

/// The widths a page is read at: a desktop window, and a phone's screen.
enum class Width { desktop, phone };
std::ostream& operator<<(std::ostream& out, Width width) {
    return out << (width == Width::desktop ? "1280 px" : "390 px");
}

auto widths() {
    return data::make(std::vector<Width>{Width::desktop, Width::phone});
}

/// Words of the prose that the search must find, each with the page that explains it.
struct Search {
    std::string word, page;
};
const std::vector<Search> searches{{"vanishing", "chapter_vanishing.html"},
                                   {"xor", "chapter_activations.html"},
                                   {"saturation", "chapter_neuron.html"},
                                   {"momentum", "chapter_learning_rate.html"}};

const fs::path book = BACKPROP_BOOK_HTML;
std::string chromium;

/// A copy of the book with the check script injected into every page, made once. Each page
/// PAGE also gets phone_PAGE, which shows it in a frame 390 px wide: headless Chromium opens
/// no window narrower than 500 px, and a frame is a window of its own width, down to its
/// media queries.
const fs::path& checked_copy() {
    static const fs::path copy = [] {
        const fs::path dir = fs::temp_directory_path() / "backprop-book-check";
        fs::remove_all(dir);
        fs::copy(book, dir, fs::copy_options::recursive);
        fs::copy_file(BACKPROP_BOOK_CHECK_JS, dir / "book_check.js");
        std::string words;
        for (const Search& search : searches)
            words += (words.empty() ? "\"" : ", \"") + search.word + "\"";
        for (const Page& page : pages()) {
            std::string html = browser::read_file(dir / page.file);
            const auto end = html.rfind("</body>");
            if (end != std::string::npos)
                html.insert(end, "<script>var bookCheckSearches = [" + words +
                                     "];</script>\n<script src=\"book_check.js\"></script>\n");
            std::ofstream(dir / page.file, std::ios::binary) << html;
            std::ofstream(dir / ("phone_" + page.file), std::ios::binary)
                << "<!DOCTYPE html>\n<html><body style=\"margin: 0\">\n"
                   "<iframe src=\""
                << page.file
                << "\" width=\"390\" height=\"844\" style=\"border: 0\"></iframe>\n"
                   "<script>\nwindow.addEventListener('message', function (event) {\n"
                   "    var pre = document.createElement('pre');\n"
                   "    pre.id = 'book-check';\n"
                   "    pre.textContent = event.data;\n"
                   "    document.body.appendChild(pre);\n"
                   "});\n</script>\n</body></html>\n";
        }
        return dir;
    }();
    return copy;
}

/// Opens \p page in headless Chromium at \p width and returns what book_check.js reported;
/// each page is opened once at each width.
const nlohmann::json& open_in_browser(const std::string& page, Width width) {
    static std::map<std::pair<std::string, Width>, nlohmann::json> opened;
    const auto known = opened.find({page, width});
    if (known != opened.end()) return known->second;
    const bool phone = width == Width::phone;
    const ProgramResult result =
        browser::dump_dom(chromium, checked_copy() / ((phone ? "phone_" : "") + page),
                          checked_copy() / ".chromium-profile", phone ? "500,900" : "1280,1000");
    BOOST_TEST_REQUIRE(result.exit_status == 0, "chromium failed: " << result.err);
    const std::string text = browser::pre_text(result.out, "book-check");
    BOOST_TEST_REQUIRE(!text.empty(),
                       page << ": the check script did not report (MathJax never finished?)");
    return opened[{page, width}] = nlohmann::json::parse(text);
}

/// Whether \p target (FILE or FILE#ANCHOR, relative to the book's folder) names a file of the
/// book and, with an anchor, an element of that file with that id or name.
bool resolves(const std::string& target) {
    const auto hash = target.find('#');
    const fs::path path = book / target.substr(0, hash);
    if (!fs::exists(path)) return false;
    if (hash == std::string::npos || hash + 1 == target.size()) return true;
    const std::string anchor = target.substr(hash + 1), linked = browser::read_file(path);
    return linked.find("id=\"" + anchor + "\"") != std::string::npos ||
           linked.find("name=\"" + anchor + "\"") != std::string::npos;
}

// The search is the book's own where lunr.js was found at configure time; else the book has
// Doxygen's search of code symbols, and the search tests are skipped (and say why).
#ifndef BACKPROP_BOOK_SEARCH
#define BACKPROP_BOOK_SEARCH 0
#endif
const auto when_the_book_has_its_search = boost::unit_test::enable_if<BACKPROP_BOOK_SEARCH != 0>();

}  // namespace

BOOST_DATA_TEST_CASE(every_page_is_typeset_and_shows_its_values, data::make(pages()), page) {
    BOOST_TEST_REQUIRE(fs::exists(book / page.file), page.file << " is not in the book");
    const nlohmann::json& check = open_in_browser(page.file, Width::desktop);
    const std::string text = check["text"];

    BOOST_TEST(check["mathjax"].get<bool>(), "MathJax did not load");
    if (page.has_math) BOOST_TEST(check["formulas"].get<int>() > 0, "no typeset formula");
    BOOST_TEST(check["errors"].get<int>() == 0, "MathJax errors on the page");
    BOOST_TEST(check["message"].get<std::string>().find("Processing") == std::string::npos);
    for (const char* raw : {"\\f$", "\\f[", "\\(", "\\[", "\\frac", "\\partial", "\\delta"})
        BOOST_TEST(text.find(raw) == std::string::npos, "raw TeX left on the page: " << raw);
    BOOST_TEST(check["broken"].empty(), "images that do not load: " << check["broken"].dump());
    for (const std::string& value : page.values)
        BOOST_TEST(text.find(value) != std::string::npos, "the page does not show " << value);
}

// A \snippet whose tags enclose no line, or a \verbinclude of an empty file, shows an empty box.
BOOST_DATA_TEST_CASE(no_code_or_output_block_is_empty, data::make(pages()), page) {
    const nlohmann::json& check = open_in_browser(page.file, Width::desktop);
    for (const std::string block : check["empty"])
        BOOST_ERROR(page.file << " has an empty code or output block: " << block);
}

// Equations, code, output and tables wider than the window scroll sideways inside their own
// box (or break across lines); the page itself never does, with the exercises' answers open
// and with the search's results showing.
BOOST_DATA_TEST_CASE(every_page_fits_the_window, data::make(pages()) * widths(), page, width) {
    const nlohmann::json& check = open_in_browser(page.file, width);
    for (const auto& [key, when] : {std::pair{"width", ""}, {"widthSearching", ", searching"}}) {
        const nlohmann::json& measured = check[key];
        BOOST_TEST_CONTEXT(page.file << " at " << width << when
                                     << "; too wide: " << measured["wide"].dump()) {
            BOOST_TEST(measured["viewport"].get<int>() == (width == Width::phone ? 390 : 1280));
            BOOST_TEST(measured["document"].get<int>() <= measured["viewport"].get<int>(),
                       "the page is wider than the window");
            BOOST_TEST(measured["contents"].get<int>() == 0, "the page's contents scroll sideways");
        }
    }
}

BOOST_TEST_DECORATOR(*when_the_book_has_its_search)
BOOST_DATA_TEST_CASE(the_search_box_finds_words_of_the_prose, data::make(pages()) * widths(), page,
                     width) {
    const nlohmann::json& check = open_in_browser(page.file, width)["search"];
    BOOST_TEST_REQUIRE(check["box"].get<bool>(), page.file << " at " << width << ": no search box");
    for (const Search& search : searches) {
        BOOST_TEST_CONTEXT(page.file << " at " << width << ", searching " << search.word) {
            const nlohmann::json& found = check["found"][search.word];
            BOOST_TEST_REQUIRE(!found.is_null(), "the search did not answer");
            BOOST_TEST(!found.empty(), "the search finds nothing");
            bool explained = false;
            for (const std::string link : found)
                explained = explained || link.substr(0, link.find('#')) == search.page;
            BOOST_TEST(explained, "no result on " << search.page << ": " << found.dump());
        }
    }
}

BOOST_AUTO_TEST_CASE(every_search_result_links_to_a_section, *when_the_book_has_its_search) {
    const nlohmann::json& found = open_in_browser("index.html", Width::desktop)["search"]["found"];
    for (const Search& search : searches)
        for (const std::string link : found[search.word])
            BOOST_TEST(resolves(link), "searching " << search.word << " lists " << link
                                                    << ", which is not in the book");
}

BOOST_DATA_TEST_CASE(every_internal_link_resolves, data::make(pages()), page) {
    const std::string html = browser::read_file(book / page.file);
    int links = 0;
    for (auto at = html.find("href=\""); at != std::string::npos; at = html.find("href=\"", at)) {
        at += 6;
        const std::string target = html.substr(at, html.find('"', at) - at);
        if (target.empty() || target.rfind("http", 0) == 0 || target.rfind("mailto:", 0) == 0 ||
            target.rfind("javascript:", 0) == 0)
            continue;
        ++links;
        BOOST_TEST(resolves(target.front() == '#' ? page.file + target : target),
                   page.file << " links to " << target << ", which is not in the book");
    }
    BOOST_TEST(links > 0);
}

int main(int argc, char* argv[]) {
    chromium = browser::chromium_or_skip();
    if (chromium.empty()) return browser::skipped;
    if (!BACKPROP_BOOK_SEARCH)
        std::cout << "The search cases are skipped: the book was configured without lunr.js "
                     "(Debian's libjs-lunr) or libxml2 (libxml2-dev), and has Doxygen's search "
                     "of code symbols instead\n";
    return boost::unit_test::unit_test_main([] { return true; }, argc, argv);
}
