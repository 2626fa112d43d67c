// Chapter 12: when one machine is not enough, data-parallel training on MPI.
//
//     mpirun -n 2 build/release/chapters/ch12_data_parallel
//
// Chapter 9's network, layers and optimizer, trained by P processes at once. Every process
// holds the whole model and the whole data set, and shuffles it with the same seed; each
// mini-batch is cut into chunks of a fixed size (the same cut for any P), and each process
// computes the gradients of its own run of chunks. The gradients are summed over the
// processes, and every process takes the same step with the same sum, so the models stay
// identical without ever being sent.
//
// The sum is taken in chunk order (--reduction ordered, the default): the additions are those
// of one process adding every chunk left to right, so P = 1, 2, 3, 4 end with the same
// weights to the last bit. --reduction allreduce uses MPI_Allreduce instead, whose grouping
// of the sum depends on P: --compare MODEL shows how far the weights drift from a model
// trained otherwise. At the end, the chapter measures what communication costs here and
// compares it with the α-β model of a ring all-reduce, then extrapolates the model to a
// cluster.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <span>
#include <streambuf>
#include <string>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/products.hpp"
#include "backprop/data/dataset.hpp"
#include "backprop/data/model_file.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/parallel/mpi.hpp"
#include "backprop/parallel/shards.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/evaluate.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

constexpr const char* program_name = "ch12_data_parallel";

// Every flag of the chapter, with its default: chapter 9's model and optimizer, trained for
// one epoch.
struct Options {
    std::string data_dir = "/usr/share/datasets/fashion-mnist";
    std::vector<std::size_t> hidden{256, 128};
    std::string reduction = "ordered", implementation{fastest_products().name};
    std::size_t epochs = 1, batch = 64, chunk = 16, train_samples = 0, seed = 1;
    double learning_rate = 0.05, momentum = 0.9, weight_decay = 1e-4;
    std::string save_path, compare_path;
    // The cluster the cost model is extrapolated to: bandwidth and latency.
    double cluster_gbits = 25.0, cluster_latency_us = 5.0;

    void add_to(CLI::App& app) {
        add_data_option(app, data_dir);
        add_list_option(app, "--hidden", hidden, "Sizes of the hidden layers (ReLU)",
                        whole_number(1, 100'000), 1, 62);
        add_epochs_option(app, epochs);
        add_batch_option(app, batch);
        app.add_option("--chunk", chunk,
                       "Samples per chunk: the unit of work a process holds, the same for any "
                       "number of processes")
            ->check(whole_number(1, 1'000'000))
            ->capture_default_str();
        app.add_option("--reduction", reduction,
                       "How the gradients are summed over the processes: ordered (the same "
                       "bits for any number) or allreduce (MPI_Allreduce)")
            ->check(CLI::IsMember({"ordered", "allreduce"}))
            ->capture_default_str();
        add_learning_rate_option(app, learning_rate, "Learning rate (constant)");
        add_sgd_options(app, momentum, weight_decay);
        add_seed_option(app, seed, "Seed of the initial weights and the shuffling")
            ->capture_default_str();
        add_train_samples_option(app, train_samples);
        add_implementation_option(app, implementation);
        app.add_option("--save", save_path, "Save the trained model to this file (process 0)")
            ->check(validator_from(check_model_destination));
        app.add_option("--compare", compare_path,
                       "Compare the trained weights with the model in this file, entry by entry")
            ->check(CLI::ExistingFile);
        app.add_option("--cluster-gbits", cluster_gbits,
                       "The cost model's cluster: network bandwidth in Gbit/s")
            ->check(finite_number(0.001, 1e6))
            ->capture_default_str();
        app.add_option("--cluster-latency-us", cluster_latency_us,
                       "The cost model's cluster: latency of one message in microseconds")
            ->check(finite_number(0.0, 1e6))
            ->capture_default_str();
    }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One epoch's numbers.
struct EpochRecord {
    std::size_t epoch;
    double train_loss, train_accuracy, test_accuracy, compute_seconds, communication_seconds;
    double reduced_bytes, sent_bytes;  // the gradients summed; what every process sent, in all
};

// The ring all-reduce of n bytes over P processes in the α-β model: 2 (P − 1) messages one
// after another, each of n/P bytes.
double ring_allreduce_seconds(double P, double bytes, double alpha, double beta) {
    return 2 * (P - 1) * alpha + 2 * (P - 1) / P * bytes * beta;
}

// The weights against a model from a file: how many entries differ, and by how much at most,
// relative to the largest weight.
struct Drift {
    std::size_t entries = 0, different = 0;
    double largest_relative = 0.0;
};
Drift compare_weights(Sequential& network, Sequential& other) {
    const std::vector<ParameterView> ours = network.parameters(), theirs = other.parameters();
    if (layer_sizes(network) != layer_sizes(other) || ours.size() != theirs.size())
        throw std::runtime_error("--compare: the model has other sizes than this run's");
    Drift drift;
    double largest = 0.0, difference = 0.0;
    for (std::size_t k = 0; k < ours.size(); ++k)
        for (std::size_t i = 0; i < ours[k].value.size(); ++i) {
            ++drift.entries;
            drift.different += ours[k].value[i] != theirs[k].value[i];
            largest = std::max(largest, std::abs(theirs[k].value[i]));
            difference = std::max(difference, std::abs(ours[k].value[i] - theirs[k].value[i]));
        }
    drift.largest_relative = largest > 0 ? difference / largest : difference;
    return drift;
}

// A stream buffer that drops what is written: the standard output of every process but 0.
class Discard : public std::streambuf {
  protected:
    int_type overflow(int_type c) override { return traits_type::not_eof(c); }
};

int train_in_parallel(const MpiSession& mpi, Program& program, const Options& o) {
    const bool first_process = mpi.rank() == 0;
    TrainTest data = load_train_test(o.data_dir);  // every process reads all of it
    Dataset train = std::move(data.train);
    const Dataset test = std::move(data.test);
    if (o.train_samples > 0) train.keep_first(o.train_samples);

    // Chapter 9's model and optimizer: the same seed makes the same weights everywhere.
    const std::vector<std::size_t> sizes = mlp_sizes(train.features(), o.hidden, train.classes);
    check_training_memory(sizes, o.batch);
    Sequential network = mlp(sizes, activation_named("relu"), o.seed, Init::he);
    network.use_engine(products_named(o.implementation));
    Sgd optimizer(o.momentum, o.weight_decay);
    const Reduction reduction = reduction_named(o.reduction);
    std::size_t parameters = 0;
    for (const ParameterView& p : network.parameters())
        parameters += p.value.size();

    Report report(std::cout, 14, 4);
    const bool text = !program.json.to_stdout();
    if (text) {
        report.title("Chapter 12: Data-parallel training on MPI");
        report.text(fmt::format("processes {}, each holding the whole model and the whole data set",
                                mpi.ranks()));
        report.text(fmt::format("model     {} ReLU, softmax cross-entropy, {} parameters",
                                fmt::join(sizes, "-"), parameters));
        report.text(
            fmt::format("training  SGD, batch {} in chunks of {}, learning rate {}, "
                        "momentum {},",
                        o.batch, o.chunk, o.learning_rate, o.momentum));
        report.text(fmt::format("          weight decay {}, seed {}, {} reduction", o.weight_decay,
                                o.seed, o.reduction));
        report.text("");
        report.text(fmt::format("{:>6}{:>12}{:>11}{:>10}{:>11}{:>9}{:>13}", "epoch", "train loss",
                                "train acc", "test acc", "compute s", "comm s", "reduced MB"));
    }

    std::vector<EpochRecord> history;
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), 0);
    boost::random::mt19937_64 shuffler(o.seed);
    std::vector<std::vector<Real>> own;  // this process's chunks' gradients
    std::vector<Real> sum(parameters);
    Matrix X, T, dJ_dZ;
    double samples_computed = 0, compute_total = 0;
    for (std::size_t epoch = 0; epoch < o.epochs; ++epoch) {
        shuffle(order, shuffler);  // the same order on every process
        double loss_sum = 0, correct = 0, compute = 0;
        Communication communication;
        std::size_t steps = 0;
        for (std::size_t first = 0; first < train.size(); first += o.batch, ++steps) {
            //! [step]
            // This process's share of the batch: the same chunks for any number of processes.
            const std::size_t n = std::min(o.batch, train.size() - first);
            const std::vector<Chunk> chunks = chunks_of(n, o.chunk);
            const Shard shard = shard_of(mpi.rank(), mpi.ranks(), chunks.size());
            own.resize(std::max(own.size(), shard.count));
            const auto start = std::chrono::steady_clock::now();
            for (std::size_t k = 0; k < shard.count; ++k) {
                const Chunk& chunk = chunks[shard.first + k];
                fill_batch(train, std::span(order).subspan(first + chunk.first, chunk.rows), X, T);
                const Matrix& logits = network.forward(X);
                const double loss = softmax_cross_entropy(logits, T);  // the chunk's mean loss
                require_finite_loss(loss, {epoch + 1, steps + 1, o.learning_rate});
                loss_sum += loss * double(chunk.rows);
                samples_computed += double(chunk.rows);  // by this process, for the cost model
                for (std::size_t s = 0; s < chunk.rows; ++s)
                    correct += T(s, predicted_class(logits, s)) == 1.0;
                // (softmax(Z) − T)/n with n the whole batch: the chunks' gradients add up to it.
                softmax_cross_entropy_gradient(logits, T, dJ_dZ, n);
                network.backward(dJ_dZ);
                gradient_of(network, own[k]);
            }
            compute += seconds_since(start);
            // The batch's gradient, the same on every process; then every process's same step.
            sum_over_processes(mpi, reduction, std::span(own).first(shard.count), sum,
                               communication);
            optimizer.step(network, sum, o.learning_rate);
            //! [step]
        }
        double totals[] = {loss_sum, correct, double(communication.bytes_sent)};
        sum_over_processes(mpi, totals);
        compute_total += compute;
        const Evaluation on_test = evaluate(network, test);
        history.push_back({epoch + 1, totals[0] / double(train.size()),
                           totals[1] / double(train.size()), on_test.accuracy, compute,
                           communication.seconds,
                           double(steps) * double(parameters) * double(sizeof(Real)), totals[2]});
        const EpochRecord& r = history.back();
        if (text)
            report.text(table_cell(double(r.epoch), 6, 0) + table_cell(r.train_loss, 12, 4) +
                        table_cell(r.train_accuracy, 11, 4) + table_cell(r.test_accuracy, 10, 4) +
                        table_cell(r.compute_seconds, 11, 2) +
                        table_cell(r.communication_seconds, 9, 2) +
                        table_cell(r.reduced_bytes / 1e6, 13, 1));
    }

    nlohmann::json json{{"processes", mpi.ranks()},
                        {"sizes", sizes},
                        {"parameters", parameters},
                        {"batch", o.batch},
                        {"chunk", o.chunk},
                        {"reduction", o.reduction},
                        {"seed", o.seed}};
    nlohmann::json curves = nlohmann::json::array();
    for (const EpochRecord& r : history)
        curves.push_back({{"epoch", r.epoch},
                          {"train_loss", r.train_loss},
                          {"train_accuracy", r.train_accuracy},
                          {"test_accuracy", r.test_accuracy},
                          {"compute_seconds", r.compute_seconds},
                          {"communication_seconds", r.communication_seconds},
                          {"reduced_bytes", r.reduced_bytes},
                          {"sent_bytes", r.sent_bytes}});
    json["history"] = curves;

    if (first_process && !o.save_path.empty()) save_model(o.save_path, network);
    if (!o.compare_path.empty()) {
        Sequential other = load_model(o.compare_path);
        const Drift drift = compare_weights(network, other);
        json["compare"] = {{"entries", drift.entries},
                           {"different", drift.different},
                           {"largest_relative_difference", drift.largest_relative}};
        if (text) {
            // The file's name only: the book captures this output, and must not show paths.
            report.section("The weights against " +
                           std::filesystem::path(o.compare_path).filename().string());
            report.text(drift.different == 0
                            ? fmt::format("identical: all {} entries, bit for bit", drift.entries)
                            : fmt::format("{} of {} entries differ, by at most {:.2e} of the "
                                          "largest weight",
                                          drift.different, drift.entries, drift.largest_relative));
        }
    }

    //! [cost_model]
    // What a message costs here, measured between processes 0 and 1: α from a message of one
    // double, β from one of the whole gradient. The α-β model of a ring all-reduce then
    // predicts MPI_Allreduce of the gradient at this P, next to the measured time.
    if (mpi.ranks() >= 2) {
        const double bytes = double(parameters) * double(sizeof(Real));
        const double alpha = one_way_seconds(mpi, sizeof(Real), 200);
        const double beta = (one_way_seconds(mpi, parameters * sizeof(Real), 20) - alpha) / bytes;
        const double P = double(mpi.ranks());
        const double predicted = ring_allreduce_seconds(P, bytes, alpha, beta);
        const double measured = allreduce_seconds(mpi, parameters, 20);
        // The cluster: per-sample compute time from this run, the network from the flags.
        const double per_sample = compute_total / std::max(samples_computed, 1.0);
        const double cluster_alpha = o.cluster_latency_us * 1e-6,
                     cluster_beta = 8.0 / (o.cluster_gbits * 1e9);
        nlohmann::json cluster = nlohmann::json::array();
        for (std::size_t machines = 8; machines <= 1024; machines *= 2) {
            const double comm =
                ring_allreduce_seconds(double(machines), bytes, cluster_alpha, cluster_beta);
            cluster.push_back({{"machines", machines},
                               {"allreduce_seconds", comm},
                               {"balanced_batch_per_machine", comm / per_sample}});
        }
        json["communication"] = {{"alpha_seconds", alpha},
                                 {"beta_seconds_per_byte", beta},
                                 // the same in the units the book quotes them in
                                 {"alpha_microseconds", alpha * 1e6},
                                 {"bandwidth_gbytes_per_second", 1e-9 / beta},
                                 {"allreduce_predicted_milliseconds", predicted * 1e3},
                                 {"allreduce_measured_milliseconds", measured * 1e3},
                                 {"gradient_bytes", bytes},
                                 {"allreduce_predicted_seconds", predicted},
                                 {"allreduce_measured_seconds", measured},
                                 {"compute_seconds_per_sample", per_sample},
                                 {"sample_compute_microseconds", per_sample * 1e6},
                                 {"cluster_gbits", o.cluster_gbits},
                                 {"cluster_latency_us", o.cluster_latency_us},
                                 {"cluster", cluster}};
        //! [cost_model]
        if (text) {
            report.section("Communication: measured, and the α-β model of a ring all-reduce");
            report.text(fmt::format("latency α            {:>10.2f} µs (one double, one way)",
                                    alpha * 1e6));
            report.text(fmt::format("bandwidth 1/β        {:>10.2f} GB/s ({:.2f} MB, one way)",
                                    1e-9 / beta, bytes / 1e6));
            report.text(fmt::format("all-reduce, model    {:>10.2f} ms   2(P−1)α + 2(P−1)/P·Nβ",
                                    predicted * 1e3));
            report.text(fmt::format(
                "all-reduce, measured {:>10.2f} ms   MPI_Allreduce, median of 20", measured * 1e3));
            report.section(
                fmt::format("The model on a cluster: {} Gbit/s, {} µs per message, {:.1f} "
                            "µs of compute per sample",
                            o.cluster_gbits, o.cluster_latency_us, per_sample * 1e6));
            report.text(fmt::format("{:>10}{:>16}{:>28}", "machines", "all-reduce ms",
                                    "batch per machine to match"));
            for (const nlohmann::json& row : cluster)
                report.text(table_cell(row["machines"].get<double>(), 10, 0) +
                            table_cell(row["allreduce_seconds"].get<double>() * 1e3, 16, 2) +
                            table_cell(row["balanced_batch_per_machine"].get<double>(), 28, 0));
        }
    }
    if (first_process) program.json.emit(json);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    MpiSession mpi(argc, argv);
    // Only process 0 writes: the others would repeat it.
    Discard discard;
    if (mpi.rank() != 0) std::cout.rdbuf(&discard);
    Program program{"Chapter 12: data-parallel training on MPI (launch with mpirun -n P).",
                    program_name};
    Options o;
    o.add_to(program.app);
    return program.run(argc, argv, [&] {
        try {
            return train_in_parallel(mpi, program, o);
        } catch (const std::exception& error) {
            // One process's error ends the job: the others would wait for it for ever.
            if (mpi.ranks() > 1) mpi.abort(program_name, error.what(), 1);
            throw;
        }
    });
}
