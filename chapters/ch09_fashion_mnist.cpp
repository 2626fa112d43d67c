// Chapter 9: learning Fashion-MNIST.
//
// The article stops at one sample. Here the same backpropagation learns to tell apart ten
// kinds of clothing from 60 000 photographs of 28x28 grey pixels (Zalando's Fashion-MNIST),
// and is tested on 10 000 it has never seen. What changes from chapter 5:
//
//   - mini-batches: each step averages the gradient over B samples (the loss is their mean);
//   - the output: ten logits, softmax and cross-entropy, whose gradient is simply ŷ − onehot;
//   - hidden layers of hundreds of ReLU (or sigmoid) neurons, initialised at the right scale
//     (He for ReLU, Xavier for sigmoid);
//   - SGD with momentum and weight decay, and a learning rate that decays over the run;
//   - the same Sequential network and layers as chapters 4 and 5, with chapter 8's fastest
//     matrix-product engine, in float32 (chapter 8's single precision; --precision float64
//     trains in double).
//
// The data is shuffled with a fixed seed each epoch, so the same flags give the same numbers.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "backprop/cli/cli.hpp"
#include "backprop/cli/progress.hpp"
#include "backprop/cli/report.hpp"
#include "backprop/core/products.hpp"
#include "backprop/data/dataset.hpp"
#include "backprop/data/files.hpp"
#include "backprop/data/image_grid.hpp"
#include "backprop/data/model_file.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/train/divergence.hpp"
#include "backprop/train/evaluate.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

// One epoch's numbers, for the text, the CSV and the JSON.
struct EpochRecord {
    std::size_t epoch;
    double learning_rate, train_loss, train_accuracy, test_loss, test_accuracy, seconds;
};

// The confusion matrix for people: true classes down, predicted across.
void print_confusion(Report& report, const Evaluation& e, const std::vector<std::string>& names) {
    std::string header = fmt::format("{:<13}", "true \\ pred");
    for (const std::string& name : names)
        header += fmt::format("{:>6}", name.substr(0, 5));
    report.text(header);
    for (std::size_t t = 0; t < names.size(); ++t) {
        std::string line = fmt::format("{:<13}", names[t]);
        for (std::size_t p = 0; p < names.size(); ++p)
            line += table_cell(double(e.confusion[t][p]), 6, 0);
        report.text(line);
    }
}

// The table of epochs: each column's heading, width and decimals. Every column is wider than
// its heading and than the numbers it usually holds, so that neighbours stay apart; table_cell
// keeps a wider number apart too.
struct Column {
    const char* heading;
    std::size_t width;
    int decimals;
};
constexpr std::array<Column, 8> epoch_columns{{{"epoch", 6, 0},  // up to 10 000 epochs
                                               {"lr", 10, 6},
                                               {"train loss", 12, 4},
                                               {"train acc", 11, 4},
                                               {"test loss", 11, 4},
                                               {"test acc", 10, 4},
                                               {"s/epoch", 9, 2},
                                               {"samples/s", 11, 0}}};

// Every flag of the chapter, with its default.
struct Options {
    std::string data_dir = "/usr/share/datasets/fashion-mnist";
    std::vector<std::size_t> hidden{256, 128};
    std::string activation = "relu", init = "auto", schedule = "cosine", class_names = "fashion";
    std::string implementation{fastest_products().name}, precision = "float32";
    int threads = 1;
    std::size_t epochs = 20, batch = 64, train_samples = 0, seed = 1;
    double learning_rate = 0.05, momentum = 0.9, weight_decay = 1e-4;
    std::string csv_path, save_path, load_path, misclassified_path;

    void add_to(CLI::App& app) {
        add_data_option(app, data_dir);
        app.add_option("--class-names", class_names,
                       "Names of the classes: fashion or digits (MNIST)")
            ->check(CLI::IsMember({"fashion", "digits"}))
            ->capture_default_str();
        add_list_option(app, "--hidden", hidden, "Sizes of the hidden layers",
                        whole_number(1, 100'000), 1, 62);
        app.add_option("--activation", activation, "Hidden activation")
            ->check(CLI::IsMember({"relu", "sigmoid", "tanh"}))
            ->capture_default_str();
        app.add_option("--init", init, "Initialisation: he, xavier, or auto (he for relu)")
            ->check(CLI::IsMember({"auto", "he", "xavier"}))
            ->capture_default_str();
        add_epochs_option(app, epochs);
        add_batch_option(app, batch);
        add_learning_rate_option(app, learning_rate, "Learning rate at the start");
        app.add_option("--schedule", schedule, "Learning-rate schedule: constant, step or cosine")
            ->check(CLI::IsMember({"constant", "step", "cosine"}))
            ->capture_default_str();
        add_sgd_options(app, momentum, weight_decay);
        add_seed_option(app, seed, "Seed of the initial weights and the shuffling")
            ->capture_default_str();
        add_train_samples_option(app, train_samples);
        add_implementation_option(app, implementation);
        add_precision_option(app, precision);
        add_threads_option(app, threads);
        app.add_option("--csv", csv_path, "Write the per-epoch curves to this CSV file")
            ->check(writable_destination());
        app.add_option("--save", save_path, "Save the trained model to this file")
            ->check(validator_from(check_model_destination));
        app.add_option("--misclassified", misclassified_path,
                       "Write a PNG grid of misclassified test images to this file")
            ->check(writable_destination());
        // A loaded model is evaluated, not trained: every flag of training is refused with it
        // rather than silently ignored.
        CLI::Option* load = app.add_option("--load", load_path,
                                           "Evaluate the model in this file instead of training");
        for (const char* training :
             {"--hidden", "--activation", "--init", "--epochs", "--lr", "--schedule", "--momentum",
              "--weight-decay", "--seed", "--train-samples", "--csv", "--save"})
            load->excludes(training);
    }
};

// What a run found, for the text and the JSON.
struct Run {
    std::vector<std::string> names;  // of the classes
    std::vector<std::size_t> sizes;  // of the model's layers
    std::string hidden_activation;
    std::string init;  // "he", "xavier" or "loaded"
    std::size_t parameters = 0;
    std::vector<EpochRecord> history;
    Evaluation final_test;
    std::vector<std::size_t> misclassified;  // the first 24 misclassified test images

    double seconds_per_epoch() const {
        double seconds = 0;
        for (const EpochRecord& r : history)
            seconds += r.seconds / double(history.size());
        return seconds;
    }
};

// The lines above the table of epochs.
void print_header(Report& report, const Options& o, const Run& run, const Dataset& train,
                  const Dataset& test) {
    report.title(o.load_path.empty() ? "Chapter 9: Learning Fashion-MNIST"
                                     : "Chapter 9: Evaluating a saved model");
    report.text(fmt::format("data      {}: {} training and {} test images of {}x{}", o.data_dir,
                            train.size(), test.size(), train.images.rows, train.images.cols));
    report.text(fmt::format("model     {}, {} hidden layers, {}{}", fmt::join(run.sizes, "-"),
                            run.hidden_activation,
                            run.init == "he"       ? "He initialisation"
                            : run.init == "xavier" ? "Xavier initialisation"
                                                   : "loaded from " + o.load_path,
                            ", softmax cross-entropy"));
    if (o.load_path.empty()) {  // on two lines, so that the book shows them whole
        report.text(fmt::format("training  SGD, batch {}, learning rate {} ({}), momentum {},",
                                o.batch, o.learning_rate, o.schedule, o.momentum));
        report.text(fmt::format("          weight decay {}, seed {}, {} in {}, {} thread{}",
                                o.weight_decay, o.seed, o.implementation, o.precision, o.threads,
                                o.threads == 1 ? "" : "s"));
    }
    if (o.epochs > 0) {
        report.text("");
        std::string header;
        for (const Column& c : epoch_columns)
            header += fmt::format("{:>{}}", c.heading, c.width);
        report.text(header);
    }
}

// One row of the table of epochs.
void print_epoch(Report& report, const EpochRecord& r, std::size_t samples) {
    const std::array<double, epoch_columns.size()> values{
        double(r.epoch), r.learning_rate, r.train_loss, r.train_accuracy,
        r.test_loss,     r.test_accuracy, r.seconds,    double(samples) / r.seconds};
    std::string row;
    for (std::size_t c = 0; c < values.size(); ++c)
        row += table_cell(values[c], epoch_columns[c].width, epoch_columns[c].decimals);
    report.text(row);
    std::cout.flush();
}

// The per-epoch curves as CSV.
void write_csv(const std::string& path, const std::vector<EpochRecord>& history) {
    std::string csv =
        "epoch,learning_rate,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
    for (const EpochRecord& r : history)
        csv += fmt::format("{},{},{},{},{},{},{}\n", r.epoch, r.learning_rate, r.train_loss,
                           r.train_accuracy, r.test_loss, r.test_accuracy, r.seconds);
    write_file(path, csv);
}

// Every number of the run, for programs.
nlohmann::json run_json(const Options& o, const Run& run, const Dataset& test) {
    const std::vector<std::string>& names = run.names;
    const Evaluation& final_test = run.final_test;
    nlohmann::json curves = nlohmann::json::array(), confused = nlohmann::json::array();
    for (const EpochRecord& r : run.history)
        curves.push_back({{"epoch", r.epoch},
                          {"learning_rate", r.learning_rate},
                          {"train_loss", r.train_loss},
                          {"train_accuracy", r.train_accuracy},
                          {"test_loss", r.test_loss},
                          {"test_accuracy", r.test_accuracy},
                          {"seconds", r.seconds}});
    for (std::size_t i : run.misclassified)
        confused.push_back({{"index", i},
                            {"label", names[test.labels[i]]},
                            {"predicted", names[final_test.predicted[i]]}});
    // Per class: how often it is recognised, and what it is most often taken for.
    nlohmann::json per_class = nlohmann::json::array();
    for (std::size_t t = 0; t < names.size(); ++t) {
        std::size_t total = 0, worst = t == 0 ? 1 : 0;
        for (std::size_t q = 0; q < names.size(); ++q) {
            total += final_test.confusion[t][q];
            if (q != t && final_test.confusion[t][q] > final_test.confusion[t][worst]) worst = q;
        }
        per_class.push_back(
            {{"name", names[t]},
             {"accuracy", total ? double(final_test.confusion[t][t]) / double(total) : 0.0},
             {"most_confused_with", names[worst]},
             {"confused_count", final_test.confusion[t][worst]}});
    }
    return {{"sizes", run.sizes},
            {"activation", run.hidden_activation},
            {"init", run.init},
            {"batch", o.batch},
            {"learning_rate", o.learning_rate},
            {"schedule", o.schedule},
            {"momentum", o.momentum},
            {"weight_decay", o.weight_decay},
            {"seed", o.seed},
            {"parameters", run.parameters},
            {"epochs", run.history.size()},
            {"implementation", o.implementation},
            {"precision", o.precision},
            {"threads", o.threads},
            {"history", curves},
            {"test_accuracy", final_test.accuracy},
            {"test_loss", final_test.loss},
            {"seconds_per_epoch", run.seconds_per_epoch()},
            {"classes", names},
            {"confusion", final_test.confusion},
            {"per_class", per_class},
            {"misclassified", confused}};
}

// The results for people: accuracy, the confusion matrix, the misclassified images.
void print_results(Report& report, const Options& o, const Run& run, const Dataset& test) {
    const std::vector<std::string>& names = run.names;
    report.section(o.load_path.empty() ? fmt::format("After {} epochs", run.history.size())
                                       : std::string("The loaded model on the test set"));
    report.text(fmt::format(
        "test accuracy {:.4f}, test loss {:.4g}{}", run.final_test.accuracy, run.final_test.loss,
        run.history.empty() ? "" : fmt::format(", {:.2f} s per epoch", run.seconds_per_epoch())));
    report.section("Confusion matrix: rows are the true class, columns the predicted one");
    print_confusion(report, run.final_test, names);
    const std::vector<std::size_t>& wrong = run.misclassified;
    if (wrong.empty()) return;
    const std::string file = std::filesystem::path(o.misclassified_path).filename().string();
    report.section(fmt::format("The first {} misclassified test images{}, true → predicted",
                               wrong.size(), file.empty() ? "" : " (" + file + ")"));
    // Two to a line, four lines to a row of the 8-wide grid, the arrows one under the other:
    // with Fashion-MNIST's longest names a line is 73 characters.
    std::size_t true_width = 0, predicted_width = 0;
    for (std::size_t i : wrong) {
        true_width = std::max(true_width, names[test.labels[i]].size());
        predicted_width = std::max(predicted_width, names[run.final_test.predicted[i]].size());
    }
    for (std::size_t k = 0; k < wrong.size(); k += 2) {
        const std::size_t last = std::min(wrong.size(), k + 2);
        const std::string images = last - k == 1
                                       ? fmt::format("{}", k % 8 + 1)
                                       : fmt::format("{}-{}", k % 8 + 1, (last - 1) % 8 + 1);
        std::string line = fmt::format("{:<13}", fmt::format("row {}, {}:", k / 8 + 1, images));
        for (std::size_t i = k; i < last; ++i)
            line += fmt::format("{}{:>{}} → {:<{}}", i == k ? "  " : "      ",
                                names[test.labels[wrong[i]]], true_width,
                                names[run.final_test.predicted[wrong[i]]], predicted_width);
        while (line.back() == ' ')
            line.pop_back();
        report.text(line);
    }
}

// Everything from the data to the results, with a network in precision Float.
template <Scalar Float>
int train_and_report(Program& program, Options& o) {
    using Matrix = MatrixOf<Float>;
    Run run;
    run.names = o.class_names == "digits"
                    ? std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
                    : fashion_mnist_classes();

    //! [data]
    TrainTest data = load_train_test(o.data_dir);  // all four headers checked first
    Dataset train = std::move(data.train);
    const Dataset test = std::move(data.test);
    if (o.train_samples > 0) train.keep_first(o.train_samples);
    //! [data]

    //! [model]
    const std::vector<std::size_t> sizes = mlp_sizes(train.features(), o.hidden, train.classes);
    if (o.load_path.empty()) check_training_memory(sizes, o.batch);  // before allocating
    const Init initialisation = o.init == "xavier" || (o.init == "auto" && o.activation != "relu")
                                    ? Init::xavier
                                    : Init::he;
    SequentialOf<Float> network =
        o.load_path.empty()
            ? mlp<Float>(sizes, activation_named(o.activation), o.seed, initialisation)
            : load_model<Float>(o.load_path);
    network.use_engine(products_named(o.implementation));
    SgdOf<Float> optimizer(o.momentum, o.weight_decay);
    //! [model]
    run.sizes = layer_sizes(network);
    run.hidden_activation =
        network.layers.size() > 1
            ? std::string(network.template layer<ActivationLayerOf<Float>>(1).f.name)
            : "no";
    run.init = !o.load_path.empty() ? "loaded" : initialisation == Init::he ? "he" : "xavier";
    for (const ParameterViewOf<Float>& p : network.parameters())
        run.parameters += p.value.size();
    if (!o.load_path.empty()) {
        if (run.sizes.front() != train.features() || run.sizes.back() != train.classes)
            throw std::runtime_error(fmt::format(
                "{}: the model takes {} inputs and gives {} classes, the data has {} and {}",
                o.load_path, run.sizes.front(), run.sizes.back(), train.features(), train.classes));
        o.epochs = 0;
    }

    Report report(std::cout, 12, 4);
    const bool text = !program.json.to_stdout();
    if (text) print_header(report, o, run, train, test);

    //! [training]
    std::vector<EpochRecord>& history = run.history;
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), 0);
    boost::random::mt19937_64 shuffler(o.seed);
    const Schedule lr_schedule = schedule_named(o.schedule);
    Matrix X, T, dJ_dZ;
    for (std::size_t epoch = 0; epoch < o.epochs; ++epoch) {
        const double lr = learning_rate_at(lr_schedule, o.learning_rate, epoch, o.epochs);
        shuffle(order, shuffler);
        ProgressBar progress(fmt::format("epoch {:>2}/{}", epoch + 1, o.epochs), train.size());
        double loss_sum = 0;
        std::size_t correct = 0;
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t first = 0; first < train.size(); first += o.batch) {
            const std::size_t n = std::min(o.batch, train.size() - first);
            fill_batch(train, std::span(order).subspan(first, n), X, T);
            const TrainingPosition at{epoch + 1, first / o.batch + 1, lr};
            const Matrix& logits = network.forward(X);             // forward
            const double loss = softmax_cross_entropy(logits, T);  // the batch's mean loss
            require_finite_loss(loss, at);  // stop at once if training has blown up
            loss_sum += loss * double(n);
            for (std::size_t s = 0; s < n; ++s)  // the running accuracy
                correct += T(s, predicted_class(logits, s)) == 1;
            softmax_cross_entropy_gradient(logits, T, dJ_dZ);  // dJ/dZ = (softmax(Z) - T)/B
            network.backward(dJ_dZ);                           // backward
            require_finite_gradients(network, at);
            optimizer.step(network, lr);  // the update
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            progress.update(first + n, loss_sum / double(first + n), double(first + n) / elapsed);
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress.finish();
        const Evaluation on_test = evaluate(network, test);
        history.push_back({epoch + 1, lr, loss_sum / double(train.size()),
                           double(correct) / double(train.size()), on_test.loss, on_test.accuracy,
                           seconds});
        //! [training]
        if (text) print_epoch(report, history.back(), train.size());
    }

    //! [evaluation]
    const Evaluation& final_test = run.final_test = evaluate(network, test);
    std::vector<std::size_t>& misclassified = run.misclassified;
    for (std::size_t i = 0; i < test.size() && misclassified.size() < 24; ++i)
        if (final_test.predicted[i] != test.labels[i]) misclassified.push_back(i);
    //! [evaluation]

    if (!o.save_path.empty()) save_model(o.save_path, network);
    if (!o.misclassified_path.empty() && !misclassified.empty())
        write_image_grid(o.misclassified_path, test, misclassified, 8, 3);
    if (!o.csv_path.empty()) write_csv(o.csv_path, history);
    if (program.json.emit(run_json(o, run, test))) return 0;
    print_results(report, o, run, test);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Program program{"Chapter 9: train a multilayer perceptron on Fashion-MNIST.",
                    "ch09_fashion_mnist"};
    Options o;
    o.add_to(program.app);
    return program.run(argc, argv, [&] {
        set_product_threads(o.threads);
        return precision_named(o.precision) == Precision::float32
                   ? train_and_report<float>(program, o)
                   : train_and_report<double>(program, o);
    });
}
