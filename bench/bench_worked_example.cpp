// One epoch of chapter 5's training (forward, loss, backward, update) on the worked
// example's 2-3-1 network. The article's numpy program takes 30-40 µs per epoch; at this
// size the cost is all overhead (allocation, dispatch), not arithmetic.
#include <benchmark/benchmark.h>

#include "backprop/nn/loss.hpp"
#include "backprop/nn/worked_example.hpp"
#include "backprop/train/optimizer.hpp"

namespace {

using namespace backprop;

void BM_worked_example_epoch(benchmark::State& state) {
    const Matrix x = worked_example::x(), t = worked_example::t();
    Sequential network = worked_example::network();
    Sgd sgd;
    for (auto _ : state) {
        const Matrix& y = network.forward(x);
        const double J = mse(y, t);
        network.backward(mse_gradient(y, t));
        sgd.step(network, worked_example::alpha);
        benchmark::DoNotOptimize(J);
    }
    state.counters["epochs/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_worked_example_epoch);

}  // namespace
