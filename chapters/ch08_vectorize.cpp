// Chapter 8: why vectorize.
//
// The article's code (and chapters 1-5) think one sample and one neuron at a time. Real
// training pushes tens of thousands of samples through layers of hundreds of neurons, and
// then how the arithmetic is arranged matters more than how much of it there is. This
// chapter times one training epoch of a Fashion-MNIST-sized network (784-128-10, sigmoid
// hidden layer, softmax with cross-entropy, mini-batches of 64) computed five ways that give
// the same numbers. The network is the library's Sequential of chapters 4 and 5; what
// changes is the engine its Linear layers compute their three products with:
//
//   naive        per sample, per neuron: z_j = sum_i x_i W_ij, one loop per neuron
//   ublas_prod   uBLAS's prod() on the whole batch
//   ublas_axpy   uBLAS's axpy_prod()
//   openblas     OpenBLAS's dgemm on the same matrices
//   eigen        Eigen's GEMM on the same matrices
//
// Each step is plain SGD, taken inside the backward pass (Sgd::backward_and_step), so that
// the weight gradient goes straight into the weights.
//
// and sets each against the machine's peak, measured with an FMA-throughput loop.
//
// Then the same epoch in float32 with the two GEMM engines, against the single-precision peak:
// half the bytes per number, twice the numbers per vector instruction. And the fastest of
// those on every core of the machine (--threads), against one.
//
// The data is random (the speed does not depend on it): a pool of samples reused in turn.
// By default the chapter times 6 400 samples per implementation and scales the time to a
// 60 000-sample epoch; --samples 60000 times a whole epoch.

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/peak.hpp"
#include "backprop/core/products.hpp"
#include "backprop/data/random_batches.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

// One training step: forward, the batch's mean loss, and backward with the SGD step inside.
template <Scalar Float>
double train_step(SequentialOf<Float>& network, SgdOf<Float>& sgd, const MatrixOf<Float>& X,
                  const MatrixOf<Float>& T, double learning_rate, MatrixOf<Float>& dJ_dZ) {
    const MatrixOf<Float>& Z = network.forward(X);
    const double J = softmax_cross_entropy(Z, T);
    softmax_cross_entropy_gradient(Z, T, dJ_dZ);
    sgd.backward_and_step(network, dJ_dZ, learning_rate);
    return J;
}

// One implementation's measurement.
struct Timing {
    std::string name;
    double seconds = 0;        ///< for the samples timed
    double epoch_seconds = 0;  ///< scaled to a 60 000-sample epoch
    double flops_per_second = 0;
    double samples_per_second = 0;
    double final_loss = 0;  ///< the same, to rounding, for every implementation
};

/// The project's targets for this network: a GEMM-backed epoch at least 20 times faster than
/// the naive one, and at least 40 % of the core's peak, judged on the best implementation timed.
// The time \p name took among \p timings (its float64 run), or NaN if it was not timed.
double seconds_of(const std::vector<Timing>& timings, const std::string& name) {
    for (const Timing& t : timings)
        if (t.name == name) return t.seconds;
    return std::numeric_limits<double>::quiet_NaN();
}

struct Targets {
    static constexpr double speedup = 20;
    static constexpr double percent_of_peak = 40;
    const Timing* fastest = nullptr;  ///< the shortest epoch
    double best_speedup = 0;          ///< over the naive code; 0 when it was not timed
    double best_percent_of_peak = 0;
    double naive_percent_of_peak = 0;

    Targets(const std::vector<Timing>& timings, double peak_flops_per_second) {
        for (const Timing& t : timings)
            if (!fastest || t.seconds < fastest->seconds) fastest = &t;
        best_percent_of_peak = 100 * fastest->flops_per_second / peak_flops_per_second;
        if (timings.front().name == "naive") {
            best_speedup = timings.front().seconds / fastest->seconds;
            naive_percent_of_peak = 100 * timings.front().flops_per_second / peak_flops_per_second;
        }
    }
    /// What a speedup of 20 over the naive code means in fraction of peak.
    [[nodiscard]] double percent_of_peak_for_speedup() const {
        return speedup * naive_percent_of_peak;
    }
};

std::string verdict(bool met) {
    return met ? "met" : "not met";
}

// The pool's batches in precision Float.
template <Scalar Float>
struct Batches {
    std::vector<MatrixOf<Float>> X, T;
    explicit Batches(const RandomBatches& pool) {
        for (std::size_t k = 0; k < pool.X.size(); ++k) {
            X.push_back(converted<Float>(pool.X[k]));
            T.push_back(converted<Float>(pool.T[k]));
        }
    }
};

// What every timing shares: the network, the batches, how much to time and how to scale it.
struct Workload {
    std::vector<std::size_t> sizes;
    std::size_t batch, steps, epoch;
    double flops_per_step;
};

// One epoch of \p engine in precision Float, timed on the workload's steps.
template <Scalar Float>
Timing time_epoch(const std::string& engine, const Workload& w, const Batches<Float>& pool) {
    //! [time]
    SequentialOf<Float> network = mlp<Float>(w.sizes, activations::sigmoid, 42);
    network.use_engine(products_named(engine));
    SgdOf<Float> sgd;
    MatrixOf<Float> dJ_dZ;
    train_step(network, sgd, pool.X[0], pool.T[0], 0.0, dJ_dZ);  // warm up the buffers

    double loss = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t k = 0; k < w.steps; ++k)
        loss = train_step(network, sgd, pool.X[k % pool.X.size()], pool.T[k % pool.T.size()], 0.1,
                          dJ_dZ);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    //! [time]

    const double timed = static_cast<double>(w.steps * w.batch);
    return {engine,
            seconds,
            seconds * static_cast<double>(w.epoch) / timed,
            w.flops_per_step * static_cast<double>(w.steps) / seconds,
            timed / seconds,
            loss};
}

}  // namespace

int main(int argc, char** argv) {
    Program program{"Chapter 8: one training epoch computed five ways, against the machine's peak.",
                    "ch08_vectorize"};
    std::size_t samples = 6400, batch = 64, epoch = 60000;
    std::vector<std::size_t> sizes{784, 128, 10};
    std::vector<std::string> names;
    for (const Products& engine : available_products())
        names.emplace_back(engine.name);
    program.app.add_option("--samples", samples, "Samples to time per implementation")
        ->check(whole_number(1, 10'000'000))
        ->capture_default_str();
    add_batch_option(program.app, batch);
    add_list_option(program.app, "--sizes", sizes, "Layer sizes, input first",
                    whole_number(1, 1'000'000), 2, 64);
    add_list_option(program.app, "--implementations", names, "Which implementations to time",
                    CLI::IsMember(names));
    int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    add_threads_option(program.app, threads)
        ->description(
            "Threads to time the fastest float32 engine on, against one (default: "
            "every core; 1 skips it)");
    return program.run(argc, argv, [&] {
        check_training_memory(sizes, batch);  // before any of it is allocated
        const std::size_t steps = std::max<std::size_t>(1, samples / batch);
        const double flops_per_step = forward_flops(sizes, batch) + backward_flops(sizes, batch);
        const RandomBatches pool(std::min<std::size_t>(steps, 16), batch, sizes.front(),
                                 sizes.back(), 1);

        //! [peak]
        PeakMeasurement peak = measure_peak();
        // The same loop on floats: twice the lanes per vector, for the float32 epochs below.
        PeakMeasurement peak_float32 = measure_peak(0.2, Precision::float32);
        //! [peak]

        const Workload workload{sizes, batch, steps, epoch, flops_per_step};
        const Batches<double> pool64(pool);
        std::vector<Timing> timings;
        timings.reserve(names.size());
        for (const std::string& name : names)
            timings.push_back(time_epoch<double>(name, workload, pool64));

        // The GEMM engines again in float32, against the float32 peak; then the fastest of them
        // on every core.
        const Batches<float> pool32(pool);
        std::vector<Timing> timings32;
        for (const std::string& name : names)
            if (name == "openblas" || name == "eigen")
                timings32.push_back(time_epoch<float>(name, workload, pool32));
        std::optional<Timing> on_all_cores;
        const Timing* fastest32 = nullptr;
        for (const Timing& t : timings32)
            if (!fastest32 || t.seconds < fastest32->seconds) fastest32 = &t;
        if (fastest32 && threads > 1) {
            set_product_threads(threads);
            on_all_cores = time_epoch<float>(fastest32->name, workload, pool32);
            set_product_threads(1);
        }
        // Both peaks again, after the timings. On a shared machine a measurement can only come
        // out low (a busy sibling core slows the loop), so the higher of the two is the peak.
        for (PeakMeasurement* p : {&peak, &peak_float32}) {
            const PeakMeasurement again = measure_peak(0.2, p->precision);
            if (again.flops_per_second > p->flops_per_second) *p = again;
        }

        const Timing& slowest_reference = timings.front();  // naive, unless not chosen
        nlohmann::json list = nlohmann::json::array();
        for (const Timing& t : timings)
            list.push_back({{"name", t.name},
                            {"seconds", t.seconds},
                            {"epoch_seconds", t.epoch_seconds},
                            {"gflops", t.flops_per_second / 1e9},
                            {"percent_of_peak", 100 * t.flops_per_second / peak.flops_per_second},
                            {"samples_per_second", t.samples_per_second},
                            {"speedup", slowest_reference.seconds / t.seconds},
                            {"final_loss", t.final_loss}});
        nlohmann::json list32 = nlohmann::json::array();
        for (const Timing& t : timings32)
            list32.push_back(
                {{"name", t.name},
                 {"seconds", t.seconds},
                 {"epoch_seconds", t.epoch_seconds},
                 {"gflops", t.flops_per_second / 1e9},
                 {"percent_of_peak", 100 * t.flops_per_second / peak_float32.flops_per_second},
                 {"float64_over_float32_speedup", seconds_of(timings, t.name) / t.seconds},
                 {"final_loss", t.final_loss}});
        nlohmann::json threads_json = nullptr;
        if (on_all_cores)
            threads_json = {{"engine", on_all_cores->name},
                            {"threads", threads},
                            {"one_thread_epoch_seconds", fastest32->epoch_seconds},
                            {"epoch_seconds", on_all_cores->epoch_seconds},
                            {"speedup", fastest32->seconds / on_all_cores->seconds}};
        const Targets targets(timings, peak.flops_per_second);
        nlohmann::json targets_json{
            {"fastest", targets.fastest->name},
            {"percent_of_peak",
             {{"required", Targets::percent_of_peak},
              {"best_percent_of_peak", targets.best_percent_of_peak},
              {"verdict", verdict(targets.best_percent_of_peak >= Targets::percent_of_peak)}}}};
        // The float32 target: the faster GEMM engine at 45 % of the float32 peak.
        constexpr double float32_required = 45;
        double float32_best = 0;
        if (fastest32) {
            float32_best = 100 * fastest32->flops_per_second / peak_float32.flops_per_second;
            targets_json["float32_percent_of_peak"] = {
                {"engine", fastest32->name},
                {"required", float32_required},
                {"best_percent_of_peak", float32_best},
                {"verdict", verdict(float32_best >= float32_required)}};
        }
        if (targets.best_speedup > 0)
            targets_json["speedup"] = {
                {"required", Targets::speedup},
                {"best_speedup", targets.best_speedup},
                {"naive_percent_of_peak", targets.naive_percent_of_peak},
                {"needs_percent_of_peak", targets.percent_of_peak_for_speedup()},
                {"verdict", verdict(targets.best_speedup >= Targets::speedup)}};
        if (program.json.emit(nlohmann::json{
                {"sizes", sizes},
                {"batch", batch},
                {"samples_timed", steps * batch},
                {"epoch_samples", epoch},
                {"gflop_per_epoch", flops_per_step * double(epoch) / double(batch) / 1e9},
                {"peak_gflops", peak.flops_per_second / 1e9},
                {"peak_float32_gflops", peak_float32.flops_per_second / 1e9},
                {"peak_instruction", peak.instruction},
                {"compiled_for", peak.compiled_for},
                {"native", peak.native},
                {"cpu_instruction", peak.cpu_instruction},
                {"implementations", list},
                {"float32", list32},
                {"threads", threads_json},
                {"targets", targets_json}}))
            return 0;

        Report report(std::cout, 30, 2);
        report.title("Chapter 8: Why vectorize");
        report.section("The work");
        report.text(fmt::format("network {}, sigmoid hidden, softmax cross-entropy, batch {}",
                                fmt::join(sizes, "-"), batch));
        report.value("GFLOP per 60 000-sample epoch",
                     flops_per_step * double(epoch) / double(batch) / 1e9);
        report.value(fmt::format("peak, GFLOP/s ({})", peak.instruction),
                     peak.flops_per_second / 1e9);
        report.value("peak in float32, GFLOP/s", peak_float32.flops_per_second / 1e9);
        report.value("kernels compiled for", peak.compiled_for);
        if (peak.cpu_instruction != peak.instruction)
            report.value("this CPU has",
                         fmt::format("{} (-DBACKPROP_NATIVE=ON to use it)", peak.cpu_instruction));
        report.section(
            fmt::format("Timed on {} samples per implementation, 1 thread", steps * batch));
        report.text(fmt::format("{:<12}{:>12}{:>10}{:>10}{:>10}{:>16}", "", "s/epoch", "GFLOP/s",
                                "of peak", "speedup", "final loss"));
        for (const Timing& t : timings)
            report.text(fmt::format("{:<12}{:>12.3f}{:>10.2f}{:>9.1f}%{:>9.1f}x{:>16.10f}", t.name,
                                    t.epoch_seconds, t.flops_per_second / 1e9,
                                    100 * t.flops_per_second / peak.flops_per_second,
                                    slowest_reference.seconds / t.seconds, t.final_loss));
        report.section(fmt::format("Targets, judged on the fastest ({})", targets.fastest->name));
        if (targets.best_speedup > 0)
            report.value(fmt::format("{:.0f}x faster than naive", Targets::speedup),
                         fmt::format("{:.1f}x: {}", targets.best_speedup,
                                     verdict(targets.best_speedup >= Targets::speedup)));
        report.value(
            fmt::format("{:.0f}% of peak", Targets::percent_of_peak),
            fmt::format("{:.1f}%: {}", targets.best_percent_of_peak,
                        verdict(targets.best_percent_of_peak >= Targets::percent_of_peak)));
        if (!timings32.empty()) {
            report.section("The same epoch in float32, against the float32 peak");
            report.text(fmt::format("{:<12}{:>12}{:>10}{:>10}{:>10}{:>16}", "", "s/epoch",
                                    "GFLOP/s", "of peak", "vs f64", "final loss"));
            for (const Timing& t : timings32)
                report.text(fmt::format(
                    "{:<12}{}{}{}%{}x{}", t.name, table_cell(t.epoch_seconds, 12, 3),
                    table_cell(t.flops_per_second / 1e9, 10, 2),
                    table_cell(100 * t.flops_per_second / peak_float32.flops_per_second, 9, 1),
                    table_cell(seconds_of(timings, t.name) / t.seconds, 9, 2),
                    table_cell(t.final_loss, 16, 6)));
        }
        if (fastest32)
            report.value(fmt::format("{:.0f}% of the float32 peak", float32_required),
                         fmt::format("{:.1f}% ({}): {}", float32_best, fastest32->name,
                                     verdict(float32_best >= float32_required)));
        if (on_all_cores)
            report.value(
                fmt::format("{} float32 on {} threads", on_all_cores->name, threads),
                fmt::format("{:.3f} s/epoch, {:.2f}x one thread's", on_all_cores->epoch_seconds,
                            fastest32->seconds / on_all_cores->seconds));
        return 0;
    });
}
