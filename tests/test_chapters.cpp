// The chapter programs: each runs, prints its steps, answers --help, rejects bad arguments
// with exit status 2, and its --json holds the worked example's values, pinned to the
// independent long-double derivation at 1e-12 relative.
#define BOOST_TEST_MODULE chapters
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "chapter_json.hpp"
#include "pinned.hpp"
#include "run_program.hpp"

namespace data = boost::unit_test::data;
using nlohmann::json;
using pinned::check;

namespace {

const oracle::WorkedExample expected;

/// A test that limits a program's address space is skipped, and says why, where that cannot
/// be done.
boost::test_tools::assertion_result address_space_limits(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result can(address_space_can_be_limited);
    if (!can) can.message() << "AddressSanitizer reserves the address space a limit would cap";
    return can;
}

// The programs that run in a moment with their defaults and need no data. Chapter 9 trains
// on Fashion-MNIST for half a minute by default and chapter 10 reads it too; they have tests
// of their own (test_fashion, test_fashion_real, test_vanishing).
const std::vector<std::string> quick_programs{
    BACKPROP_CH01_NEURON,      BACKPROP_CH02_FORWARD,
    BACKPROP_CH03_LOSS,        BACKPROP_CH04_GRADIENTS,
    BACKPROP_CH05_TRAINING,    BACKPROP_CH08_VECTORIZE,
    BACKPROP_CH06_ACTIVATIONS, BACKPROP_CH07_LEARNING_RATE,
    BACKPROP_CH11_AUTODIFF,    BACKPROP_ERRATA};
const std::vector<std::string> all_programs = [] {
    std::vector<std::string> all = quick_programs;
    all.push_back(BACKPROP_CH09_FASHION_MNIST);
    all.push_back(BACKPROP_CH10_VANISHING_GRADIENTS);
    return all;
}();

/// A flat JSON array of \p n numbers, checked entry by entry against \p expected.
void check_vector(const json& j, const std::string& name, const oracle::real* values,
                  std::size_t n) {
    BOOST_TEST_REQUIRE(j.contains(name), "missing key " << name);
    BOOST_TEST_REQUIRE(j[name].size() == n, name << " has " << j[name].size() << " entries");
    for (std::size_t i = 0; i < n; ++i)
        check(name + "[" + std::to_string(i) + "]", j[name][i].get<double>(), values[i]);
}

/// An array of rows, checked entry by entry against \p expected (rows x cols).
template <std::size_t Cols>
void check_matrix(const json& j, const std::string& name, const oracle::real (*values)[Cols],
                  std::size_t rows) {
    BOOST_TEST_REQUIRE(j.contains(name), "missing key " << name);
    BOOST_TEST_REQUIRE(j[name].size() == rows, name << " has " << j[name].size() << " rows");
    for (std::size_t i = 0; i < rows; ++i) {
        BOOST_TEST_REQUIRE(j[name][i].size() == Cols);
        for (std::size_t k = 0; k < Cols; ++k)
            check(name + "[" + std::to_string(i) + "][" + std::to_string(k) + "]",
                  j[name][i][k].get<double>(), values[i][k]);
    }
}

/// A column (n x 1) as an array of one-entry rows.
void check_column(const json& j, const std::string& name, const oracle::real* values,
                  std::size_t n) {
    BOOST_TEST_REQUIRE(j[name].size() == n, name << " has " << j[name].size() << " rows");
    for (std::size_t i = 0; i < n; ++i) {
        BOOST_TEST_REQUIRE(j[name][i].size() == 1u);
        check(name + "[" + std::to_string(i) + "][0]", j[name][i][0].get<double>(), values[i]);
    }
}

}  // namespace

BOOST_DATA_TEST_CASE(runs_and_prints_text, data::make(quick_programs), program) {
    const ProgramResult result = run_program(program);
    BOOST_TEST(result.exit_status == 0, program << ": " << result.err);
    BOOST_TEST(result.out.size() > 200u, program << " printed only: " << result.out);
    BOOST_TEST(result.err.empty());
    BOOST_TEST(result.out.find("nan") == std::string::npos);
}

BOOST_DATA_TEST_CASE(help_prints_usage, data::make(all_programs), program) {
    const ProgramResult result = run_program(program, {"--help"});
    BOOST_TEST(result.exit_status == 0);
    BOOST_TEST(result.out.find("Usage:") != std::string::npos, result.out);
    BOOST_TEST(result.out.find("--json") != std::string::npos, result.out);
}

BOOST_DATA_TEST_CASE(an_unknown_option_exits_2, data::make(all_programs), program) {
    const ProgramResult result = run_program(program, {"--no-such-option"});
    BOOST_TEST(result.exit_status == 2);
    BOOST_TEST(result.out.empty(), "stdout must stay clean: " << result.out);
    BOOST_TEST(result.err.find("error:") != std::string::npos, result.err);
    BOOST_TEST(result.err.find("--no-such-option") != std::string::npos, result.err);
    BOOST_TEST(result.err.find("Usage:") != std::string::npos, result.err);
}

// Each malformed value, with the option the message must name.
struct BadArguments {
    std::string program;
    std::vector<std::string> arguments;
    std::string named;
};
std::ostream& operator<<(std::ostream& out, const BadArguments& bad) {
    out << bad.program;
    for (const auto& a : bad.arguments)
        out << ' ' << a;
    return out;
}

BOOST_DATA_TEST_CASE(
    a_malformed_number_exits_2,
    data::make(std::vector<BadArguments>{
        {BACKPROP_CH05_TRAINING, {"--epochs", "ten"}, "--epochs"},
        {BACKPROP_CH05_TRAINING, {"--epochs", "0"}, "--epochs"},
        {BACKPROP_CH05_TRAINING, {"--epochs", "2.5"}, "--epochs"},
        {BACKPROP_CH05_TRAINING, {"--lr", "fast"}, "--lr"},
        {BACKPROP_CH05_TRAINING, {"--lr", "-0.1"}, "--lr"},
        {BACKPROP_CH05_TRAINING, {"--lr", "nan"}, "--lr"},
        {BACKPROP_CH05_TRAINING, {"--lr", "inf"}, "--lr"},
        {BACKPROP_CH05_TRAINING, {"--lr", "0.1x"}, "--lr"},
        {BACKPROP_CH05_TRAINING, {"--seed", "abc"}, "--seed"},
        {BACKPROP_CH05_TRAINING, {"--seed", "-1"}, "--seed"},
        {BACKPROP_CH05_TRAINING, {"--print-every", "0"}, "--print-every"},
        {BACKPROP_CH01_NEURON, {"--points", "1,two"}, "--points"},
        {BACKPROP_CH08_VECTORIZE, {"--samples", "0"}, "--samples"},
        {BACKPROP_CH08_VECTORIZE, {"--batch", "many"}, "--batch"},
        {BACKPROP_CH08_VECTORIZE, {"--sizes", "784"}, "--sizes"},
        {BACKPROP_CH08_VECTORIZE, {"--sizes", "784,-5,10"}, "--sizes"},
        {BACKPROP_CH08_VECTORIZE, {"--implementations", "cuda"}, "--implementations"},
        {BACKPROP_CH08_VECTORIZE, {"--threads", "0"}, "--threads"},
        {BACKPROP_CH09_FASHION_MNIST, {"--threads", "-1"}, "--threads"},
        {BACKPROP_CH09_FASHION_MNIST, {"--precision", "double"}, "--precision"},
        {BACKPROP_CH10_VANISHING_GRADIENTS, {"--threads", "1025"}, "--threads"},
        // The shared training options: one set of limits, negative numbers never wrapped.
        {BACKPROP_CH09_FASHION_MNIST, {"--seed", "-1"}, "--seed"},
        {BACKPROP_CH09_FASHION_MNIST, {"--epochs", "10001"}, "--epochs"},
        {BACKPROP_CH09_FASHION_MNIST, {"--batch", "0"}, "--batch"},
        {BACKPROP_CH09_FASHION_MNIST, {"--lr", "nan"}, "--lr"},
        {BACKPROP_CH06_ACTIVATIONS, {"--seed", "-1"}, "--seed"},
        {BACKPROP_CH10_VANISHING_GRADIENTS, {"--seed", "-2"}, "--seed"},
        {BACKPROP_CH10_VANISHING_GRADIENTS, {"--batch", "1"}, "--batch"},
        {BACKPROP_CH10_VANISHING_GRADIENTS, {"--epochs", "10001"}, "--epochs"},
        // Accepted once and meaning nothing. An empty list item, never dropped:
        {BACKPROP_CH09_FASHION_MNIST, {"--hidden", "256,,128"}, "--hidden"},
        {BACKPROP_CH09_FASHION_MNIST, {"--hidden", "256,"}, "--hidden"},
        {BACKPROP_CH09_FASHION_MNIST, {"--hidden", ",256"}, "--hidden"},
        {BACKPROP_CH08_VECTORIZE, {"--sizes", "784,,10"}, "--sizes"},
        {BACKPROP_CH08_VECTORIZE, {"--implementations", "naive,"}, "--implementations"},
        {BACKPROP_CH01_NEURON, {"--points", "1,,2"}, "--points"},
        {BACKPROP_CH07_LEARNING_RATE, {"--rates", "0.1,,1"}, "--rates"},
        // a negative count, never wrapped:
        {BACKPROP_CH09_FASHION_MNIST, {"--train-samples", "-1"}, "--train-samples"},
        {BACKPROP_CH06_ACTIVATIONS, {"--steps", "-1"}, "--steps"},
        // NaN and infinities, which pass every comparison:
        {BACKPROP_CH09_FASHION_MNIST, {"--momentum", "nan"}, "--momentum"},
        {BACKPROP_CH09_FASHION_MNIST, {"--weight-decay", "-nan"}, "--weight-decay"},
        {BACKPROP_CH09_FASHION_MNIST, {"--momentum", "inf"}, "--momentum"},
        {BACKPROP_CH01_NEURON, {"--points", "nan"}, "--points"},
        {BACKPROP_CH01_NEURON, {"--points", "0,inf"}, "--points"},
        {BACKPROP_CH07_LEARNING_RATE, {"--rates", "nan"}, "--rates"},
        // an empty value:
        {BACKPROP_CH09_FASHION_MNIST, {"--save", ""}, "--save"},
        {BACKPROP_CH09_FASHION_MNIST, {"--load", ""}, "--load"},
        {BACKPROP_CH09_FASHION_MNIST, {"--data", ""}, "--data"},
        {BACKPROP_CH02_FORWARD, {"--json-file", ""}, "--json-file"},
        // training flags with --load, which evaluates and does not train:
        {BACKPROP_CH09_FASHION_MNIST, {"--load", "m.bpmlp", "--hidden", "10"}, "--hidden"},
        {BACKPROP_CH09_FASHION_MNIST, {"--load", "m.bpmlp", "--epochs", "3"}, "--epochs"},
        {BACKPROP_CH09_FASHION_MNIST, {"--lr", "0.1", "--load", "m.bpmlp"}, "--lr"},
        // a destination bound to fail, refused before the run that would write it:
        {BACKPROP_CH09_FASHION_MNIST, {"--save", "no-such-folder/model.bpmlp"}, "--save"},
        {BACKPROP_CH09_FASHION_MNIST, {"--save", "/tmp/"}, "--save"},
        {BACKPROP_CH09_FASHION_MNIST, {"--csv", "/tmp"}, "--csv"},
        {BACKPROP_CH09_FASHION_MNIST,
         {"--misclassified", "no-such-folder/x.png"},
         "--misclassified"},
        {BACKPROP_CH02_FORWARD, {"--json-file", "no-such-folder/x.json"}, "--json-file"},
        // a number outside its type, with the range in the message:
        {BACKPROP_CH05_TRAINING, {"--seed", "4294967296"}, "from 0 to 4294967295"},
        {BACKPROP_CH05_TRAINING, {"--print-every", "0"}, "from 1 to 10000"},
    }),
    bad) {
    const ProgramResult result = run_program(bad.program, bad.arguments);
    BOOST_TEST(result.exit_status == 2);
    BOOST_TEST(result.out.empty(), "stdout must stay clean: " << result.out);
    const std::string first_line = result.err.substr(0, result.err.find('\n'));
    BOOST_TEST(first_line.find("error:") != std::string::npos, result.err);
    BOOST_TEST(first_line.find(bad.named) != std::string::npos, first_line);
    BOOST_TEST(result.err.find("Usage:") != std::string::npos, result.err);
    // A limit is a number for people: never the 309 digits of the largest double.
    BOOST_TEST(first_line.size() < 200u, first_line);
}

// A number that is what it says is accepted: a subnormal learning rate is greater than 0.
BOOST_AUTO_TEST_CASE(a_tiny_learning_rate_is_a_learning_rate) {
    const ProgramResult result =
        run_program(BACKPROP_CH05_TRAINING, {"--lr", "1e-320", "--epochs", "1", "--json"});
    BOOST_TEST(result.exit_status == 0, result.err);
}

// Output that cannot be written is an error, never a silent success: stdout on a full device,
// and --json-file on one.
// (Chapters 9 and 10 need the data: test_fashion writes chapter 9's outputs to a full disk.)
BOOST_DATA_TEST_CASE(a_full_disk_is_reported, data::make(quick_programs), program) {
    for (const std::string redirect : {"--json >/dev/full", "--json-file /dev/full >/dev/null"}) {
        BOOST_TEST_CONTEXT(program << ' ' << redirect) {
            const ProgramResult result = run_shell(shell_quote(program) + ' ' + redirect);
            BOOST_TEST(result.exit_status == 1, result.err);
            BOOST_TEST(result.err.find("No space left on device") != std::string::npos, result.err);
        }
    }
}

// A network that cannot fit is refused from its sizes, within seconds, under an address-space
// limit that a regression to allocating first would hit at once.
BOOST_AUTO_TEST_CASE(a_network_too_large_is_refused_before_it_is_allocated,
                     *boost::unit_test::precondition(address_space_limits)) {
    const ProgramResult result = run_program(
        BACKPROP_CH08_VECTORIZE, {"--sizes", "1000000,1000000", "--samples", "64"}, 1024);
    BOOST_TEST(result.exit_status == 1, result.err);
    BOOST_TEST(result.err.find("1000000-1000000") != std::string::npos, result.err);
    BOOST_TEST(result.err.find("GiB") != std::string::npos, result.err);
    BOOST_TEST(result.err.find("bad_alloc") == std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(ch01_neuron_json) {
    const json j = run_json(BACKPROP_CH01_NEURON);
    check("z", j["z"].get<double>(), expected.z1[0]);
    check("a", j["a"].get<double>(), expected.a1[0]);
    check_vector(j, "x", expected.x, 2);
    const oracle::real w[2] = {expected.W1[0][0], expected.W1[1][0]};
    check_vector(j, "w", w, 2);

    const std::vector<double> points = j["points"];
    BOOST_TEST(points == (std::vector<double>{-2, -1, 0, 1, 2}), boost::test_tools::per_element());
    for (std::size_t i = 0; i < points.size(); ++i) {
        const oracle::real z = points[i], s = oracle::sigmoid(z), th = std::tanh(z);
        const auto& table = j["activations"];
        const std::string at = "[" + std::to_string(i) + "] at z = " + std::to_string(points[i]);
        check("sigmoid" + at, table["sigmoid"]["f"][i].get<double>(), s);
        check("sigmoid'" + at, table["sigmoid"]["df"][i].get<double>(), s * (1 - s));
        check("tanh" + at, table["tanh"]["f"][i].get<double>(), th);
        check("tanh'" + at, table["tanh"]["df"][i].get<double>(), 1 - th * th);
        check("relu" + at, table["relu"]["f"][i].get<double>(), z > 0 ? z : 0);
        check("relu'" + at, table["relu"]["df"][i].get<double>(), z > 0 ? 1 : 0);
        check("identity" + at, table["identity"]["f"][i].get<double>(), z);
        check("identity'" + at, table["identity"]["df"][i].get<double>(), 1);
    }
}

BOOST_AUTO_TEST_CASE(ch01_neuron_takes_other_points) {
    const json j = run_json(BACKPROP_CH01_NEURON, {"--points", "0.25,-3"});
    BOOST_TEST_REQUIRE(j["points"].size() == 2u);
    check("sigmoid(-3)", j["activations"]["sigmoid"]["f"][1].get<double>(), oracle::sigmoid(-3));
}

BOOST_AUTO_TEST_CASE(ch02_forward_json) {
    const json j = run_json(BACKPROP_CH02_FORWARD);
    check_vector(j, "z1", expected.z1, 3);
    check_vector(j, "a1", expected.a1, 3);
    check_vector(j, "z2", &expected.z2, 1);
    check_vector(j, "y", &expected.y, 1);
}

BOOST_AUTO_TEST_CASE(ch03_loss_json) {
    const json j = run_json(BACKPROP_CH03_LOSS);
    check("J", j["J"].get<double>(), expected.J);
    check_vector(j, "dJ_dy", &expected.dJ_dy, 1);
    check_vector(j, "dJ_dz2", &expected.delta2, 1);
    check("J_cross_entropy", j["J_cross_entropy"].get<double>(), expected.cross_entropy());
    // Through a sigmoid, cross-entropy's dJ/dz2 is y − t: the σ'(z2) factor cancels.
    check_vector(j, "dJ_cross_entropy_dz2", &expected.dJ_dy, 1);
}

BOOST_AUTO_TEST_CASE(ch04_gradients_json) {
    const json j = run_json(BACKPROP_CH04_GRADIENTS);
    check_vector(j, "delta2", &expected.delta2, 1);
    check_vector(j, "dJ_da1", expected.dJ_da1, 3);
    check_vector(j, "delta1", expected.delta1, 3);
    check_matrix(j, "dJ_dW1", expected.dJ_dW1, 2);
    check_column(j, "dJ_dW2", expected.dJ_dW2, 3);
    check_matrix(j, "W1_new", expected.W1_new, 2);
    check_column(j, "W2_new", expected.W2_new, 3);
    // The library's σ is evaluated with vector instructions (activation_many.cpp), whose last
    // bits may differ from the scalar exp's: agreement to rounding, 1e-15 of the largest entry.
    double largest = 0.0;
    for (std::size_t k = 0; k < 3; ++k)
        largest = std::max({largest, double(std::abs(expected.dJ_dW1[0][k])),
                            double(std::abs(expected.dJ_dW1[1][k])),
                            double(std::abs(expected.dJ_dW2[k]))});
    BOOST_TEST(j["library_max_difference"].get<double>() <= 1e-15 * largest);
    // Central differences with h = 1e-5 agree with backprop to ~1e-10 (see gradient_check.hpp).
    BOOST_TEST(j["gradient_check"]["entries"].size() == 9u);
    BOOST_TEST(j["gradient_check"]["max_relative_error"].get<double>() < 1e-7);
}

// One weight all the way back: ∂J/∂W1[0][0] as the product of the local derivatives along its
// path W1[0][0] -> z1[0] -> a1[0] -> z2 -> y -> J, each factor pinned to the oracle, and the
// product equal to the entry of ∂J/∂W1 = xᵀ δ1.
BOOST_AUTO_TEST_CASE(ch04_gradients_chain_of_one_weight) {
    const json j = run_json(BACKPROP_CH04_GRADIENTS);
    BOOST_TEST_REQUIRE(j.contains("chain"));
    const json& chain = j["chain"];
    BOOST_TEST(chain["weight"].get<std::string>() == "W1[0][0]");
    check("∂J/∂y = y − t", chain["dJ_dy"].get<double>(), expected.y - expected.t);
    check("∂y/∂z2 = σ'(z2)", chain["dy_dz2"].get<double>(),
          oracle::sigmoid(expected.z2) * (1 - oracle::sigmoid(expected.z2)));
    check("∂z2/∂a1[0] = W2[0][0]", chain["dz2_da1_0"].get<double>(), expected.W2[0]);
    check("∂a1[0]/∂z1[0] = σ'(z1[0])", chain["da1_0_dz1_0"].get<double>(),
          oracle::sigmoid(expected.z1[0]) * (1 - oracle::sigmoid(expected.z1[0])));
    check("∂z1[0]/∂W1[0][0] = x[0]", chain["dz1_0_dW1_0_0"].get<double>(), expected.x[0]);
    const oracle::real product = expected.dJ_dy * expected.sigma_prime_z2 * expected.W2[0] *
                                 expected.sigma_prime_z1[0] * expected.x[0];
    check("product", chain["product"].get<double>(), product);
    // The chain rule along one path is the four equations' entry (0, 0): in the oracle, and in
    // the program, where both are the same products in the same order.
    check("oracle's product against its ∂J/∂W1[0][0]", double(product), expected.dJ_dW1[0][0]);
    BOOST_TEST(chain["product"].get<double>() == j["dJ_dW1"][0][0].get<double>(),
               boost::test_tools::tolerance(1e-15));
}

// --dot draws the backward pass: a Graphviz graph with every δ and every weight gradient on
// it, each written to five significant digits as the book prints numbers.
BOOST_AUTO_TEST_CASE(ch04_gradients_draws_the_backward_pass) {
    namespace fs = std::filesystem;
    const fs::path dot =
        fs::temp_directory_path() / ("backprop-ch04-" + std::to_string(::getpid()) + ".dot");
    const ProgramResult result =
        run_program(BACKPROP_CH04_GRADIENTS, {"--json", "--dot", dot.string()});
    std::ifstream in(dot);
    std::ostringstream text;
    text << in.rdbuf();
    fs::remove(dot);
    BOOST_TEST_REQUIRE(result.exit_status == 0, result.err);
    BOOST_TEST(nlohmann::json::accept(result.out), "--dot must leave stdout to --json");
    const std::string graph = text.str();
    BOOST_TEST(graph.find("digraph backward {") != std::string::npos, graph);
    const auto shows = [&](const std::string& what, oracle::real value) {
        std::ostringstream cell;
        cell << std::setprecision(5) << static_cast<double>(value) << "</TD>";
        BOOST_TEST(graph.find(cell.str()) != std::string::npos, what << " missing: " << cell.str());
    };
    shows("∂J/∂y", expected.dJ_dy);
    shows("δ2", expected.delta2);
    for (std::size_t k = 0; k < 3; ++k) {
        shows("∂J/∂a1[" + std::to_string(k) + "]", expected.dJ_da1[k]);
        shows("δ1[" + std::to_string(k) + "]", expected.delta1[k]);
        shows("∂J/∂W2[" + std::to_string(k) + "]", expected.dJ_dW2[k]);
        for (std::size_t i = 0; i < 2; ++i)
            shows("∂J/∂W1[" + std::to_string(i) + "][" + std::to_string(k) + "]",
                  expected.dJ_dW1[i][k]);
    }
}

// A destination --dot cannot write is refused before the run, like every output option, and a
// failed write is an error.
BOOST_AUTO_TEST_CASE(ch04_gradients_refuses_an_unwritable_dot_file) {
    for (const std::string destination : {"no-such-folder/backward.dot", "/tmp/", ""}) {
        BOOST_TEST_CONTEXT("--dot '" << destination << "'") {
            const ProgramResult result =
                run_program(BACKPROP_CH04_GRADIENTS, {"--dot", destination});
            BOOST_TEST(result.exit_status == 2);
            BOOST_TEST(result.out.empty(), "stdout must stay clean: " << result.out);
            const std::string first_line = result.err.substr(0, result.err.find('\n'));
            BOOST_TEST(first_line.find("--dot") != std::string::npos, result.err);
        }
    }
    // A write that fails at the end is reported too, never a silent success.
    const ProgramResult full = run_program(BACKPROP_CH04_GRADIENTS, {"--dot", "/dev/full"});
    BOOST_TEST(full.exit_status == 1, full.err);
    BOOST_TEST(full.err.find("No space left on device") != std::string::npos, full.err);
}

// Chapter 8 times the implementations; their numbers must be the same computation's.
// Chapter 11: the scalar graph, the tape and the hand-written pass give the worked example's
// gradients; the graph's nodes carry the oracle's values and derivatives; fan-out, the two
// modes and the training run agree as the chapter says.
BOOST_AUTO_TEST_CASE(ch11_autodiff_json) {
    const json j = run_json(BACKPROP_CH11_AUTODIFF, {"--samples", "640"});
    check("J", j["scalar"]["J"].get<double>(), expected.J);
    check("tape J", j["tape"]["J"].get<double>(), expected.J);
    for (const char* who : {"scalar", "tape", "hand"}) {
        const json& g = j["gradients"][who];
        check_matrix(g, "dJ_dW1", expected.dJ_dW1, 2);
        check_column(g, "dJ_dW2", expected.dJ_dW2, 3);
    }
    BOOST_TEST(j["gradients"]["max_relative_difference"].get<double>() <= 1e-15);

    // The nodes: each after its operands, and the named ones holding the oracle's numbers.
    const json& nodes = j["scalar"]["nodes"];
    BOOST_TEST(nodes.size() == j["scalar"]["node_count"].get<std::size_t>());
    std::map<std::string, const json*> named;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        for (const auto& operand : nodes[k]["operands"])
            BOOST_TEST(operand.get<std::size_t>() < k, "node " << k << " before its operand");
        named[nodes[k]["name"].get<std::string>()] = &nodes[k];
    }
    BOOST_TEST(nodes.back()["name"] == "J");
    BOOST_TEST(nodes.back()["grad"].get<double>() == 1.0);
    const auto node = [&](const std::string& name) -> const json& {
        BOOST_TEST_REQUIRE(named.count(name) == 1u, "no node " << name);
        return *named[name];
    };
    check("y", node("y[0]")["value"].get<double>(), expected.y);
    check("∂J/∂y", node("y[0]")["grad"].get<double>(), expected.dJ_dy);
    check("∂J/∂z2", node("z2[0]")["grad"].get<double>(), expected.delta2);
    for (std::size_t k = 0; k < 3; ++k) {
        const std::string i = "[" + std::to_string(k) + "]";
        check("z1" + i, node("z1" + i)["value"].get<double>(), expected.z1[k]);
        check("∂J/∂a1" + i, node("a1" + i)["grad"].get<double>(), expected.dJ_da1[k]);
        check("∂J/∂z1" + i, node("z1" + i)["grad"].get<double>(), expected.delta1[k]);
    }

    // Fan-out: ∂J/∂x_i = Σ_j W1[i][j] δ1[j]; assigning keeps the path visited last, through
    // neuron 0 (the first in topological order), and leaves every weight's gradient alone.
    for (std::size_t i = 0; i < 2; ++i) {
        oracle::real sum = 0;
        for (std::size_t k = 0; k < 3; ++k)
            sum += expected.W1[i][k] * expected.delta1[k];
        check("∂J/∂x", j["fan_out"]["dJ_dx"][i].get<double>(), sum);
        check("∂J/∂x by hand", j["fan_out"]["dJ_dx_hand"][i].get<double>(), sum);
        check("∂J/∂x assigned", j["fan_out"]["dJ_dx_assign"][i].get<double>(),
              expected.W1[i][0] * expected.delta1[0]);
    }
    check_matrix(j["fan_out"], "dJ_dW1_assign", expected.dJ_dW1, 2);

    // σ composed from primitives: σ(z2) = y and σ'(z2).
    const json& composed = j["composed_sigmoid"];
    check("σ(z2), composed", composed["value_composed"].get<double>(), expected.y);
    check("σ'(z2), chain rule", composed["derivative_composed"].get<double>(),
          expected.sigma_prime_z2);
    check("σ'(z2), primitive", composed["derivative_primitive"].get<double>(),
          expected.sigma_prime_z2);

    // The modes: the parameters of 784-256-128-10, and one entry both ways.
    const json& modes = j["modes"];
    BOOST_TEST(modes["parameters"].get<std::size_t>() ==
               784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    const double reverse = modes["reverse_value"].get<double>();
    BOOST_TEST(std::abs(modes["forward_value"].get<double>() - reverse) <=
               1e-13 * std::abs(reverse));
    BOOST_TEST(modes["reverse_mode_flops"].get<double>() ==
               modes["forward_flops"].get<double>() + modes["backward_flops"].get<double>());
    BOOST_TEST(modes["forward_over_reverse"].get<double>() > 1e4);

    // The timed runs train the same weights, and chapter 5's curve is followed exactly.
    BOOST_TEST(j["speed"]["tape_max_weight_difference"].get<double>() == 0.0);
    BOOST_TEST(j["speed"]["fused_max_weight_difference"].get<double>() <= 1e-12);
    BOOST_TEST(j["speed"]["tape_epoch_seconds"].get<double>() > 0.0);
    BOOST_TEST(j["training"]["max_loss_difference"].get<double>() <= 1e-12 * expected.J);
}

// With --hidden tanh every value follows from a derivation written here in long double.
BOOST_AUTO_TEST_CASE(ch11_autodiff_with_a_tanh_hidden_layer) {
    const json j = run_json(BACKPROP_CH11_AUTODIFF, {"--hidden", "tanh", "--samples", "64"});
    oracle::real a1[3], z2 = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        a1[k] = std::tanh(expected.z1[k]);
        z2 += a1[k] * expected.W2[k];
    }
    const oracle::real y = 1 / (1 + std::exp(-z2));
    const oracle::real delta2 = (y - expected.t) * y * (1 - y);
    oracle::real dW1[2][3], dW2[3];
    for (std::size_t k = 0; k < 3; ++k) {
        dW2[k] = a1[k] * delta2;
        for (std::size_t i = 0; i < 2; ++i)
            dW1[i][k] = expected.x[i] * delta2 * expected.W2[k] * (1 - a1[k] * a1[k]);
    }
    BOOST_TEST(j["hidden"] == "tanh");
    for (const char* who : {"scalar", "tape", "hand"}) {
        check_matrix(j["gradients"][who], "dJ_dW1", dW1, 2);
        check_column(j["gradients"][who], "dJ_dW2", dW2, 3);
    }
    check("J", j["scalar"]["J"].get<double>(), (y - expected.t) * (y - expected.t) / 2);
}

BOOST_AUTO_TEST_CASE(ch11_autodiff_draws_the_scalar_graph) {
    namespace fs = std::filesystem;
    const fs::path dot =
        fs::temp_directory_path() / ("backprop-ch11-" + std::to_string(::getpid()) + ".dot");
    const ProgramResult result =
        run_program(BACKPROP_CH11_AUTODIFF, {"--json", "--samples", "64", "--dot", dot.string()});
    std::ifstream in(dot);
    std::ostringstream text;
    text << in.rdbuf();
    fs::remove(dot);
    BOOST_TEST_REQUIRE(result.exit_status == 0, result.err);
    const json j = json::parse(result.out);
    const std::string graph = text.str();
    BOOST_TEST(graph.find("digraph autodiff {") != std::string::npos, graph);
    // A node statement per node, an arrow per operand.
    std::size_t operands = 0;
    for (const auto& node : j["scalar"]["nodes"])
        operands += node["operands"].size();
    std::size_t arrows = 0, boxes = 0;
    for (std::size_t at = graph.find(" -> "); at != std::string::npos;
         at = graph.find(" -> ", at + 1))
        ++arrows;
    for (std::size_t at = graph.find("[label = \"#"); at != std::string::npos;
         at = graph.find("[label = \"#", at + 1))
        ++boxes;
    BOOST_TEST(arrows == operands);
    BOOST_TEST(boxes == j["scalar"]["nodes"].size());
}

BOOST_AUTO_TEST_CASE(ch08_vectorize_json) {
    const json j = run_json(BACKPROP_CH08_VECTORIZE,
                            {"--samples", "256", "--sizes", "50,20,10", "--threads", "2"});
    const auto& list = j["implementations"];
    BOOST_TEST_REQUIRE(list.size() >= 3u);
    BOOST_TEST(list[0]["name"].get<std::string>() == "naive");
    BOOST_TEST(j["samples_timed"].get<int>() == 256);
    // Forward 2(50*20 + 20*10) and backward 2(50*20 + 20*10) + 2(20*10) per sample, over a
    // 60 000-sample epoch.
    const double flops_per_sample = 2.0 * (1000 + 200) * 2 + 2.0 * 200;
    BOOST_TEST(j["gflop_per_epoch"].get<double>() == 60000 * flops_per_sample / 1e9,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(j["peak_gflops"].get<double>() > 0.0);
    BOOST_TEST(j["peak_float32_gflops"].get<double>() > 0.0);
    const double loss = list[0]["final_loss"].get<double>();
    // What the kernels were compiled for, against the build's own setting (BACKPROP_NATIVE).
    const auto peak_instruction = j["peak_instruction"].get<std::string>();
    BOOST_TEST(j["native"].get<bool>() == (BACKPROP_NATIVE_BUILD == 1));
    if (!BACKPROP_NATIVE_BUILD) {
        // Portable x86-64 has SSE2 and no FMA, whatever the CPU has.
        BOOST_TEST(j["compiled_for"].get<std::string>() == "portable x86-64");
        BOOST_TEST(peak_instruction == "SSE2 multiply and add");
    } else if (std::string_view(BACKPROP_NATIVE_FLAGS) == "-march=native") {
        // Compiled for this CPU: the loop uses the widest multiply-add the CPU reports.
        BOOST_TEST(j["compiled_for"].get<std::string>().starts_with("this CPU (-march=native: "));
        BOOST_TEST(peak_instruction == j["cpu_instruction"].get<std::string>());
    }
    for (const json& implementation : list) {
        BOOST_TEST_CONTEXT(implementation["name"].get<std::string>()) {
            // The same steps on the same data: the same loss, to rounding.
            BOOST_TEST(implementation["final_loss"].get<double>() == loss,
                       boost::test_tools::tolerance(1e-12));
            BOOST_TEST(implementation["epoch_seconds"].get<double>() > 0.0);
            BOOST_TEST(implementation["gflops"].get<double>() > 0.0);
        }
    }
    // The targets are judged on the fastest implementation, from the table's own numbers.
    const json& targets = j["targets"];
    const json* fastest = &list[0];
    for (const json& implementation : list)
        if (implementation["seconds"].get<double>() < (*fastest)["seconds"].get<double>())
            fastest = &implementation;
    BOOST_TEST(targets["fastest"] == (*fastest)["name"]);
    const double best_speedup = (*fastest)["speedup"].get<double>();
    const double best_percent = (*fastest)["percent_of_peak"].get<double>();
    BOOST_TEST(targets["speedup"]["best_speedup"].get<double>() == best_speedup,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(targets["speedup"]["verdict"] == (best_speedup >= 20 ? "met" : "not met"));
    BOOST_TEST(targets["speedup"]["needs_percent_of_peak"].get<double>() ==
                   20 * list[0]["percent_of_peak"].get<double>(),
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(targets["percent_of_peak"]["best_percent_of_peak"].get<double>() == best_percent,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(targets["percent_of_peak"]["verdict"] == (best_percent >= 40 ? "met" : "not met"));

    // float32: the GEMM engines again, where the build has them, against the float32 peak. The
    // same 5 steps (the untimed first one included) in float: each step's rounding is within
    // c u of the double one's scale, c = (50 + 20) + (20 + 10) + 10 + 8 * 2 = 126 (as in
    // test_precision), so the final loss within 5 c u, relative.
    const double u = std::numeric_limits<float>::epsilon() / 2;
    const json& f32 = j["float32"];
    for (const json& t : f32) {
        BOOST_TEST_CONTEXT("float32 " << t["name"].get<std::string>()) {
            BOOST_TEST(t["final_loss"].get<double>() == loss,
                       boost::test_tools::tolerance(5 * 126 * u));
            BOOST_TEST(t["percent_of_peak"].get<double>() ==
                           100 * t["gflops"].get<double>() / j["peak_float32_gflops"].get<double>(),
                       boost::test_tools::tolerance(1e-12));
        }
    }
    if (f32.empty()) {
        BOOST_TEST(j["threads"].is_null());
        BOOST_TEST(!targets.contains("float32_percent_of_peak"));
        return;
    }
    const json& threads = j["threads"];
    BOOST_TEST(threads["threads"] == 2);
    BOOST_TEST(
        threads["speedup"].get<double>() == threads["one_thread_epoch_seconds"].get<double>() /
                                                threads["epoch_seconds"].get<double>(),
        boost::test_tools::tolerance(1e-9));
    const json& f32_target = targets["float32_percent_of_peak"];
    BOOST_TEST(f32_target["engine"] == threads["engine"]);
    const double f32_best = f32_target["best_percent_of_peak"].get<double>();
    BOOST_TEST(f32_target["verdict"] == (f32_best >= 45 ? "met" : "not met"));
    for (const json& t : f32)
        BOOST_TEST(t["percent_of_peak"].get<double>() <= f32_best + 1e-9);
}
