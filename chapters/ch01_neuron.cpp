// Chapter 1: the neuron.
//
// A neuron multiplies each input by a weight, adds the products (and a bias, which the
// article's neurons do not have) into the weighted sum z, and passes z through an
// activation f. Backpropagation will need f'(z) as well, so this chapter prints each
// activation next to its derivative.
//
// The neuron shown is the first hidden neuron of the article's worked example: its
// weights are the first column of W1, the weights entering neuron 1 from x1 and x2.

#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/json.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/activation.hpp"
#include "backprop/nn/neuron.hpp"
#include "backprop/nn/worked_example.hpp"

using namespace backprop;

int main(int argc, char** argv) {
    Program program{"Chapter 1: a single neuron, and each activation with its derivative.",
                    "ch01_neuron"};
    std::vector<double> points{-2.0, -1.0, 0.0, 1.0, 2.0};
    add_list_option(program.app, "--points", points,
                    "Where to evaluate each activation and its derivative",
                    finite_number(-1e6, 1e6));
    return program.run(argc, argv, [&] {
        //! [neuron]
        // The first hidden neuron of the worked example: the weights entering it from x1
        // and x2 are the first column of W1 (row i of W1 belongs to input i).
        const Matrix W1 = worked_example::W1();
        const Vector x = row(worked_example::x(), 0);
        const Neuron neuron{.w = column(W1, 0), .b = 0.0, .f = activations::sigmoid};

        const double z = neuron.weighted_sum(x);  // z = w · x + b
        const double a = neuron.f.f(z);           // a = σ(z)
        //! [neuron]

        //! [activations]
        // Each activation f and its derivative f', at every point z.
        Matrix z_points(1, points.size());
        std::copy(points.begin(), points.end(), z_points.data().begin());
        nlohmann::json table;
        for (const Activation& f : activations::all)
            table[std::string(f.name)] = {{"f", json_vector(f(z_points))},
                                          {"df", json_vector(f.derivative(z_points))}};
        //! [activations]

        if (program.json.emit(nlohmann::json{{"x", json_vector(x)},
                                             {"w", json_vector(neuron.w)},
                                             {"b", neuron.b},
                                             {"z", z},
                                             {"a", a},
                                             {"points", points},
                                             {"activations", table}}))
            return 0;

        Report report(std::cout);
        report.title("Chapter 1: The neuron");
        report.section("The first hidden neuron of the worked example");
        report.value("x", x);
        report.value("w (first column of W1)", neuron.w);
        report.value("b", neuron.b);
        report.value("z = w · x + b", z);
        report.value("a = σ(z)", a);

        report.section("Each activation f and its derivative f'");
        report.value("z", z_points);
        for (const Activation& f : activations::all) {
            const std::string name(f.name);
            report.value(name + "(z)", f(z_points));
            report.value(name + "'(z)", f.derivative(z_points));
        }
        return 0;
    });
}
