// The backpropagation calculator (tools/backprop_calculator): its values pinned against
// independent derivations (the article's example against the long-double oracle, the 2-2-2
// example against Mazur's published numbers and a long-double derivation written out here),
// its gradients on random networks against finite differences of a forward pass written
// here, its batch semantics, the check of a learner's numbers, every error message, and every
// shipped example.
#define BOOST_TEST_MODULE calculator
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "backprop/core/matrix.hpp"
#include "backprop/train/gradient_check.hpp"

#include "chapter_json.hpp"
#include "pinned.hpp"
#include "run_program.hpp"

namespace bdata = boost::unit_test::data;
using backprop::Matrix;
using backprop::Vector;
using nlohmann::json;
using oracle::real;

namespace {

const std::string program = BACKPROP_BACKPROP_CALCULATOR;
const std::string examples = BACKPROP_EXAMPLES;

std::string example(const std::string& name) {
    return examples + "/" + name;
}

/// A temporary file holding some text, removed when it goes out of scope.
class TempFile {
  public:
    explicit TempFile(const std::string& text) {
        char name[] = "/tmp/backprop-calculator-XXXXXX.json";
        const int fd = mkstemps(name, 5);
        if (fd < 0) throw std::runtime_error("cannot create a temporary file");
        close(fd);
        path_ = name;
        std::ofstream(path_) << text;
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

/// The calculator's --json output for the description \p text.
json calculate(const std::string& text) {
    const TempFile file(text);
    return run_json(program, {file.path()});
}

/// All numbers of a JSON number or (nested) array, in order.
std::vector<double> numbers(const json& v) {
    std::vector<double> out;
    if (v.is_number()) {
        out.push_back(v.get<double>());
    } else {
        for (const json& e : v)
            for (double x : numbers(e))
                out.push_back(x);
    }
    return out;
}

Matrix matrix_of(const json& rows) {
    Matrix m(rows.size(), rows.at(0).size());
    for (std::size_t i = 0; i < m.size1(); ++i)
        for (std::size_t j = 0; j < m.size2(); ++j)
            m(i, j) = rows.at(i).at(j).get<double>();
    return m;
}

Vector vector_of(const json& flat) {
    Vector v(flat.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v(i) = flat.at(i).get<double>();
    return v;
}

/// Pins every number of \p actual against \p expected, in order.
void pin(const std::string& what, const json& actual, const std::vector<real>& expected) {
    const std::vector<double> got = numbers(actual);
    BOOST_TEST_REQUIRE(got.size() == expected.size(),
                       what << ": " << got.size() << " values, " << expected.size() << " expected");
    for (std::size_t i = 0; i < got.size(); ++i)
        pinned::check(what + "[" + std::to_string(i) + "]", got[i], expected[i]);
}

// ---------------------------------------------------------------------------------------
// The article's worked example
// ---------------------------------------------------------------------------------------

void pin_article(const json& out) {
    const oracle::WorkedExample e;
    pin("z1", out["z1"], {e.z1[0], e.z1[1], e.z1[2]});
    pin("a1", out["a1"], {e.a1[0], e.a1[1], e.a1[2]});
    pin("z2", out["z2"], {e.z2});
    pin("a2", out["a2"], {e.y});
    pin("y", out["y"], {e.y});
    pin("J", out["J"], {e.J});
    pin("dJ_dy", out["dJ_dy"], {e.dJ_dy});
    pin("delta2", out["delta2"], {e.delta2});
    pin("delta1", out["delta1"], {e.delta1[0], e.delta1[1], e.delta1[2]});
    pin("dJ_dW1", out["dJ_dW1"],
        {e.dJ_dW1[0][0], e.dJ_dW1[0][1], e.dJ_dW1[0][2], e.dJ_dW1[1][0], e.dJ_dW1[1][1],
         e.dJ_dW1[1][2]});
    pin("dJ_dW2", out["dJ_dW2"], {e.dJ_dW2[0], e.dJ_dW2[1], e.dJ_dW2[2]});
    pin("W1_new", out["W1_new"],
        {e.W1_new[0][0], e.W1_new[0][1], e.W1_new[0][2], e.W1_new[1][0], e.W1_new[1][1],
         e.W1_new[1][2]});
    pin("W2_new", out["W2_new"], {e.W2_new[0], e.W2_new[1], e.W2_new[2]});
    // The biases, zero and absent in the article, get the gradients delta: dJ/db = delta.
    pin("dJ_db1", out["dJ_db1"], {e.delta1[0], e.delta1[1], e.delta1[2]});
    pin("dJ_db2", out["dJ_db2"], {e.delta2});
    // The shapes, in the book's JSON forms.
    BOOST_TEST(out["z1"].size() == 3u);
    BOOST_TEST(out["z1"][0].is_number());  // one sample: a flat array
    BOOST_TEST(out["W1_new"].size() == 2u);
    BOOST_TEST(out["W1_new"][0].size() == 3u);
    BOOST_TEST(out["W2_new"].size() == 3u);
    BOOST_TEST(out["W2_new"][0].size() == 1u);
    BOOST_TEST(out["batch_size"] == 1);
    BOOST_TEST(out["sizes"] == json({2, 3, 1}));
}

// ---------------------------------------------------------------------------------------
// The 2-2-2 example, derived here in long double in Mazur's names
// ---------------------------------------------------------------------------------------

real sigmoid(real z) {
    return 1.0L / (1.0L + std::exp(-z));
}

struct Mazur {
    real i1 = 0.05L, i2 = 0.10L, t1 = 0.01L, t2 = 0.99L, eta = 0.5L;
    real w1 = 0.15L, w2 = 0.20L, w3 = 0.25L, w4 = 0.30L;  // w1: i1->h1, w2: i2->h1, w3: i1->h2
    real w5 = 0.40L, w6 = 0.45L, w7 = 0.50L, w8 = 0.55L;  // w5: h1->o1, w6: h2->o1, w7: h1->o2
    real b1 = 0.35L, b2 = 0.60L;

    real net_h1, net_h2, out_h1, out_h2, net_o1, net_o2, out_o1, out_o2, E;
    real d_o1, d_o2, d_h1, d_h2;  // dE/dnet
    real w1n, w2n, w3n, w4n, w5n, w6n, w7n, w8n, b1_h1n, b1_h2n, b2_o1n, b2_o2n;

    Mazur() {
        net_h1 = w1 * i1 + w2 * i2 + b1;
        net_h2 = w3 * i1 + w4 * i2 + b1;
        out_h1 = sigmoid(net_h1);
        out_h2 = sigmoid(net_h2);
        net_o1 = w5 * out_h1 + w6 * out_h2 + b2;
        net_o2 = w7 * out_h1 + w8 * out_h2 + b2;
        out_o1 = sigmoid(net_o1);
        out_o2 = sigmoid(net_o2);
        E = 0.5L * (t1 - out_o1) * (t1 - out_o1) + 0.5L * (t2 - out_o2) * (t2 - out_o2);
        d_o1 = (out_o1 - t1) * out_o1 * (1 - out_o1);
        d_o2 = (out_o2 - t2) * out_o2 * (1 - out_o2);
        d_h1 = (d_o1 * w5 + d_o2 * w7) * out_h1 * (1 - out_h1);
        d_h2 = (d_o1 * w6 + d_o2 * w8) * out_h2 * (1 - out_h2);
        w5n = w5 - eta * d_o1 * out_h1;
        w6n = w6 - eta * d_o1 * out_h2;
        w7n = w7 - eta * d_o2 * out_h1;
        w8n = w8 - eta * d_o2 * out_h2;
        w1n = w1 - eta * d_h1 * i1;
        w2n = w2 - eta * d_h1 * i2;
        w3n = w3 - eta * d_h2 * i1;
        w4n = w4 - eta * d_h2 * i2;
        // Mazur keeps the biases fixed; one step of gradient descent moves them too.
        b1_h1n = b1 - eta * d_h1;
        b1_h2n = b1 - eta * d_h2;
        b2_o1n = b2 - eta * d_o1;
        b2_o2n = b2 - eta * d_o2;
    }
};

// ---------------------------------------------------------------------------------------
// Random networks: a forward pass written here, for finite differences
// ---------------------------------------------------------------------------------------

struct Net {
    std::vector<std::string> activations;
    std::vector<Matrix> W;
    std::vector<Vector> b;
    Matrix X, T;
    std::string loss;  // "mse" or "cross_entropy"
    double learning_rate = 0.1;

    json description() const {
        json layers = json::array();
        for (std::size_t l = 0; l < W.size(); ++l) {
            json rows = json::array();
            for (std::size_t i = 0; i < W[l].size1(); ++i) {
                json row = json::array();
                for (std::size_t j = 0; j < W[l].size2(); ++j)
                    row.push_back(W[l](i, j));
                rows.push_back(row);
            }
            layers.push_back({{"activation", activations[l]},
                              {"W", rows},
                              {"b", std::vector<double>(b[l].begin(), b[l].end())}});
        }
        const auto as_rows = [](const Matrix& m) {
            json rows = json::array();
            for (std::size_t i = 0; i < m.size1(); ++i) {
                json row = json::array();
                for (std::size_t j = 0; j < m.size2(); ++j)
                    row.push_back(m(i, j));
                rows.push_back(row);
            }
            return rows;
        };
        return {{"layers", layers},
                {"x", as_rows(X)},
                {"t", as_rows(T)},
                {"loss", loss},
                {"learning_rate", learning_rate}};
    }

    /// The weighted sums of every layer (for the ReLU-kink check) and J.
    double forward(std::vector<Matrix>* zs = nullptr) const {
        Matrix A = X;
        for (std::size_t l = 0; l < W.size(); ++l) {
            Matrix Z(A.size1(), W[l].size2());
            for (std::size_t s = 0; s < Z.size1(); ++s)
                for (std::size_t j = 0; j < Z.size2(); ++j) {
                    double sum = b[l](j);
                    for (std::size_t i = 0; i < A.size2(); ++i)
                        sum += A(s, i) * W[l](i, j);
                    Z(s, j) = sum;
                }
            if (zs) zs->push_back(Z);
            Matrix next(Z.size1(), Z.size2());
            const std::string& f = activations[l];
            for (std::size_t s = 0; s < Z.size1(); ++s) {
                double max = Z(s, 0), total = 0;
                for (std::size_t j = 0; j < Z.size2(); ++j)
                    max = std::max(max, Z(s, j));
                for (std::size_t j = 0; j < Z.size2(); ++j)
                    total += std::exp(Z(s, j) - max);
                for (std::size_t j = 0; j < Z.size2(); ++j) {
                    const double z = Z(s, j);
                    next(s, j) = f == "sigmoid"    ? 1 / (1 + std::exp(-z))
                                 : f == "tanh"     ? std::tanh(z)
                                 : f == "relu"     ? std::max(0.0, z)
                                 : f == "identity" ? z
                                                   : std::exp(z - max) / total;  // softmax
                }
            }
            A = next;
        }
        double J = 0;
        for (std::size_t s = 0; s < A.size1(); ++s)
            for (std::size_t k = 0; k < A.size2(); ++k) {
                const double y = A(s, k), t = T(s, k);
                if (loss == "mse")
                    J += 0.5 * (y - t) * (y - t);
                else if (activations.back() == "softmax")
                    J -= t == 0 ? 0.0 : t * std::log(y);
                else
                    J -= t * std::log(y) + (1 - t) * std::log(1 - y);
            }
        return J / static_cast<double>(A.size1());
    }
};

struct NetCase {
    std::vector<std::string> activations;
    std::vector<std::size_t> sizes;
    std::size_t batch;
    std::string loss;
};

std::ostream& operator<<(std::ostream& os, const NetCase& c) {
    for (std::size_t l = 0; l < c.activations.size(); ++l)
        os << (l ? "," : "") << c.activations[l];
    os << " sizes";
    for (std::size_t n : c.sizes)
        os << " " << n;
    return os << ", batch " << c.batch << ", " << c.loss;
}

const std::vector<NetCase> net_cases = {
    {{"sigmoid"}, {3, 2}, 1, "mse"},
    {{"tanh"}, {2, 3}, 3, "mse"},
    {{"softmax"}, {3, 3}, 2, "mse"},
    {{"tanh", "identity"}, {2, 4, 3}, 3, "mse"},
    {{"relu", "sigmoid"}, {3, 4, 2}, 2, "cross_entropy"},
    {{"sigmoid", "sigmoid"}, {2, 2, 2}, 1, "cross_entropy"},
    {{"sigmoid", "softmax"}, {2, 3, 3}, 1, "cross_entropy"},
    {{"relu", "relu", "softmax"}, {4, 5, 4, 3}, 3, "cross_entropy"},
    {{"tanh", "softmax", "relu", "softmax"}, {3, 4, 3, 3, 2}, 4, "cross_entropy"},
    {{"identity", "relu", "tanh", "sigmoid"}, {2, 3, 3, 2, 1}, 5, "mse"},
    {{"softmax", "tanh", "identity"}, {3, 3, 2, 2}, 2, "mse"},
};

Net draw_net(const NetCase& c, std::mt19937& rng) {
    std::uniform_real_distribution<double> size(0.2, 1.0), unit(0.05, 0.95);
    std::bernoulli_distribution sign;
    const auto value = [&] { return (sign(rng) ? 1 : -1) * size(rng); };
    Net net;
    net.activations = c.activations;
    net.loss = c.loss;
    net.learning_rate = 0.3;
    for (std::size_t l = 0; l + 1 < c.sizes.size(); ++l) {
        Matrix W(c.sizes[l], c.sizes[l + 1]);
        for (double& w : W.data())
            w = value();
        Vector b(c.sizes[l + 1]);
        for (double& x : b.data())
            x = value();
        net.W.push_back(W);
        net.b.push_back(b);
    }
    net.X = Matrix(c.batch, c.sizes.front());
    for (double& x : net.X.data())
        x = value();
    const std::size_t out = c.sizes.back();
    net.T = Matrix(c.batch, out);
    for (std::size_t s = 0; s < c.batch; ++s) {
        if (c.loss == "mse") {
            for (std::size_t k = 0; k < out; ++k)
                net.T(s, k) = value();
        } else if (c.activations.back() == "softmax") {
            // Probabilities: one-hot for even samples, a spread for odd ones.
            double total = 0;
            for (std::size_t k = 0; k < out; ++k)
                total += net.T(s, k) = s % 2 == 0 ? (k == s % out ? 1.0 : 0.0) : unit(rng);
            for (std::size_t k = 0; k < out; ++k)
                net.T(s, k) /= total;
        } else {
            for (std::size_t k = 0; k < out; ++k)
                net.T(s, k) = unit(rng);
        }
    }
    return net;
}

/// "dJ_dW2", "dJ_db1".
std::string dJ_name(const char* parameter, std::size_t l) {
    return "dJ_d" + std::string(parameter) + std::to_string(l);
}

/// See tests/test_gradients.cpp: an entry smaller than this fraction of J's scale cannot be
/// resolved by finite differences to 1e-7 relative, so a draw that has one is set aside.
constexpr double resolvable_fraction = 1e-5;
/// A ReLU input this close to 0 could cross the kink under the finite-difference steps.
constexpr double kink_margin = 1e-2;

bool resolvable(const std::vector<double>& g, double scale) {
    return std::all_of(g.begin(), g.end(), [&](double x) {
        return x == 0.0 || std::abs(x) >= resolvable_fraction * std::max(1.0, scale);
    });
}

std::size_t draws_made = 0, draws_set_aside = 0;

struct ReportDraws {
    ~ReportDraws() {
        BOOST_TEST_MESSAGE("random networks: " << draws_made << " drawn, " << draws_set_aside
                                               << " set aside (near a ReLU kink or unresolvable)");
    }
};
BOOST_TEST_GLOBAL_FIXTURE(ReportDraws);

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Runs the calculator on \p text and requires exit status 2, nothing on stdout, and every
/// one of \p expected in the one-line message before the usage.
void require_error(const std::string& text, const std::vector<std::string>& expected) {
    const TempFile file(text);
    const ProgramResult result = run_program(program, {file.path()});
    BOOST_TEST(result.exit_status == 2, "exit status " << result.exit_status << " for " << text);
    BOOST_TEST(result.out.empty(), "stdout: " << result.out);
    const std::string first_line = result.err.substr(0, result.err.find('\n'));
    BOOST_TEST(first_line.find("backprop_calculator: error: ") == 0u, result.err);
    for (const std::string& part : expected)
        BOOST_TEST(first_line.find(part) != std::string::npos,
                   "expected '" << part << "' in: " << first_line);
    BOOST_TEST(result.err.find("Usage:") != std::string::npos, "no usage after the message");
}

/// The article's description with each field replaced by its value (or removed, for null).
std::string article_with(const std::vector<std::pair<std::string, json>>& changes) {
    std::ifstream in(example("article.json"));
    json description = json::parse(in);
    for (const auto& [field, value] : changes) {
        if (value.is_null())
            description.erase(field);
        else
            description[field] = value;
    }
    return description.dump();
}
std::string article_with(const std::string& field, const json& value) {
    return article_with({{field, value}});
}

const std::string article_layers =
    R"("layers": [{"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]},
                  {"activation": "sigmoid", "W": [[0.7], [0.8], [0.9]]}])";

/// The article's description with a "check" object.
std::string article_checking(const std::string& check) {
    return "{" + article_layers + R"(, "x": [0.5, 0.8], "t": [0.7], "loss": "mse",
        "learning_rate": 0.1, "check": )" +
           check + "}";
}

}  // namespace

// =======================================================================================

BOOST_AUTO_TEST_SUITE(article)

BOOST_AUTO_TEST_CASE(without_a_file_it_is_the_articles_example) {
    pin_article(run_json(program));
}

BOOST_AUTO_TEST_CASE(article_json_is_the_articles_example) {
    pin_article(run_json(program, {example("article.json")}));
}

// Output that cannot be written is an error with its reason, never a silent success.
BOOST_AUTO_TEST_CASE(a_full_disk_is_reported) {
    for (const std::string redirect : {" >/dev/full", " --json >/dev/full"}) {
        const ProgramResult result = run_shell(shell_quote(program) + redirect);
        BOOST_TEST(result.exit_status == 1, redirect << ": " << result.err);
        BOOST_TEST(result.err.find("cannot write standard output: No space left on device") !=
                       std::string::npos,
                   redirect << ": " << result.err);
    }
}

BOOST_AUTO_TEST_CASE(the_text_shows_every_step) {
    const ProgramResult result = run_program(program);
    BOOST_TEST(result.exit_status == 0);
    for (const char* label :
         {"z1 = x W1 + b1", "a2 = y = sigmoid(z2)", "J = ½ Σ (y − t)²", "delta1 = dJ_da1 ⊙ da1_dz1",
          "dJ_dW1 = xᵀ delta1", "W2_new = W2 − α dJ_dW2", "0.37000000", "one sample",
          "W[i][j] is the weight from input i to neuron j"})
        BOOST_TEST(result.out.find(label) != std::string::npos, "missing: " << label);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(two_two_two)

// Mazur's published values, to the 8 or 9 significant digits he prints (his out_o1 and w5 to
// 8, the rest to 9): a tolerance of 1e-8 absolute is about a unit in the last digit printed.
BOOST_AUTO_TEST_CASE(reproduces_mazurs_published_values) {
    const json out = run_json(program, {example("two_two_two.json")});
    constexpr double published = 1e-8;
    const auto near = [&](const std::string& what, double actual, double expected) {
        BOOST_TEST(std::abs(actual - expected) <= published,
                   what << ": " << actual << " vs published " << expected);
    };
    near("out_h1", out["a1"][0], 0.593269992);
    near("out_h2", out["a1"][1], 0.596884378);
    near("out_o1", out["y"][0], 0.75136507);
    near("out_o2", out["y"][1], 0.772928465);
    near("E_total", out["J"], 0.298371109);
    // W2 = [[w5, w7], [w6, w8]], W1 = [[w1, w3], [w2, w4]]: row i leaves input i.
    near("w5+", out["W2_new"][0][0], 0.35891648);
    near("w6+", out["W2_new"][1][0], 0.408666186);
    near("w7+", out["W2_new"][0][1], 0.511301270);
    near("w8+", out["W2_new"][1][1], 0.561370121);
    near("w1+", out["W1_new"][0][0], 0.149780716);
    near("w2+", out["W1_new"][1][0], 0.19956143);
    near("w3+", out["W1_new"][0][1], 0.24975114);
    near("w4+", out["W1_new"][1][1], 0.29950229);
}

BOOST_AUTO_TEST_CASE(agrees_with_a_long_double_derivation) {
    const json out = run_json(program, {example("two_two_two.json")});
    const Mazur m;
    pin("z1", out["z1"], {m.net_h1, m.net_h2});
    pin("a1", out["a1"], {m.out_h1, m.out_h2});
    pin("z2", out["z2"], {m.net_o1, m.net_o2});
    pin("y", out["y"], {m.out_o1, m.out_o2});
    pin("J", out["J"], {m.E});
    pin("dJ_dy", out["dJ_dy"], {m.out_o1 - m.t1, m.out_o2 - m.t2});
    pin("delta2", out["delta2"], {m.d_o1, m.d_o2});
    pin("delta1", out["delta1"], {m.d_h1, m.d_h2});
    pin("dJ_dW2", out["dJ_dW2"],
        {m.d_o1 * m.out_h1, m.d_o2 * m.out_h1, m.d_o1 * m.out_h2, m.d_o2 * m.out_h2});
    pin("dJ_dW1", out["dJ_dW1"], {m.d_h1 * m.i1, m.d_h2 * m.i1, m.d_h1 * m.i2, m.d_h2 * m.i2});
    pin("dJ_db1", out["dJ_db1"], {m.d_h1, m.d_h2});
    pin("dJ_db2", out["dJ_db2"], {m.d_o1, m.d_o2});
    pin("W1_new", out["W1_new"], {m.w1n, m.w3n, m.w2n, m.w4n});
    pin("W2_new", out["W2_new"], {m.w5n, m.w7n, m.w6n, m.w8n});
    pin("b1_new", out["b1_new"], {m.b1_h1n, m.b1_h2n});
    pin("b2_new", out["b2_new"], {m.b2_o1n, m.b2_o2n});
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(gradients)

// Every gradient the calculator prints, for random networks of every activation, both losses,
// one sample and batches, against central finite differences of J computed by the forward
// pass above (not the library's).
BOOST_DATA_TEST_CASE(agree_with_finite_differences, bdata::make(net_cases), c) {
    std::mt19937 rng(20261128u + static_cast<unsigned>(c.sizes.size() * 31 + c.batch));
    int checked = 0;
    for (int draw = 0; checked < 3 && draw < 50; ++draw) {
        Net net = draw_net(c, rng);
        ++draws_made;
        // Away from the ReLU kink.
        std::vector<Matrix> zs;
        const double J = net.forward(&zs);
        bool near_kink = false;
        for (std::size_t l = 0; l < zs.size(); ++l)
            if (net.activations[l] == "relu")
                for (double z : zs[l].data())
                    near_kink = near_kink || std::abs(z) < kink_margin;
        if (near_kink) {
            ++draws_set_aside;
            continue;
        }
        const json out = calculate(net.description().dump());
        bool fine = true;
        for (std::size_t l = 1; l <= net.W.size(); ++l)
            fine = fine && resolvable(numbers(out[dJ_name("W", l)]), J) &&
                   resolvable(numbers(out[dJ_name("b", l)]), J);
        if (!fine) {
            ++draws_set_aside;
            continue;
        }
        ++checked;

        BOOST_TEST_CONTEXT(c << ", draw " << draw) {
            // The forward pass agrees.
            BOOST_TEST(std::abs(out["J"].get<double>() - J) <= 1e-12 * std::abs(J),
                       "J " << out["J"].get<double>() << " vs " << J);
            // Every gradient agrees with finite differences.
            const std::function<double()> loss = [&] { return net.forward(); };
            for (std::size_t l = 1; l <= net.W.size(); ++l) {
                const Matrix dW = matrix_of(out[dJ_name("W", l)]);
                const Vector db = vector_of(out[dJ_name("b", l)]);
                const auto eW = backprop::compare_gradients(
                    dW, backprop::numerical_gradient(loss, net.W[l - 1]));
                const auto eb = backprop::compare_gradients(
                    db, backprop::numerical_gradient(loss, net.b[l - 1]));
                BOOST_TEST(eW.max_relative_error < 1e-7,
                           "dJ_dW" << l << ": relative error " << eW.max_relative_error);
                BOOST_TEST(eb.max_relative_error < 1e-7,
                           "dJ_db" << l << ": relative error " << eb.max_relative_error);
                // And the update is one step of gradient descent.
                const Matrix W_new = matrix_of(out["W" + std::to_string(l) + "_new"]);
                const Vector b_new = vector_of(out["b" + std::to_string(l) + "_new"]);
                for (std::size_t k = 0; k < dW.data().size(); ++k)
                    BOOST_TEST(W_new.data()[k] ==
                               net.W[l - 1].data()[k] - net.learning_rate * dW.data()[k]);
                for (std::size_t k = 0; k < db.size(); ++k)
                    BOOST_TEST(b_new(k) == net.b[l - 1](k) - net.learning_rate * db(k));
            }
        }
    }
    BOOST_TEST(checked == 3, c << ": only " << checked << " usable draws");
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(batches)

json mazur_with_samples(int copies) {
    std::ifstream in(example("two_two_two.json"));
    json description = json::parse(in);
    description["x"] = json::array();
    description["t"] = json::array();
    for (int i = 0; i < copies; ++i) {
        description["x"].push_back({0.05, 0.10});
        description["t"].push_back({0.01, 0.99});
    }
    return description;
}

BOOST_AUTO_TEST_CASE(copies_of_one_sample_give_its_gradients) {
    const json one = run_json(program, {example("two_two_two.json")});
    for (int copies : {2, 3}) {
        BOOST_TEST_CONTEXT(copies << " copies") {
            const json batch = calculate(mazur_with_samples(copies).dump());
            BOOST_TEST(batch["batch_size"] == copies);
            BOOST_TEST(std::abs(batch["J"].get<double>() - one["J"].get<double>()) <=
                       1e-14 * one["J"].get<double>());
            for (const char* name :
                 {"dJ_dW1", "dJ_db1", "dJ_dW2", "dJ_db2", "W1_new", "W2_new", "b1_new", "b2_new"}) {
                const std::vector<double> a = numbers(batch[name]), b = numbers(one[name]);
                BOOST_TEST_REQUIRE(a.size() == b.size());
                for (std::size_t k = 0; k < a.size(); ++k)
                    BOOST_TEST(std::abs(a[k] - b[k]) <= 1e-14 * std::abs(b[k]),
                               name << "[" << k << "]: " << a[k] << " vs " << b[k]);
            }
            // Each sample's delta carries the 1/B of the mean; z and a are per sample.
            BOOST_TEST(batch["delta2"].size() == static_cast<std::size_t>(copies));
            for (int s = 0; s < copies; ++s)
                for (int k = 0; k < 2; ++k) {
                    BOOST_TEST(std::abs(batch["delta2"][s][k].get<double>() * copies -
                                        one["delta2"][k].get<double>()) <=
                               1e-14 * std::abs(one["delta2"][k].get<double>()));
                    BOOST_TEST(batch["a1"][s][k] == one["a1"][k]);
                }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_output_says_the_gradients_are_means) {
    const TempFile file(mazur_with_samples(3).dump());
    const ProgramResult text = run_program(program, {file.path()});
    BOOST_TEST(text.exit_status == 0);
    BOOST_TEST(text.out.find("batch of 3 samples") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("J and every gradient are means over the batch") != std::string::npos);
    BOOST_TEST(text.out.find("J = mean over the batch of ½ Σ (y − t)²") != std::string::npos);
    const json out = run_json(program, {file.path()});
    BOOST_TEST(out["notes"].dump().find("means over the batch") != std::string::npos);
    // One sample: no such note.
    const json one = run_json(program, {example("two_two_two.json")});
    BOOST_TEST(one["notes"].dump().find("batch") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(checking_hand_values)

/// The verdicts on the learner's z1[0] written as \p written (raw JSON text).
json verdict_on_z1_0(const std::string& written) {
    const json out = calculate(article_checking(R"({"z1": [)" + written + ", null, null]}"));
    BOOST_TEST_REQUIRE(out["check"].size() == 1u);
    return out["check"][0];
}

BOOST_AUTO_TEST_CASE(correct_at_the_digits_given) {
    // z1[0] is 0.37 exactly (up to rounding).
    for (const auto& [written, ok] : std::vector<std::pair<std::string, bool>>{
             {"0.47", false},      // the article's printed value
             {"0.37", true},       // right, 2 decimals
             {"0.370", true},      // right, 3 decimals: the text is read as written
             {"0.3701", false},    // 4 decimals: 0.3701 is not 0.3700
             {"0.4", true},        // 1 decimal: 0.37 rounds to 0.4
             {"0.3", false},       // truncated, not rounded
             {"3.7e-1", true},     // exponent notation
             {"\"0.370\"", true},  // as a string
             {"\"0.3701\"", false},
             {"0", true},  // 0 decimals: 0.37 rounds to 0
         }) {
        BOOST_TEST_CONTEXT("z1[0] written as " << written) {
            const json c = verdict_on_z1_0(written);
            BOOST_TEST(c["name"] == "z1");
            BOOST_TEST(c["entry"] == "z1[0]");
            BOOST_TEST(c["ok"] == ok);
            BOOST_TEST(c["verdict"] == (ok ? "correct at the digits given" : "wrong"));
            const std::string text =
                written.front() == '"' ? written.substr(1, written.size() - 2) : written;
            BOOST_TEST(c["given_text"] == text);
            pinned::check("computed", c["computed"].get<double>(), oracle::WorkedExample().z1[0]);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_form_of_a_value_is_accepted) {
    // W2_new (3x1) as rows or as a flat column, J as a number or a one-entry array, a scalar
    // per-sample value (y) as a number.
    const json out = calculate(article_checking(
        R"({"W2_new": [0.699, 0.799, 0.899], "dJ_dW2": [[0.0104], [0.0109], [0.0114]],
            "J": [0.0069], "y": 0.817, "b2_new": -0.00175, "dJ_dW1": [[0.00148, null, null],
            [null, null, 0.00286]]})"));
    std::vector<std::string> entries;
    for (const json& c : out["check"]) {
        entries.push_back(c["entry"]);
        BOOST_TEST(c["ok"] == true, c.dump());
    }
    // In the order of the calculation, not of the JSON.
    const std::vector<std::string> expected{"y[0]",         "J",
                                            "dJ_dW1[0][0]", "dJ_dW1[1][2]",
                                            "dJ_dW2[0][0]", "dJ_dW2[1][0]",
                                            "dJ_dW2[2][0]", "W2_new[0][0]",
                                            "W2_new[1][0]", "W2_new[2][0]",
                                            "b2_new[0]"};
    BOOST_TEST(entries == expected, boost::test_tools::per_element());
    BOOST_TEST(out["check_count"] == 11);
    BOOST_TEST(out["check_correct"] == 11);
}

BOOST_AUTO_TEST_CASE(homework_example_marks_the_wrong_ones) {
    const json out = run_json(program, {example("homework_check.json")});
    std::vector<std::string> wrong;
    for (const json& c : out["check"])
        if (!c["ok"].get<bool>()) wrong.push_back(c["entry"]);
    const std::vector<std::string> expected{"z1[0]", "z1[1]", "z1[2]", "delta2[0]"};
    BOOST_TEST(wrong == expected, boost::test_tools::per_element());
    BOOST_TEST(out["check_count"] == 22);
    BOOST_TEST(out["check_correct"] == 18);
    // J written 0.00690 keeps its trailing zero.
    for (const json& c : out["check"])
        if (c["entry"] == "J") BOOST_TEST(c["given_text"] == "0.00690");

    // The exit status does not depend on the verdicts; the text shows them.
    const ProgramResult text = run_program(program, {example("homework_check.json")});
    BOOST_TEST(text.exit_status == 0);
    BOOST_TEST(text.out.find("18 of 22 of your numbers are correct at the digits given") !=
               std::string::npos);
    BOOST_TEST(text.out.find("The first wrong one, in the order of the calculation, is z1[0]") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(precision)

// Large logits lose no precision. One softmax layer with W = [[1, 0, 0]] (one input, three
// neurons), b = (120, 100, 99) and x = 0, so z = b; the target t = (1, 0, 0). With
// S = e^-20 + e^-21 = 2.8194096652297485e-9,
//   J = −ln(e^120 / (e^120 + e^100 + e^99)) = ln(1 + S) = S − S²/2 + S³/3 − ...
//     = 2.8194096652297485e-9 − 3.9745e-18 + ... = 2.8194096612552131e-9,
// and delta = y − t = (−S, e^-20, e^-21) / (1 + S)
//     = (−2.8194096572806777e-9, 2.0611536166273214e-9, 7.5825604065335626e-10).
// Computed as z_0 − logsumexp(z) with logsumexp(z) = 120 + ln(1 + S) one number, J was
// 2.819405154e-9 (off by 1.6e-6 of itself), and y_0 − 1 keeps only the digits of y_0 beyond
// the rounding of 1 (2e-8 of delta_0): a learner's correctly rounded J and delta_0, to ten
// digits, were marked wrong.
BOOST_AUTO_TEST_CASE(softmax_cross_entropy_keeps_full_precision_for_large_logits) {
    const json out = calculate(R"({
        "layers": [{"activation": "softmax", "W": [[1, 0, 0]], "b": [120, 100, 99]}],
        "x": [0], "t": [1, 0, 0], "loss": "cross_entropy", "learning_rate": 0.1,
        "check": {"J": 2.819409661e-9,
                  "delta1": [-2.819409657e-9, 2.061153617e-9, 7.582560407e-10]}})");
    const double J = out["J"].get<double>(), J_exact = 2.8194096612552131e-9;
    BOOST_TEST(std::abs(J - J_exact) <= 1e-14 * J_exact,
               "J = " << J << ", relative error " << (J - J_exact) / J_exact);
    const std::vector<double> delta_exact{-2.8194096572806777e-9, 2.0611536166273214e-9,
                                          7.5825604065335626e-10};
    for (std::size_t k = 0; k < 3; ++k) {
        const double delta = out["delta1"][k].get<double>();
        BOOST_TEST(std::abs(delta - delta_exact[k]) <= 1e-14 * std::abs(delta_exact[k]),
                   "delta1[" << k << "] = " << delta);
    }
    BOOST_TEST(out["check_count"] == 4);
    BOOST_TEST(out["check_correct"] == 4, out["check"].dump());
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(invalid_json_names_line_and_column) {
    // A missing comma after "sigmoid" on line 3: the parser stops when it has read the
    // unexpected "W" (columns 30 to 32).
    require_error("{\n  \"layers\": [\n    {\"activation\": \"sigmoid\" \"W\": [[1]]}\n  ]\n}",
                  {"invalid JSON at line 3, column 32", "unexpected string literal; expected '}'"});
    // An invalid literal on line 3, stopped at the line's end (column 6).
    require_error("{\"layers\": [\n  {\"activation\": \"sigmoid\", \"W\": [[1]]},\n  tru\n]}",
                  {"invalid JSON at line 3, column 6", "invalid literal"});
    // Columns count characters, not bytes.
    require_error("{\"\u00e9t\u00e9\": x}", {"invalid JSON at line 1, column 9"});
    require_error("{\"layers\": [1, 2,]}", {"invalid JSON at line 1, column 18"});
    require_error("", {"invalid JSON at line 1, column 1", "unexpected end of input"});
    require_error("{\"x\": 1e400}", {"invalid JSON at line 1, column", "number overflow"});
    require_error("{\"x\": 1, \"x\": 2}", {"the field 'x' appears twice"});
}

// Numbers that overflow are named entry by entry, as the JSON output names them. One ReLU
// neuron, squared error, target 0: z = x w, delta = z, dJ/dw = x z, w_new = w - α x z.
BOOST_AUTO_TEST_CASE(an_overflow_names_the_entry) {
    // x w = 1e300 · 1e300 is beyond the largest double (about 1.8e308).
    require_error(
        R"({"layers": [{"activation": "relu", "W": [[1e300]]}], "x": [1e300], "t": [0],
            "loss": "mse", "learning_rate": 0.1})",
        {"z1[0] is inf", "overflow double precision"});
    // Everything up to the update is finite (z = 1e10, dJ/dw = 1e20), but α dJ/dw = 1e328.
    require_error(
        R"({"layers": [{"activation": "relu", "W": [[1]]}], "x": [1e10], "t": [0],
            "loss": "mse", "learning_rate": 1e308})",
        {"W1_new[0][0] is -inf", "learning rate smaller"});
}

BOOST_AUTO_TEST_CASE(a_file_that_cannot_be_read) {
    const ProgramResult missing = run_program(program, {"/nonexistent/network.json"});
    BOOST_TEST(missing.exit_status == 2);
    BOOST_TEST(missing.out.empty());
    BOOST_TEST(missing.err.find("/nonexistent/network.json: cannot open: No such file or "
                                "directory") != std::string::npos,
               missing.err);
    const ProgramResult directory = run_program(program, {"/tmp"});
    BOOST_TEST(directory.exit_status == 2);
    BOOST_TEST(directory.err.find("/tmp: is a directory, not a regular file") != std::string::npos,
               directory.err);
}

// A FIFO is refused at once, not waited on for a writer that never comes (`timeout` turns a
// hang into exit status 124 instead of a test that never ends).
BOOST_AUTO_TEST_CASE(a_fifo_is_refused_without_waiting) {
    const std::string fifo = "/tmp/backprop-calculator-fifo-" + std::to_string(getpid());
    BOOST_TEST_REQUIRE(mkfifo(fifo.c_str(), 0600) == 0, "cannot create " << fifo);
    const ProgramResult result = run_program("timeout", {"20", program, fifo});
    std::remove(fifo.c_str());
    BOOST_TEST(result.exit_status == 2, "exit status " << result.exit_status);
    BOOST_TEST(result.out.empty());
    BOOST_TEST(
        result.err.find(fifo + ": is a FIFO (named pipe), not a regular file") != std::string::npos,
        result.err);
}

// The documented limit on the input: 1 MiB = 1 048 576 bytes of JSON. The article's
// description padded with spaces to exactly the limit is read; one byte more is refused,
// naming the file and the limit.
BOOST_AUTO_TEST_CASE(a_description_is_at_most_1_MiB) {
    const std::size_t limit = 1048576;
    std::ifstream in(example("article.json"));
    const std::string article((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(article.size() < limit);
    const std::string at_limit = article + std::string(limit - article.size(), ' ');
    const TempFile just_below(at_limit);
    const ProgramResult accepted = run_program(program, {just_below.path(), "--json"});
    BOOST_TEST(accepted.exit_status == 0, accepted.err);
    const TempFile just_above(at_limit + " ");
    const ProgramResult refused = run_program(program, {just_above.path()});
    BOOST_TEST(refused.exit_status == 2, "exit status " << refused.exit_status);
    BOOST_TEST(refused.out.empty());
    BOOST_TEST(refused.err.find(just_above.path() + ": is 1048577 bytes, more than the "
                                                    "calculator reads") != std::string::npos,
               refused.err);
    BOOST_TEST(refused.err.find("at most 1048576 bytes (1 MiB)") != std::string::npos, refused.err);
}

/// Whether the address space of a program run by a test can be limited (not under
/// AddressSanitizer); a test that needs it is reported skipped otherwise.
boost::test_tools::assertion_result address_space_limit_works(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result result(address_space_can_be_limited);
    result.message() << "the address space cannot be limited under AddressSanitizer";
    return result;
}

// An endless input (/dev/urandom) or a huge one (a sparse file of 8 GiB) must neither be read
// whole nor be reported as a failed allocation: both are refused before reading, with a
// message that names the file. The program runs in 512 MiB of address space (one
// OpenBLAS thread, whose buffers would otherwise grow with the machine's cores), where
// reading either whole would fail at once.
BOOST_AUTO_TEST_CASE(endless_and_huge_inputs_are_refused_quickly,
                     *boost::unit_test::precondition(address_space_limit_works)) {
    const ProgramResult endless =
        run_program("env", {"OPENBLAS_NUM_THREADS=1", program, "/dev/urandom"}, 512);
    BOOST_TEST(endless.exit_status == 2, "exit status " << endless.exit_status);
    BOOST_TEST(endless.err.find("/dev/urandom: is a character device, not a regular file") !=
                   std::string::npos,
               endless.err);
    BOOST_TEST(endless.err.find("bad_alloc") == std::string::npos, endless.err);

    const TempFile huge("{");
    std::filesystem::resize_file(huge.path(), std::uintmax_t{8} << 30);
    const ProgramResult refused =
        run_program("env", {"OPENBLAS_NUM_THREADS=1", program, huge.path()}, 512);
    BOOST_TEST(refused.exit_status == 2, "exit status " << refused.exit_status);
    BOOST_TEST(refused.err.find(huge.path() + ": is 8589934592 bytes, more than the calculator "
                                              "reads") != std::string::npos,
               refused.err);
    BOOST_TEST(refused.err.find("bad_alloc") == std::string::npos, refused.err);
}

// The documented limit on the step: samples × (neurons of all layers) at most 100 000. One
// identity layer of 1 input and n neurons, a batch of B samples of x = 0 (so that every
// value is 0): B n = 100 000 is computed, 100 001 values (11 × 9091) refused.
BOOST_AUTO_TEST_CASE(a_step_computes_at_most_100000_values_per_quantity) {
    const auto description = [](std::size_t B, std::size_t n) {
        json layer{{"activation", "identity"}, {"W", json::array({json(std::vector<int>(n, 0))})}};
        return json{{"layers", json::array({layer})},
                    {"x", std::vector<std::vector<int>>(B, std::vector<int>(1, 0))},
                    {"t", std::vector<std::vector<int>>(B, std::vector<int>(n, 0))},
                    {"loss", "mse"},
                    {"learning_rate", 0.1}}
            .dump();
    };
    const TempFile at_limit(description(4, 25000));
    const ProgramResult accepted = run_program(program, {at_limit.path(), "--decimals", "1"});
    BOOST_TEST(accepted.exit_status == 0, accepted.err);
    const TempFile above(description(11, 9091));
    const ProgramResult refused = run_program(program, {above.path()});
    BOOST_TEST(refused.exit_status == 2, "exit status " << refused.exit_status);
    BOOST_TEST(refused.out.empty());
    BOOST_TEST(refused.err.find(above.path() + ": the network is too large for the calculator: "
                                               "11 samples × 9091 neurons = 100001 values") !=
                   std::string::npos,
               refused.err);
    BOOST_TEST(refused.err.find("limit of 100000") != std::string::npos, refused.err);
}

BOOST_AUTO_TEST_CASE(command_line) {
    const ProgramResult unknown = run_program(program, {"--bogus"});
    BOOST_TEST(unknown.exit_status == 2);
    BOOST_TEST(unknown.out.empty());
    BOOST_TEST(unknown.err.find("--bogus") != std::string::npos);
    const ProgramResult help = run_program(program, {"--help"});
    BOOST_TEST(help.exit_status == 0);
    BOOST_TEST(help.out.find("W[i][j] is the weight from input i to") != std::string::npos);
    BOOST_TEST(help.out.find("at most 1048576 bytes (1 MiB) of JSON") != std::string::npos);
    BOOST_TEST(help.out.find("K/2 times PyTorch's MSELoss") != std::string::npos);
    BOOST_TEST(run_program(program, {"--decimals", "0"}).exit_status == 2);
}

BOOST_AUTO_TEST_CASE(missing_and_unknown_fields) {
    require_error("[1, 2]", {"must be a JSON object", "an array"});
    for (const char* field : {"layers", "x", "t", "loss", "learning_rate"})
        require_error(article_with(field, nullptr), {std::string("missing field '") + field + "'"});
    require_error(article_with("learning_rat", 0.1), {"unknown field 'learning_rat'",
                                                      "description, layers, x, t, loss, "
                                                      "learning_rate, check"});
    require_error(R"({"layers": [{"W": [[1]]}], "x": [1], "t": [1], "loss": "mse",
                      "learning_rate": 0.1})",
                  {"layers[0]: missing field 'activation'", "sigmoid, tanh, relu"});
    require_error(R"({"layers": [{"activation": "relu"}], "x": [1], "t": [1], "loss": "mse",
                      "learning_rate": 0.1})",
                  {"layers[0]: missing field 'W'"});
    require_error(R"({"layers": [{"activation": "relu", "W": [[1]], "bias": [1]}], "x": [1],
                      "t": [1], "loss": "mse", "learning_rate": 0.1})",
                  {"layers[0]: unknown field 'bias'", "activation, W, b, description"});
    require_error(article_with("layers", json::array()), {"layers must be a non-empty array"});
    require_error(article_with("description", 3),
                  {"description must be a string or an array of strings", "the number 3"});
    require_error(article_with("description", {"one line", 2}),
                  {"description[1] must be a string"});
}

BOOST_AUTO_TEST_CASE(unknown_names_list_the_valid_ones) {
    require_error(R"({"layers": [{"activation": "sigmod", "W": [[1]]}], "x": [1], "t": [1],
                      "loss": "mse", "learning_rate": 0.1})",
                  {"layers[0].activation: unknown activation 'sigmod'",
                   "valid names are: sigmoid, tanh, relu, identity, softmax"});
    require_error(article_with("loss", "mae"),
                  {"unknown loss 'mae'", "valid names are: mse, cross_entropy"});
    require_error(article_with("loss", 1), {"loss must be a string", "the number 1"});
}

BOOST_AUTO_TEST_CASE(non_numbers_are_named_by_their_path) {
    require_error(R"({"layers": [{"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]},
                                 {"activation": "sigmoid", "W": [[0.7], [0.8], ["0.9"]]}],
                      "x": [0.5, 0.8], "t": [0.7], "loss": "mse", "learning_rate": 0.1})",
                  {"layers[1].W[2][0] must be a number", "the string \"0.9\""});
    require_error(article_with("x", {0.5, true}), {"x[1] must be a number", "boolean true"});
    require_error(article_with("t", {{0.7, nullptr}}), {"t[0][1] must be a number", "null"});
    require_error(R"({"layers": [{"activation": "relu", "W": [[1]], "b": ["x"]}], "x": [1],
                      "t": [1], "loss": "mse", "learning_rate": 0.1})",
                  {"layers[0].b[0] must be a number"});
}

BOOST_AUTO_TEST_CASE(shapes_that_do_not_fit) {
    // Layer 2 with 2 inputs after a layer of 3 neurons.
    require_error(R"({"layers": [{"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]},
                                 {"activation": "sigmoid", "W": [[0.7], [0.8]]}],
                      "x": [0.5, 0.8], "t": [0.7], "loss": "mse", "learning_rate": 0.1})",
                  {"layer 2: W is 2x1 but must be 3x1", "layer 1 has 3 neurons"});
    // Ragged weights, inputs and targets.
    require_error(R"({"layers": [{"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5]]}],
                      "x": [0.5, 0.8], "t": [0.7, 0.1, 0.2], "loss": "mse", "learning_rate": 0.1})",
                  {"layers[0].W is ragged: row 1 has 2 entries but row 0 has 3"});
    require_error(article_with("x", {{0.5, 0.8}, {0.1}}),
                  {"x is ragged: row 1 has 1 entry but row 0 has 2"});
    // Weights as a flat array.
    require_error(R"({"layers": [{"activation": "sigmoid", "W": [0.1, 0.2]}], "x": [0.5, 0.8],
                      "t": [0.7], "loss": "mse", "learning_rate": 0.1})",
                  {"layers[0].W must be an array of rows", "layers[0].W[0] is the number 0.1"});
    // A bias of the wrong length.
    require_error(R"({"layers": [{"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
                                  "b": [0.1, 0.2]}],
                      "x": [0.5, 0.8], "t": [0.7, 0.1, 0.2], "loss": "mse", "learning_rate": 0.1})",
                  {"layer 1: b has 2 entries but W is 2x3, so it must have 3"});
    // The input against the first layer, the targets against the last.
    require_error(article_with("x", {0.5, 0.8, 0.1}),
                  {"x has 3 entries per sample but layer 1's W is 2x3", "must have 2 entries"});
    require_error(article_with("t", {0.7, 0.1}),
                  {"t has 2 entries per sample but the output layer (layer 2) has 1 neuron"});
    // A batch whose inputs and targets differ in count.
    require_error(article_with("x", {{0.5, 0.8}, {0.1, 0.2}, {0.3, 0.4}}),
                  {"x holds 3 samples but t holds 1"});
}

BOOST_AUTO_TEST_CASE(learning_rate_must_be_finite_and_not_negative) {
    require_error(article_with("learning_rate", -0.1),
                  {"learning_rate must be a finite number ≥ 0", "but it is -0.1"});
    require_error(article_with("learning_rate", "0.1"), {"but it is the string \"0.1\""});
    // JSON has no NaN or infinity, and a number beyond the doubles is invalid JSON.
    require_error(R"({"layers": [{"activation": "relu", "W": [[1]]}], "x": [1], "t": [0],
                      "loss": "mse", "learning_rate": 1e400})",
                  {"invalid JSON", "number overflow"});
}

// α = 0 shows the gradients without an update: every gradient as with any α, and the new
// weights and biases equal to the old. The article's example: dJ/dW2 is not zero there.
BOOST_AUTO_TEST_CASE(learning_rate_0_shows_the_gradients_without_an_update) {
    const json zero = calculate(article_with("learning_rate", 0));
    const json usual = calculate(article_with("learning_rate", 0.1));
    BOOST_TEST(zero["learning_rate"] == 0.0);
    for (const char* name : {"J", "delta1", "delta2", "dJ_dW1", "dJ_dW2", "dJ_db1", "dJ_db2"})
        BOOST_TEST(zero[name] == usual[name], name);
    BOOST_TEST(std::abs(zero["dJ_dW2"][0][0].get<double>()) > 1e-3);
    BOOST_TEST(zero["W1_new"] == zero["W1"]);
    BOOST_TEST(zero["W2_new"] == zero["W2"]);
    BOOST_TEST(zero["b1_new"] == zero["b1"]);
    BOOST_TEST(zero["b2_new"] == zero["b2"]);
    BOOST_TEST(usual["W2_new"] != usual["W2"]);
}

BOOST_AUTO_TEST_CASE(cross_entropy_needs_outputs_and_targets_it_accepts) {
    // A sigmoid of z = 40 is exactly 1 in double precision.
    require_error(
        R"({"layers": [{"activation": "sigmoid", "W": [[40]]}], "x": [1], "t": [1],
                      "loss": "cross_entropy", "learning_rate": 0.1})",
        {"binary, after a sigmoid output layer", "strictly between 0 and 1", "y[0] is exactly 1"});
    require_error(article_with({{"loss", "cross_entropy"}, {"t", {1.5}}}),
                  {"cross_entropy needs every target between 0 and 1", "t[0] is 1.5"});
    // A softmax that underflows to 0 where the target is 1.
    require_error(R"({"layers": [{"activation": "softmax", "W": [[800, 0]]}], "x": [1], "t": [0, 1],
                      "loss": "cross_entropy", "learning_rate": 0.1})",
                  {"categorical", "y[1] is exactly 0"});
}

// Binary cross-entropy needs a sigmoid output layer: decided by the description, so an
// identity, tanh or relu output is refused even where this step's output, 0.3, lies in (0, 1)
// (where the loss could be computed); the sigmoid itself is accepted.
BOOST_AUTO_TEST_CASE(binary_cross_entropy_needs_a_sigmoid_output_layer) {
    for (const char* activation : {"identity", "tanh", "relu"}) {
        json description = json::parse(R"({"layers": [{"W": [[0.3]]}], "x": [1], "t": [1],
                                          "loss": "cross_entropy", "learning_rate": 0.1})");
        description["layers"][0]["activation"] = activation;
        std::string message = "layers[0]: loss cross_entropy after a ";
        message += activation;
        message += " output layer";
        require_error(description.dump(), {message, "use a sigmoid output layer"});
    }
    // Only the output layer counts: a tanh before a sigmoid output is fine.
    const json accepted = calculate(
        R"({"layers": [{"activation": "tanh", "W": [[0.3]]}, {"activation": "sigmoid", "W": [[1]]}],
            "x": [1], "t": [1], "loss": "cross_entropy", "learning_rate": 0.1})");
    BOOST_TEST(accepted["loss_type"] == "binary_cross_entropy");
}

// A softmax over one neuron is e^z / e^z = 1 whatever z: with cross-entropy J = −t ln 1 = 0
// and no gradient, silently. Refused, with the reason; as the output layer with mse too (J
// does not depend on z), and as a hidden layer. Two neurons are fine.
BOOST_AUTO_TEST_CASE(a_softmax_over_one_neuron_is_refused) {
    require_error(R"({"layers": [{"activation": "softmax", "W": [[0.5]]}], "x": [1], "t": [1],
                      "loss": "cross_entropy", "learning_rate": 0.1})",
                  {"layers[0]: a softmax over 1 neuron is always exactly 1",
                   "with cross_entropy J = −t ln 1 = 0", "no gradient passes it"});
    require_error(R"({"layers": [{"activation": "softmax", "W": [[0.5]]}], "x": [1], "t": [0.5],
                      "loss": "mse", "learning_rate": 0.1})",
                  {"layers[0]: a softmax over 1 neuron is always exactly 1"});
    require_error(R"({"layers": [{"activation": "softmax", "W": [[0.5]]},
                                 {"activation": "softmax", "W": [[1, 2]]}],
                      "x": [1], "t": [1, 0], "loss": "cross_entropy", "learning_rate": 0.1})",
                  {"layers[0]: a softmax over 1 neuron"});
    const json two = calculate(R"({"layers": [{"activation": "softmax", "W": [[0.5, -0.5]]}],
                                   "x": [1], "t": [1, 0], "loss": "cross_entropy",
                                   "learning_rate": 0.1})");
    BOOST_TEST(two["J"].get<double>() > 0.1);
}

BOOST_AUTO_TEST_CASE(check_values_must_name_outputs_and_fit_them) {
    require_error(article_checking(R"({"z3": [1]})"),
                  {"check: unknown name 'z3'", "the names are: z1, a1, z2, a2, y, J, dJ_dy",
                   "W1_new, b1_new, W2_new, b2_new"});
    require_error(article_checking(R"({"x": [1, 2]})"), {"unknown name 'x'"});
    require_error(article_checking(R"({"dJ_dW1": [0.1, 0.2, 0.3]})"),
                  {"check.dJ_dW1 is a flat array of 3, but dJ_dW1 is 2x3: 2 rows of 3"});
    require_error(article_checking(R"({"z1": [[0.37], [0.5], [0.63]]})"),
                  {"check.z1 is 3 rows of 1, but z1 is 1x3: a flat array of 3"});
    require_error(article_checking(R"({"z1": ["0.3x", 0.5, 0.63]})"),
                  {"check.z1[0]: '0.3x' is not a number"});
    require_error(article_checking(R"({"z1": [0.37, {"a": 1}, 0.63]})"),
                  {"check.z1[1] must be a number", "an object"});
    require_error(article_checking(R"({"dJ_dW1": [[0.1, 0.2, 0.3], [0.4]]})"),
                  {"check.dJ_dW1 is ragged: row 1 has 1 entry but row 0 has 3"});
    require_error(article_checking("[1]"), {"check must be an object"});
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================

BOOST_AUTO_TEST_SUITE(examples_folder)

std::vector<std::string> example_files() {
    std::vector<std::string> files;
    // The examples, and the exercises' files under exercises/ whose answers the book shows.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(examples))
        if (entry.path().extension() == ".json")
            files.push_back(std::filesystem::relative(entry.path(), examples));
    std::sort(files.begin(), files.end());
    return files;
}

BOOST_AUTO_TEST_CASE(the_shipped_examples_are_there) {
    const std::vector<std::string> files = example_files();
    for (const char* name :
         {"article.json", "two_two_two.json", "homework_check.json", "softmax_batch.json"})
        BOOST_TEST((std::find(files.begin(), files.end(), name) != files.end()), name);
}

BOOST_DATA_TEST_CASE(every_example_runs, bdata::make(example_files()), name) {
    const ProgramResult text = run_program(program, {example(name)});
    BOOST_TEST(text.exit_status == 0, text.err);
    BOOST_TEST(text.err.empty());
    const std::string file_name = std::filesystem::path(name).filename();
    BOOST_TEST(text.out.find(file_name) != std::string::npos);
    const json out = run_json(program, {example(name)});
    BOOST_TEST(!out["description"].get<std::string>().empty(), name << " has no description");
    BOOST_TEST(out["source"] == file_name);
}

BOOST_AUTO_TEST_CASE(softmax_batch_is_a_batch_of_three_with_categorical_cross_entropy) {
    const json out = run_json(program, {example("softmax_batch.json")});
    BOOST_TEST(out["batch_size"] == 3);
    BOOST_TEST(out["loss_type"] == "categorical_cross_entropy");
    // With one-hot targets, delta of the softmax output is (y − t) / B.
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t k = 0; k < 3; ++k) {
            const double expected =
                (out["y"][s][k].get<double>() - out["t"][s][k].get<double>()) / 3;
            BOOST_TEST(std::abs(out["delta2"][s][k].get<double>() - expected) <= 1e-15);
        }
}

BOOST_AUTO_TEST_SUITE_END()
