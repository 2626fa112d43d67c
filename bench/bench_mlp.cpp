// One training step of an MLP (forward, backward, the whole SGD step) for every
// implementation this build has, on the 784-128-10 and 784-256-10 networks of the "Why
// vectorize" chapter, at batch sizes 1, 16, 64 and 256. Counters: FLOP/s (the matrix
// products' operations, see mlp.hpp) and samples/s.
//
//   bench_mlp --benchmark_filter=step/openblas/784-128-10/64
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "backprop/nn/mlp.hpp"

namespace {

using namespace backprop;

struct Problem {
    MlpParameters p;
    Matrix X, T;

    Problem(const std::vector<std::size_t>& sizes, std::size_t batch)
        : p(MlpParameters::random(sizes, activations::sigmoid, 1)),
          X(batch, sizes.front()),
          T(batch, sizes.back(), 0.0) {
        std::mt19937_64 generator(2);
        std::uniform_real_distribution<double> pixel(0.0, 1.0);
        for (double& x : X.data())
            x = pixel(generator);
        for (std::size_t s = 0; s < batch; ++s)
            T(s, s % sizes.back()) = 1.0;
    }
};

enum class Phase { forward, backward, step };

void counters(benchmark::State& state, double flops, std::size_t batch) {
    state.counters["FLOP/s"] =
        benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["samples/s"] = benchmark::Counter(static_cast<double>(batch),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void run(benchmark::State& state, const std::string& implementation,
         const std::vector<std::size_t>& sizes, std::size_t batch, Phase phase) {
    Problem problem(sizes, batch);
    const auto step = make_step(implementation);
    step->forward(problem.p, problem.X);
    step->backward(problem.p, problem.T);
    for (auto _ : state) {
        switch (phase) {
            case Phase::forward:
                benchmark::DoNotOptimize(step->forward(problem.p, problem.X).data().data());
                break;
            case Phase::backward:
                benchmark::DoNotOptimize(
                    step->backward(problem.p, problem.T).dJ_dW[0].data().data());
                break;
            case Phase::step:
                benchmark::DoNotOptimize(step->step(problem.p, problem.X, problem.T, 1e-3));
                break;
        }
    }
    const double flops = phase == Phase::forward ? forward_flops(sizes, batch)
                         : phase == Phase::backward
                             ? backward_flops(sizes, batch)
                             : forward_flops(sizes, batch) + backward_flops(sizes, batch);
    counters(state, flops, batch);
}

// Registers phase/implementation/network/batch for every combination.
const bool registered = [] {
    const std::vector<std::vector<std::size_t>> networks{{784, 128, 10}, {784, 256, 10}};
    const std::vector<std::pair<Phase, std::string>> phases{
        {Phase::forward, "forward"}, {Phase::backward, "backward"}, {Phase::step, "step"}};
    for (const auto& [phase, phase_name] : phases)
        for (std::string_view implementation : step_names())
            for (const auto& sizes : networks)
                for (std::size_t batch : {1, 16, 64, 256}) {
                    const std::string name = phase_name + "/" + std::string(implementation) + "/" +
                                             std::to_string(sizes[0]) + "-" +
                                             std::to_string(sizes[1]) + "-" +
                                             std::to_string(sizes[2]) + "/" + std::to_string(batch);
                    benchmark::RegisterBenchmark(name.c_str(), run, std::string(implementation),
                                                 sizes, batch, phase)
                        ->Unit(benchmark::kMicrosecond);
                }
    return true;
}();

}  // namespace
