// Chapter 7: why a learning rate? (the article's FAQ 9.2)
//
// The article says that a learning rate too large oscillates or diverges and one too small
// converges slowly. On a problem whose loss is an exact quadratic this can be made precise:
// least squares with one linear layer (identity activation, no bias, loss ½ mean (y − t)²)
// on a small fixed dataset of two correlated features, trained by full-batch gradient
// descent from w = 0. The loss is
//
//     J(w) = J* + ½ (w − w*)ᵀ H (w − w*),   H = XᵀX / B,
//
// and each step multiplies the error w − w* along the eigenvector of H with eigenvalue λ by
// (1 − αλ). So the program computes λ_min and λ_max, the rates where the behaviour changes
// (1/λ_max: oscillation starts; 2/λ_max: divergence starts; 2/(λ_min + λ_max): fastest), and
// runs a sweep of rates chosen relative to them, reporting for each whether the loss diverged,
// whether the weights oscillated, and how many steps the loss took to reach a tolerance.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/linalg.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

// The dataset: B = 16 samples whose two features have correlation about 0.9, and targets
// t = 2 x1 − x2 + noise. Fixed (Boost.Random, seed 9), so every run and every machine sees
// the same numbers.
struct Data {
    Matrix X;  ///< (16, 2)
    Matrix t;  ///< (16, 1)
};
//! [data]
Data make_data() {
    constexpr std::size_t B = 16;
    constexpr double correlation = 0.9, noise = 0.1;
    boost::random::mt19937 generator(9);
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    Data d{Matrix(B, 2), Matrix(B, 1)};
    for (std::size_t i = 0; i < B; ++i) {
        const double u = normal(generator), v = normal(generator), e = normal(generator);
        d.X(i, 0) = u;
        d.X(i, 1) = correlation * u + std::sqrt(1 - correlation * correlation) * v;
        d.t(i, 0) = 2 * d.X(i, 0) - d.X(i, 1) + noise * e;
    }
    return d;
}
//! [data]

// The eigenvalues of a symmetric 2x2 matrix [[a, b], [b, c]] and the unit eigenvector of the
// larger one.
struct Eigen2 {
    double lambda_min, lambda_max;
    Vector v_max;
};
//! [eigen]
Eigen2 eigen_symmetric_2x2(const Matrix& H) {
    const double a = H(0, 0), b = H(0, 1), c = H(1, 1);
    // λ = m ± r: the roots of λ² − (a + c) λ + (ac − b²) = 0.
    const double m = (a + c) / 2, r = std::hypot((a - c) / 2, b);
    Eigen2 e{m - r, m + r, Vector(2)};
    // (H − λ_max I) v = 0 gives v ∝ (b, λ_max − a), or (λ_max − c, b): take the longer.
    const double x1 = b, y1 = e.lambda_max - a, x2 = e.lambda_max - c, y2 = b;
    const bool first = std::hypot(x1, y1) >= std::hypot(x2, y2);
    const double x = first ? x1 : x2, y = first ? y1 : y2, n = std::hypot(x, y);
    e.v_max(0) = n > 0 ? x / n : 1.0;
    e.v_max(1) = n > 0 ? y / n : 0.0;
    return e;
}
//! [eigen]

// One run of the sweep.
struct Run {
    std::string name, label;  // an identifier, and the rate for people
    double rate = 0;
    std::vector<double> loss;          // J before each step, then after the last
    std::vector<double> w1, w2;        // the weights before each step, then after the last
    std::vector<double> step_along_v;  // (w_{k+1} − w_k) · v_max, per step
    bool diverged = false;
    std::size_t sign_changes = 0, sign_pairs = 0;
    bool oscillated = false;
    std::optional<std::size_t> steps_to_tolerance;
};

// What the Hessian says of the loss: its eigenvalues, the critical learning rates, the minimum,
// and what theory predicts of each rate.
struct Analysis {
    Matrix H;  // (2, 2)
    Eigen2 eigen;
    double lambda_min, lambda_max;
    double oscillation_rate, divergence_rate, fastest_rate;
    Matrix w_star;  // (2, 1)
    double J_star;
    // The same data standardised: each feature centred and scaled to unit variance over the
    // batch. Its H is the features' correlation matrix [[1, r], [r, 1]].
    Vector feature_means, feature_sds;  // (2)
    Matrix H_standardised;              // (2, 2)
    double correlation, condition_number_standardised;

    // The error along each eigenvector is multiplied by 1 − αλ per step, so J − J* falls at
    // least by the square of the larger factor.
    static double factor(double rate, double lambda) { return 1 - rate * lambda; }
    double contraction(double rate) const {
        return std::max(std::abs(factor(rate, lambda_min)), std::abs(factor(rate, lambda_max)));
    }
    std::optional<std::size_t> steps_bound(double rate, double tolerance) const {
        const double c = contraction(rate);
        if (c >= 1) return std::nullopt;
        if (c == 0) return 1;
        return std::size_t(std::ceil(std::log(tolerance) / (2 * std::log(c))));
    }
};

Analysis analyse(const Matrix& X, const Matrix& t) {
    const double B = double(X.size1());
    Analysis a;
    //! [hessian]
    // J(w) = ½ mean (x w − t)² has gradient Xᵀ(Xw − t)/B and Hessian H = XᵀX/B.
    a.H = matmul_At_B(X, X) / B;  // (2, 2)
    a.eigen = eigen_symmetric_2x2(a.H);
    a.lambda_min = a.eigen.lambda_min, a.lambda_max = a.eigen.lambda_max;
    a.oscillation_rate = 1 / a.lambda_max;               // 1 − αλ_max < 0 above
    a.divergence_rate = 2 / a.lambda_max;                // |1 − αλ_max| > 1 above
    a.fastest_rate = 2 / (a.lambda_min + a.lambda_max);  // the two factors balance
    //! [hessian]

    // The minimum: H w* = Xᵀt/B (Cramer's rule), and the loss there.
    const Matrix& H = a.H;
    const Matrix g = matmul_At_B(X, t) / B;  // (2, 1)
    const double det = H(0, 0) * H(1, 1) - H(0, 1) * H(1, 0);
    a.w_star = Matrix(2, 1);
    a.w_star(0, 0) = (H(1, 1) * g(0, 0) - H(0, 1) * g(1, 0)) / det;
    a.w_star(1, 0) = (H(0, 0) * g(1, 0) - H(1, 0) * g(0, 0)) / det;
    a.J_star = mse(matmul(X, a.w_star), t);

    // Standardised: x_ij ← (x_ij − mean_j) / sd_j. The correlation coefficient r of the two
    // features does not change (it is defined on centred, scaled features), only H does.
    Matrix Xs = X;
    a.feature_means = column_sums(X) / B;
    a.feature_sds = Vector(2, 0.0);
    for (std::size_t i = 0; i < X.size1(); ++i)
        for (std::size_t j = 0; j < 2; ++j) {
            Xs(i, j) -= a.feature_means(j);
            a.feature_sds(j) += Xs(i, j) * Xs(i, j) / B;
        }
    for (std::size_t j = 0; j < 2; ++j) {
        a.feature_sds(j) = std::sqrt(a.feature_sds(j));
        column(Xs, j) /= a.feature_sds(j);
    }
    a.H_standardised = matmul_At_B(Xs, Xs) / B;  // (2, 2), ones on the diagonal
    a.correlation = a.H_standardised(0, 1);
    const Eigen2 standardised = eigen_symmetric_2x2(a.H_standardised);
    a.condition_number_standardised = standardised.lambda_max / standardised.lambda_min;
    return a;
}

constexpr double tolerance = 1e-6;  // converged: J − J* ≤ tolerance · (J₀ − J*)
constexpr double divergence = 1e3;  // diverged: J non-finite or above 1000 J₀

// Every number of the sweep, for programs.
nlohmann::json sweep_json(const Matrix& X, const Matrix& t, const Analysis& a, std::size_t steps,
                          const std::vector<Run>& runs) {
    nlohmann::json runs_json = nlohmann::json::array();
    for (const Run& run : runs) {
        std::vector<double> excess;
        for (double J : run.loss)
            excess.push_back((J - a.J_star) / (run.loss.front() - a.J_star));
        const auto bound = a.steps_bound(run.rate, tolerance);
        runs_json.push_back(
            {{"name", run.name},
             {"label", run.label},
             {"lr", run.rate},
             {"lr_times_lambda_max", run.rate * a.lambda_max},
             {"factor_max", Analysis::factor(run.rate, a.lambda_max)},
             {"factor_min", Analysis::factor(run.rate, a.lambda_min)},
             {"contraction", a.contraction(run.rate)},
             {"time_constant_flat", 1 / (run.rate * a.lambda_min)},
             {"time_constant_flat_steps", std::llround(1 / (run.rate * a.lambda_min))},
             {"steps_bound", bound ? nlohmann::json(*bound) : nullptr},
             {"tolerance", tolerance},
             {"initial_loss", run.loss.front()},
             {"final_loss", run.loss.back()},
             {"final_excess", excess.back()},
             {"diverged", run.diverged},
             {"oscillated", run.oscillated},
             {"sign_changes", run.sign_changes},
             {"sign_pairs", run.sign_pairs},
             {"converged", run.steps_to_tolerance.has_value()},
             {"steps_to_tolerance",
              run.steps_to_tolerance ? nlohmann::json(*run.steps_to_tolerance) : nullptr},
             {"loss", run.loss},
             {"excess", excess},
             {"w1", run.w1},
             {"w2", run.w2}});
    }
    return nlohmann::json{{"steps", steps},
                          {"samples", X.size1()},
                          {"X", json_matrix(X)},
                          {"t", json_vector(Matrix(trans(t)))},
                          {"H", json_matrix(a.H)},
                          {"lambda_min", a.lambda_min},
                          {"lambda_max", a.lambda_max},
                          {"condition_number", a.lambda_max / a.lambda_min},
                          {"v_max", json_vector(a.eigen.v_max)},
                          {"oscillation_rate", a.oscillation_rate},
                          {"divergence_rate", a.divergence_rate},
                          {"fastest_rate", a.fastest_rate},
                          {"fastest_contraction", a.contraction(a.fastest_rate)},
                          {"w_star", json_vector(Matrix(trans(a.w_star)))},
                          {"J_star", a.J_star},
                          {"feature_means", json_vector(a.feature_means)},
                          {"feature_sds", json_vector(a.feature_sds)},
                          {"correlation", a.correlation},
                          {"H_standardised", json_matrix(a.H_standardised)},
                          {"condition_number_standardised", a.condition_number_standardised},
                          {"tolerance", tolerance},
                          {"divergence_factor", divergence},
                          {"runs", runs_json}};
}

// The sweep for people.
void print_sweep(const Matrix& X, const Matrix& t, const Analysis& a, std::size_t steps,
                 const std::vector<Run>& runs) {
    Report report(std::cout);
    report.title("Chapter 7: Why a learning rate?");
    report.section(fmt::format("The data: {} samples, two correlated features", X.size1()));
    report.text(fmt::format("{:>14}{:>14}{:>14}", "x1", "x2", "t"));
    for (std::size_t i = 0; i < X.size1(); ++i)
        report.text(fmt::format("{:>14.6f}{:>14.6f}{:>14.6f}", X(i, 0), X(i, 1), t(i, 0)));
    report.section("The loss J(w) = ½ mean (x w − t)² is a quadratic");
    report.value("H = XᵀX / B", a.H);
    report.value("λ_min", a.lambda_min);
    report.value("λ_max", a.lambda_max);
    report.value("λ_max / λ_min", a.lambda_max / a.lambda_min);
    report.value("top eigenvector v", a.eigen.v_max);
    report.value("w* (minimum)", Matrix(trans(a.w_star)));
    report.value_scientific("J* = J(w*)", a.J_star);
    report.section("The same features standardised (centred, unit variance)");
    report.value("means of x1, x2", a.feature_means);
    report.value("standard deviations", a.feature_sds);
    report.value("H, standardised", a.H_standardised);
    report.value("correlation r", a.correlation);
    report.value("λ_max / λ_min then", a.condition_number_standardised);
    report.section("Critical learning rates");
    report.value("1/λ_max (oscillation)", a.oscillation_rate);
    report.value("2/λ_max (divergence)", a.divergence_rate);
    report.value("2/(λ_min+λ_max) (best)", a.fastest_rate);

    report.section(fmt::format("Gradient descent from w = 0, {} steps", steps));
    report.text(
        fmt::format("converged: J − J* ≤ {:g} (J₀ − J*); diverged: J above {:g} J₀ or not finite",
                    tolerance, divergence));
    report.text("");
    report.text(fmt::format("{:<15}{:>12}{:>8}{:>9}{:>9}{:>14}{:>10}{:>12}{:>11}", "rate", "α",
                            "αλmax", "1−αλmin", "1−αλmax", "final J", "diverged", "oscillated",
                            "converged"));
    for (const Run& run : runs)
        report.text(
            fmt::format("{:<15}{}{}{}{}{:>14.6e}{:>10}{:>12}{:>11}", run.label,
                        table_cell(run.rate, 12, 6), table_cell(run.rate * a.lambda_max, 8, 3),
                        table_cell(Analysis::factor(run.rate, a.lambda_min), 9, 4),
                        table_cell(Analysis::factor(run.rate, a.lambda_max), 9, 4), run.loss.back(),
                        run.diverged ? "yes" : "no", run.oscillated ? "yes" : "no",
                        run.steps_to_tolerance ? fmt::format("at {}", *run.steps_to_tolerance)
                                               : std::string("no")));
}

}  // namespace

int main(int argc, char** argv) {
    Program program{
        "Chapter 7: why a learning rate? Gradient descent on a quadratic loss, for "
        "learning rates chosen relative to the Hessian's eigenvalues.",
        "ch07_learning_rate"};
    std::size_t steps = 300;
    std::vector<double> rates;
    program.app.add_option("--steps", steps, "Gradient-descent steps per learning rate")
        ->check(whole_number(1, 1'000'000))
        ->capture_default_str();
    add_list_option(program.app, "--rates", rates,
                    "Learning rates to run, e.g. 0.1,0.5,1 (default: six rates chosen relative to "
                    "the eigenvalues, see the output)",
                    positive_finite);
    return program.run(argc, argv, [&] {
        const Data data = make_data();
        const Matrix& X = data.X;
        const Matrix& t = data.t;
        const Analysis a = analyse(X, t);
        const double lambda_max = a.lambda_max, J_star = a.J_star;

        // The sweep: by default six rates, chosen relative to the eigenvalues.
        std::vector<Run> runs;
        const auto add_run = [&](std::string name, std::string label, double rate) {
            runs.emplace_back();
            runs.back().name = std::move(name);
            runs.back().label = std::move(label);
            runs.back().rate = rate;
        };
        if (rates.empty()) {
            for (const auto& [name, label, rate] :
                 {std::tuple{"crawl", "0.02/λmax", 0.02 / lambda_max},
                  {"smooth", "0.5/λmax", 0.5 / lambda_max},
                  {"oscillate", "1.5/λmax", 1.5 / lambda_max},
                  {"fastest", "2/(λmin+λmax)", a.fastest_rate},
                  {"edge", "1.98/λmax", 1.98 / lambda_max},
                  {"diverge", "2.1/λmax", 2.1 / lambda_max}})
                add_run(name, label, rate);
        } else {
            for (std::size_t i = 0; i < rates.size(); ++i)
                add_run(fmt::format("rate{}", i + 1), fmt::format("{}", rates[i]), rates[i]);
        }

        for (Run& run : runs) {
            Sequential network(Linear(Matrix(2, 1, 0.0)));  // y = Xw, w = 0
            Sgd sgd;
            const Matrix& w = network.layer<Linear>(0).W;
            const auto record = [&](double J) {
                run.loss.push_back(J);
                run.w1.push_back(w(0, 0));
                run.w2.push_back(w(1, 0));
            };
            //! [descend]
            for (std::size_t step = 0; step < steps; ++step) {
                const Matrix& y = network.forward(X);  // (16, 1)
                record(mse(y, t));
                network.backward(mse_gradient(y, t));
                sgd.step(network, run.rate);  // w ← w − α Xᵀ(Xw − t)/B
                if (!std::isfinite(w(0, 0)) || !std::isfinite(w(1, 0))) break;
            }
            //! [descend]
            if (run.loss.size() == steps) record(mse(network.forward(X), t));
            // Drop what is no longer a number (a run that blew up), keep the rest.
            while (!run.loss.empty() && !std::isfinite(run.loss.back())) {
                run.loss.pop_back();
                run.w1.pop_back();
                run.w2.pop_back();
            }

            const double J0 = run.loss.front();
            run.diverged = run.loss.size() < steps + 1;
            for (std::size_t k = 0; k < run.loss.size(); ++k) {
                if (run.loss[k] > divergence * J0) run.diverged = true;
                if (!run.steps_to_tolerance && run.loss[k] - J_star <= tolerance * (J0 - J_star))
                    run.steps_to_tolerance = k;
            }
            // Oscillation: the step's component along the top eigenvector changes sign. Steps
            // that have shrunk to rounding noise (below 1e-9 of the largest) do not count.
            double largest = 0;
            for (std::size_t k = 0; k + 1 < run.w1.size(); ++k) {
                run.step_along_v.push_back((run.w1[k + 1] - run.w1[k]) * a.eigen.v_max(0) +
                                           (run.w2[k + 1] - run.w2[k]) * a.eigen.v_max(1));
                largest = std::max(largest, std::abs(run.step_along_v.back()));
            }
            for (std::size_t k = 0; k + 1 < run.step_along_v.size(); ++k) {
                const double p = run.step_along_v[k], q = run.step_along_v[k + 1];
                if (std::abs(p) <= 1e-9 * largest || std::abs(q) <= 1e-9 * largest) continue;
                ++run.sign_pairs;
                run.sign_changes += (p > 0) != (q > 0);
            }
            run.oscillated = run.sign_pairs > 0 && 2 * run.sign_changes > run.sign_pairs;
        }

        if (program.json.emit(sweep_json(X, t, a, steps, runs))) return 0;
        print_sweep(X, t, a, steps, runs);
        return 0;
    });
}
