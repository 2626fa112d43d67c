// Errata: every number the article's worked example prints, recomputed.
//
// The article (section 4.3) prints each step of one forward and backward pass of its 2-3-1
// network. Most of those numbers do not follow from its inputs. For each printed number
// this program gives
//
//   - the printed number, exactly as the article writes it;
//   - the value recomputed from the inputs x, t, W1, W2 and α;
//   - whether the two are equal at the digits printed;
//   - for a wrong number, whether it at least follows from the article's own previous
//     printed step (an error carried forward) or not (a new error).

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/calculator/written_number.hpp"
#include "backprop/cli/cli.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/worked_example.hpp"

using namespace backprop;

namespace {

// The article's printed numbers for one quantity, one sample as a row (as the computation
// below uses them; the article prints delta1 as a column).
using PrintedMatrix = std::vector<std::vector<WrittenNumber>>;

// The numbers of a PrintedMatrix, from their text, row by row.
PrintedMatrix printed(std::initializer_list<std::initializer_list<const char*>> rows) {
    PrintedMatrix m;
    for (const auto& row : rows) {
        m.emplace_back();
        for (const char* text : row)
            m.back().emplace_back(text);
    }
    return m;
}

// One row of the errata table.
struct Erratum {
    std::string quantity;
    WrittenNumber printed;  ///< as the article prints it: right at the digits printed?
    double computed;        ///< recomputed from the inputs
    double from_printed;    ///< recomputed from the article's previous printed step
    bool ok() const { return printed.agrees_with(computed); }
    bool follows_from_printed() const { return printed.agrees_with(from_printed); }
    std::string verdict() const {
        return ok() ? "correct" : follows_from_printed() ? "carried forward" : "new error";
    }
};

Matrix values(const PrintedMatrix& printed) {
    Matrix m(printed.size(), printed.front().size());
    for (std::size_t i = 0; i < m.size1(); ++i)
        for (std::size_t j = 0; j < m.size2(); ++j)
            m(i, j) = printed[i][j].value();
    return m;
}

// Adds one erratum per printed entry of \p name.
void add(std::vector<Erratum>& errata, const std::string& name, const PrintedMatrix& printed,
         const Matrix& computed, const Matrix& from_printed) {
    // Name entries as the article prints them: y, z1[2], W1_new[1][0].
    const auto entry = [&](std::size_t i, std::size_t j) {
        if (printed.size() == 1 && printed[0].size() == 1) return name;
        if (printed.size() == 1) return fmt::format("{}[{}]", name, j);
        return fmt::format("{}[{}][{}]", name, i, j);
    };
    for (std::size_t i = 0; i < printed.size(); ++i)
        for (std::size_t j = 0; j < printed[i].size(); ++j)
            errata.push_back({entry(i, j), printed[i][j], computed(i, j), from_printed(i, j)});
}

}  // namespace

int main(int argc, char** argv) {
    Program program{"Errata: every number the article's worked example prints, recomputed.",
                    "errata"};
    return program.run(argc, argv, [&] {
        //! [printed]
        // The article's section 4.3, number for number.
        const PrintedMatrix z1_printed = printed({{"0.47", "0.74", "1.01"}});
        const PrintedMatrix a1_printed = printed({{"0.615", "0.677", "0.734"}});
        const PrintedMatrix z2_printed = printed({{"1.716"}});
        const PrintedMatrix y_printed = printed({{"0.845"}});
        const PrintedMatrix J_printed = printed({{"0.011"}});
        const PrintedMatrix delta2_printed = printed({{"0.013"}});
        const PrintedMatrix delta1_printed = printed({{"0.004", "0.006", "0.008"}});
        const PrintedMatrix W1_new_printed = printed({{"0.099", "0.198", "0.297"},  //
                                                      {"0.396", "0.495", "0.594"}});
        const PrintedMatrix W2_new_printed = printed({{"0.700"}, {"0.799"}, {"0.898"}});
        //! [printed]

        //! [steps]
        // Each step of the worked example as a function of the step before it.
        const Matrix x = worked_example::x(), t = worked_example::t();
        const Matrix W1 = worked_example::W1(), W2 = worked_example::W2();
        const double alpha = worked_example::alpha;
        const Activation sigma = activations::sigmoid;
        const auto step_a1 = [&](const Matrix& z1) { return sigma(z1); };
        const auto step_z2 = [&](const Matrix& a1) { return matmul(a1, W2); };
        const auto step_y = [&](const Matrix& z2) { return sigma(z2); };
        const auto step_J = [&](const Matrix& y) { return Matrix(1, 1, mse(y, t)); };
        const auto step_delta2 = [&](const Matrix& y, const Matrix& z2) {
            return hadamard(mse_gradient(y, t), sigma.derivative(z2));
        };
        const auto step_delta1 = [&](const Matrix& delta2, const Matrix& z1) {
            return hadamard(matmul_A_Bt(delta2, W2), sigma.derivative(z1));
        };
        const auto step_W1_new = [&](const Matrix& delta1) {
            return Matrix(W1 - alpha * matmul_At_B(x, delta1));
        };
        const auto step_W2_new = [&](const Matrix& delta2, const Matrix& a1) {
            return Matrix(W2 - alpha * matmul_At_B(a1, delta2));
        };
        //! [steps]

        //! [recompute]
        // The true values: every step from the true step before it.
        const Matrix z1 = matmul(x, W1), a1 = step_a1(z1), z2 = step_z2(a1), y = step_y(z2);
        const Matrix delta2 = step_delta2(y, z2), delta1 = step_delta1(delta2, z1);

        // The same steps from the article's printed previous step.
        std::vector<Erratum> errata;
        add(errata, "z1", z1_printed, z1, z1);  // from the inputs alone
        add(errata, "a1", a1_printed, a1, step_a1(values(z1_printed)));
        add(errata, "z2", z2_printed, z2, step_z2(values(a1_printed)));
        add(errata, "y", y_printed, y, step_y(values(z2_printed)));
        add(errata, "J", J_printed, step_J(y), step_J(values(y_printed)));
        add(errata, "delta2", delta2_printed, delta2,
            step_delta2(values(y_printed), values(z2_printed)));
        add(errata, "delta1", delta1_printed, delta1,
            step_delta1(values(delta2_printed), values(z1_printed)));
        add(errata, "W1_new", W1_new_printed, step_W1_new(delta1),
            step_W1_new(values(delta1_printed)));
        add(errata, "W2_new", W2_new_printed, step_W2_new(delta2, a1),
            step_W2_new(values(delta2_printed), values(a1_printed)));
        //! [recompute]

        nlohmann::json list = nlohmann::json::array();
        for (const Erratum& e : errata)
            list.push_back({{"quantity", e.quantity},
                            {"printed", e.printed.value()},
                            {"printed_text", e.printed.text()},
                            {"computed", e.computed},
                            {"ok", e.ok()},
                            {"from_printed", e.from_printed},
                            {"follows_from_printed", e.follows_from_printed()},
                            {"verdict", e.verdict()}});
        if (program.json.emit(list)) return 0;

        Report report(std::cout);
        report.title("Errata: the article's worked example (section 4.3), recomputed");
        report.text("recomputed: from the inputs x, t, W1, W2 and α.");
        report.text("from printed: the same step applied to the article's previous printed step.");
        report.text("correct: equal to the recomputed value at the digits printed.");
        report.text("");
        report.text(fmt::format("{:<14}{:>9}{:>14}{:>14}  {}", "quantity", "printed", "recomputed",
                                "from printed", "verdict"));
        std::size_t correct = 0;
        const Erratum* first_error = nullptr;
        for (const Erratum& e : errata) {
            report.text(fmt::format("{:<14}{:>9}{:>14.8f}{:>14.8f}  {}", e.quantity,
                                    e.printed.text(), e.computed, e.from_printed, e.verdict()));
            if (e.ok())
                ++correct;
            else if (!first_error)
                first_error = &e;
        }
        report.text("");
        report.text(fmt::format("{} of {} printed numbers are correct.", correct, errata.size()));
        if (first_error)
            report.text(fmt::format(
                "The calculation first goes wrong at {}: printed {}, true {:.8f}.",
                first_error->quantity, first_error->printed.text(), first_error->computed));
        return 0;
    });
}
