// One training step of an MLP (forward, backward, the whole SGD step) for every
// matrix-product engine this build has, on the 784-128-10 and 784-256-10 networks of the "Why
// vectorize" chapter, at batch sizes 1, 16, 64 and 256. Counters: FLOP/s (the matrix
// products' operations, see mlp.hpp) and samples/s. With the default engine, the whole step
// two more ways (the automatic differentiation chapter): the hand-written backward pass and
// the update as two steps (unfused), and the gradients from the tape (tape). And the whole step
// in float32 for the GEMM engines (step_float32).
//
//   bench_mlp --benchmark_filter=step/openblas/784-128-10/64
//   bench_mlp --benchmark_filter='(step|unfused|tape)/eigen/784-128-10/64'
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "backprop/autodiff/tape.hpp"
#include "backprop/core/products.hpp"
#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/train/optimizer.hpp"

namespace {

using namespace backprop;

template <Scalar Float>
struct Problem {
    std::mt19937_64 generator{2};
    SequentialOf<Float> network;
    MatrixOf<Float> X, T, dJ_dZ;

    Problem(const std::vector<std::size_t>& sizes, std::size_t batch)
        : network(mlp<Float>(sizes, activations::sigmoid, 1)),
          X(converted<Float>(random_uniform(batch, sizes.front(), 0.0, 1.0, generator))),
          T(batch, sizes.back(), Float{0}) {
        for (std::size_t s = 0; s < batch; ++s)
            T(s, s % sizes.back()) = 1;
    }
};

enum class Phase { forward, backward, step, unfused, tape };

void counters(benchmark::State& state, double flops, std::size_t batch) {
    state.counters["FLOP/s"] =
        benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["samples/s"] = benchmark::Counter(static_cast<double>(batch),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

template <Scalar Float>
void run(benchmark::State& state, const std::string& engine, const std::vector<std::size_t>& sizes,
         std::size_t batch, Phase phase) {
    using Matrix = MatrixOf<Float>;
    Problem<Float> problem(sizes, batch);
    SequentialOf<Float>& network = problem.network;
    network.use_engine(products_named(engine));
    SgdOf<Float> sgd;
    // The loss gradient of the forward pass, then backward: every buffer has its size.
    softmax_cross_entropy_gradient(network.forward(problem.X), problem.T, problem.dJ_dZ);
    network.backward(problem.dJ_dZ);
    for (auto _ : state) {
        switch (phase) {
            case Phase::forward:
                benchmark::DoNotOptimize(network.forward(problem.X).data().data());
                break;
            case Phase::backward:  // from the logits of the forward above
                softmax_cross_entropy_gradient(network.layers.back()->output(), problem.T,
                                               problem.dJ_dZ);
                network.backward(problem.dJ_dZ);
                benchmark::DoNotOptimize(
                    network.template layer<LinearOf<Float>>(0).dJ_dW.data().data());
                break;
            case Phase::step: {  // as chapter 8 takes it: the SGD step inside backward
                const Matrix& Z = network.forward(problem.X);
                benchmark::DoNotOptimize(softmax_cross_entropy(Z, problem.T));
                softmax_cross_entropy_gradient(Z, problem.T, problem.dJ_dZ);
                sgd.backward_and_step(network, problem.dJ_dZ, 1e-3);
                break;
            }
            case Phase::unfused: {  // the hand-written backward pass, then the update
                const Matrix& Z = network.forward(problem.X);
                benchmark::DoNotOptimize(softmax_cross_entropy(Z, problem.T));
                softmax_cross_entropy_gradient(Z, problem.T, problem.dJ_dZ);
                network.backward(problem.dJ_dZ);
                sgd.step(network, 1e-3);
                break;
            }
            case Phase::tape:  // the gradients from the tape (double only), then the same update
                if constexpr (std::same_as<Float, double>) {
                    autodiff::Tape tape(products_named(engine));
                    const autodiff::RecordedNetwork recorded =
                        record(tape, network, tape.constant(problem.X, "X"));
                    const autodiff::Var J = tape.softmax_cross_entropy(recorded.output, problem.T);
                    benchmark::DoNotOptimize(tape.value(J)(0, 0));
                    tape.backward(J);
                    store_gradients(tape, recorded, network);
                    sgd.step(network, 1e-3);
                }
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
        for (const Products& engine : available_products())
            for (const auto& sizes : networks)
                for (std::size_t batch : {1, 16, 64, 256}) {
                    const std::string name = phase_name + "/" + std::string(engine.name) + "/" +
                                             std::to_string(sizes[0]) + "-" +
                                             std::to_string(sizes[1]) + "-" +
                                             std::to_string(sizes[2]) + "/" + std::to_string(batch);
                    benchmark::RegisterBenchmark(name.c_str(), run<double>,
                                                 std::string(engine.name), sizes, batch, phase)
                        ->Unit(benchmark::kMicrosecond);
                }
    // The whole step in float32, for the GEMM engines: chapter 8's precision axis.
    for (const Products& engine : available_products())
        if (engine.name == "openblas" || engine.name == "eigen")
            for (const auto& sizes : networks)
                for (std::size_t batch : {16, 64, 256}) {
                    const std::string name = "step_float32/" + std::string(engine.name) + "/" +
                                             std::to_string(sizes[0]) + "-" +
                                             std::to_string(sizes[1]) + "-" +
                                             std::to_string(sizes[2]) + "/" + std::to_string(batch);
                    benchmark::RegisterBenchmark(name.c_str(), run<float>, std::string(engine.name),
                                                 sizes, batch, Phase::step)
                        ->Unit(benchmark::kMicrosecond);
                }
    const Products& engine = fastest_products();
    for (const auto& [phase, phase_name] :
         {std::pair{Phase::unfused, "unfused"}, std::pair{Phase::tape, "tape"}})
        for (const auto& sizes : networks)
            for (std::size_t batch : {1, 16, 64, 256}) {
                const std::string name = std::string(phase_name) + "/" + std::string(engine.name) +
                                         "/" + std::to_string(sizes[0]) + "-" +
                                         std::to_string(sizes[1]) + "-" + std::to_string(sizes[2]) +
                                         "/" + std::to_string(batch);
                benchmark::RegisterBenchmark(name.c_str(), run<double>, std::string(engine.name),
                                             sizes, batch, phase)
                    ->Unit(benchmark::kMicrosecond);
            }
    return true;
}();

}  // namespace
