// The errata table: every number the article prints, its recomputed value (pinned to the
// long-double oracle), and its verdict (pinned twice: derived here from the oracle, and
// written out by hand below from a separate calculation).
#define BOOST_TEST_MODULE errata
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "chapter_json.hpp"
#include "pinned.hpp"

using nlohmann::json;
using oracle::real;

namespace {

/// One printed number: the article's text, the true value and the value that follows from
/// the article's own previous printed step, both derived in long double.
struct Expected {
    std::string printed;
    real computed;
    real from_printed;
    std::string verdict;  ///< worked out by hand, independently of both programs
};

/// Is \p value printed as \p text, at the digits \p text shows?
bool printed_as(real value, const std::string& text) {
    const auto decimals = text.size() - text.find('.') - 1;
    return std::abs(value - std::stold(text)) <= 0.5L * std::pow(10.0L, -real(decimals));
}

std::map<std::string, Expected> expected_errata() {
    const oracle::WorkedExample e;
    const real t = e.t, alpha = e.alpha;
    // The article's printed intermediate values, as the following steps use them.
    const real z1_p[3] = {0.47L, 0.74L, 1.01L}, a1_p[3] = {0.615L, 0.677L, 0.734L};
    const real z2_p = 1.716L, y_p = 0.845L, delta2_p = 0.013L;
    const real delta1_p[3] = {0.004L, 0.006L, 0.008L};
    const auto sigma_prime = [](real z) {
        const real s = oracle::sigmoid(z);
        return s * (1 - s);
    };

    std::map<std::string, Expected> m;
    const char* z1_text[3] = {"0.47", "0.74", "1.01"};
    const char* a1_text[3] = {"0.615", "0.677", "0.734"};
    const char* a1_verdict[3] = {"carried forward", "carried forward", "new error"};
    const char* delta1_text[3] = {"0.004", "0.006", "0.008"};
    for (int j = 0; j < 3; ++j) {
        const std::string i = "[" + std::to_string(j) + "]";
        m["z1" + i] = {z1_text[j], e.z1[j], e.z1[j], "new error"};
        m["a1" + i] = {a1_text[j], e.a1[j], oracle::sigmoid(z1_p[j]), a1_verdict[j]};
        m["delta1" + i] = {delta1_text[j], e.delta1[j], e.W2[j] * delta2_p * sigma_prime(z1_p[j]),
                           "new error"};
    }
    m["z2"] = {"1.716", e.z2, e.W2[0] * a1_p[0] + e.W2[1] * a1_p[1] + e.W2[2] * a1_p[2],
               "new error"};
    m["y"] = {"0.845", e.y, oracle::sigmoid(z2_p), "new error"};
    m["J"] = {"0.011", e.J, 0.5L * (y_p - t) * (y_p - t), "carried forward"};
    m["delta2"] = {"0.013", e.delta2, (y_p - t) * sigma_prime(z2_p), "new error"};

    const char* W1_text[2][3] = {{"0.099", "0.198", "0.297"}, {"0.396", "0.495", "0.594"}};
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
            m["W1_new[" + std::to_string(i) + "][" + std::to_string(j) + "]"] = {
                W1_text[i][j], e.W1_new[i][j], e.W1[i][j] - alpha * e.x[i] * delta1_p[j],
                "new error"};
    const char* W2_text[3] = {"0.700", "0.799", "0.898"};
    const char* W2_verdict[3] = {"new error", "correct", "new error"};
    for (int j = 0; j < 3; ++j)
        m["W2_new[" + std::to_string(j) + "][0]"] = {
            W2_text[j], e.W2_new[j], e.W2[j] - alpha * a1_p[j] * delta2_p, W2_verdict[j]};
    return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_printed_number_is_listed_once_in_order) {
    const json list = run_json(BACKPROP_ERRATA);
    BOOST_TEST_REQUIRE(list.is_array());
    std::vector<std::string> quantities;
    for (const json& e : list)
        quantities.push_back(e["quantity"]);
    const std::vector<std::string> article_order{"z1[0]",
                                                 "z1[1]",
                                                 "z1[2]",
                                                 "a1[0]",
                                                 "a1[1]",
                                                 "a1[2]",
                                                 "z2",
                                                 "y",
                                                 "J",
                                                 "delta2",
                                                 "delta1[0]",
                                                 "delta1[1]",
                                                 "delta1[2]",
                                                 "W1_new[0][0]",
                                                 "W1_new[0][1]",
                                                 "W1_new[0][2]",
                                                 "W1_new[1][0]",
                                                 "W1_new[1][1]",
                                                 "W1_new[1][2]",
                                                 "W2_new[0][0]",
                                                 "W2_new[1][0]",
                                                 "W2_new[2][0]"};
    BOOST_TEST(quantities == article_order, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(values_and_verdicts) {
    const json list = run_json(BACKPROP_ERRATA);
    const auto expected = expected_errata();
    BOOST_TEST_REQUIRE(list.size() == expected.size());
    for (const json& entry : list) {
        const std::string quantity = entry["quantity"];
        BOOST_TEST_CONTEXT(quantity) {
            BOOST_TEST_REQUIRE(expected.count(quantity) == 1u);
            const Expected& x = expected.at(quantity);
            BOOST_TEST(entry["printed_text"].get<std::string>() == x.printed);
            pinned::check("printed", entry["printed"].get<double>(), std::stold(x.printed));
            pinned::check("computed", entry["computed"].get<double>(), x.computed);
            pinned::check("from_printed", entry["from_printed"].get<double>(), x.from_printed);

            // The verdicts, derived from the oracle ...
            const bool ok = printed_as(x.computed, x.printed);
            const bool follows = printed_as(x.from_printed, x.printed);
            BOOST_TEST(entry["ok"].get<bool>() == ok);
            BOOST_TEST(entry["follows_from_printed"].get<bool>() == follows);
            // ... and as worked out by hand.
            BOOST_TEST(entry["verdict"].get<std::string>() == x.verdict);
            BOOST_TEST(ok == (x.verdict == "correct"));
        }
    }
}

BOOST_AUTO_TEST_CASE(text_names_the_first_error) {
    const ProgramResult result = run_program(BACKPROP_ERRATA);
    BOOST_TEST_REQUIRE(result.exit_status == 0);
    BOOST_TEST(result.out.find("1 of 22 printed numbers are correct.") != std::string::npos,
               result.out);
    BOOST_TEST(result.out.find("first goes wrong at z1[0]") != std::string::npos, result.out);
}
