// Numbers for people: labels padded by display width (UTF-8 aware), fixed-point numbers
// that line up, and scientific notation once fixed-point would print hundreds of digits.
// The expected text is written out here character by character.
#define BOOST_TEST_MODULE report
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>

#include <boost/test/unit_test.hpp>

#include "backprop/cli/report.hpp"

using namespace backprop;

namespace {

std::string printed(auto&& print) {
    std::ostringstream out;
    Report report(out, 8, 4);  // labels padded to 8 columns, 4 decimals
    print(report);
    return out.str();
}

}  // namespace

// Widths with 4 decimals: fixed-point numbers are at least 7 characters, scientific ones
// (2 decimals) too; labels are padded to 8 columns, then 2 spaces before a number.
BOOST_AUTO_TEST_CASE(labels_are_padded_by_what_a_terminal_shows) {
    BOOST_TEST(display_width("W1") == 2u);
    BOOST_TEST(display_width("σ(z)") == 4u);  // σ is two bytes, one column
    BOOST_TEST(display_width("½ (y − t)²") == 10u);
    BOOST_TEST(printed([](Report& r) { r.value("σ(z)", 0.5); }) ==
               "  σ(z)" + std::string(4, ' ') + "  " + " 0.5000\n");
}

// A value in words starts where a number's field starts (its sign column), after the same
// padded label and 2 spaces.
BOOST_AUTO_TEST_CASE(a_value_in_words_starts_in_the_numbers_field) {
    BOOST_TEST(printed([](Report& r) {
                   r.value("σ(z)", 0.5);
                   r.value("target", "portable x86-64");
               }) ==
               "  σ(z)       0.5000\n"
               "  target    portable x86-64\n");
}

BOOST_AUTO_TEST_CASE(ordinary_numbers_are_fixed_point) {
    const Report r(std::cout, 8, 4);
    BOOST_TEST(r.number(0.0) == " 0.0000");
    BOOST_TEST(r.number(-0.12345) == "-0.1235");  // 0.12345 is just above ...1234|5 in binary
    BOOST_TEST(r.number(999999.0) == "999999.0000");
}

BOOST_AUTO_TEST_CASE(huge_numbers_are_scientific) {
    const Report r(std::cout, 8, 4);
    BOOST_TEST(r.number(1e6) == "1.00e+06");
    BOOST_TEST(r.number(-1.0366645e308) == "-1.04e+308");
    BOOST_TEST(r.number(std::numeric_limits<double>::infinity()) == "    inf");
    BOOST_TEST(r.number(std::nan("")) == "    nan");
}

// A table's cells follow the same rule, and a number wider than its column (1e7 in a rate
// column, 1e308) still leaves a space, where fixed-point would print 309 digits.
BOOST_AUTO_TEST_CASE(table_cells_never_run_together) {
    BOOST_TEST(table_cell(0.5, 8, 3) == "   0.500");
    BOOST_TEST(table_cell(999999.0, 9, 1) == " 999999.0");
    BOOST_TEST(table_cell(999999.0, 8, 1) == " 999999.0");  // would touch its neighbour
    BOOST_TEST(table_cell(1e7, 12, 6) == "  1.0000e+07");
    BOOST_TEST(table_cell(1e7, 8, 3) == " 1.0e+07");
    BOOST_TEST(table_cell(-1e308, 9, 4) == " -1.00e+308");
    BOOST_TEST(table_cell(std::nan(""), 6, 2) == "   nan");
}

BOOST_AUTO_TEST_CASE(a_matrix_keeps_one_notation_and_one_width) {
    BOOST_TEST(printed([](Report& r) {
                   r.value("W", matrix_from_rows({{0.5, -1.25}, {2, 3}}));
               }) ==
               "  W       [  0.5000 -1.2500 ]\n"
               "          [  2.0000  3.0000 ]\n");
    BOOST_TEST(printed([](Report& r) {
                   r.value("W", matrix_from_rows({{0.5, -12.5}, {2, 3}}));
               }) ==
               "  W       [   0.5000 -12.5000 ]\n"
               "          [   2.0000   3.0000 ]\n");
    BOOST_TEST(printed([](Report& r) {
                   r.value("W", matrix_from_rows({{0.5, -2e7}, {2, 3}}));
               }) ==
               "  W       [  5.00e-01 -2.00e+07 ]\n"
               "          [  2.00e+00  3.00e+00 ]\n");
}

BOOST_AUTO_TEST_CASE(headings_are_underlined_to_their_width) {
    BOOST_TEST(printed([](Report& r) {
                   r.title("Ünïts");
                   r.section("Step 1");
                   r.text("a line");
               }) == "Ünïts\n=====\n\nStep 1\n------\n  a line\n");
}
