// Chapter 5's training run. From the worked example's weights its first loss is chapter
// 3's J, the loss falls at every epoch and ends below 1e-6 after 1000 epochs, and the final
// weights match an independent long-double training loop.
#define BOOST_TEST_MODULE training
#include <cmath>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "chapter_json.hpp"
#include "pinned.hpp"

using nlohmann::json;
using oracle::real;

namespace {

/// The article's training loop in long double: each epoch is one WorkedExample pass.
std::vector<oracle::WorkedExample> oracle_training(int epochs) {
    std::vector<oracle::WorkedExample> passes{oracle::WorkedExample()};
    while (int(passes.size()) < epochs)
        passes.push_back(passes.back().next());
    return passes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(first_loss_is_chapter_3s_J) {
    const json training = run_json(BACKPROP_CH05_TRAINING);
    const json loss = run_json(BACKPROP_CH03_LOSS);
    BOOST_TEST_REQUIRE(!training["loss"].empty());
    BOOST_TEST(training["loss"][0].get<double>() == loss["J"].get<double>());
    pinned::check("loss[0]", training["loss"][0].get<double>(), oracle::WorkedExample().J);
}

BOOST_AUTO_TEST_CASE(loss_falls_at_every_epoch_and_ends_below_1e_6) {
    const json training = run_json(BACKPROP_CH05_TRAINING);
    const std::vector<double> loss = training["loss"];
    BOOST_TEST_REQUIRE(loss.size() == 1000u);
    for (std::size_t epoch = 1; epoch < loss.size(); ++epoch)
        BOOST_TEST(loss[epoch] < loss[epoch - 1], "epoch " << epoch + 1);
    BOOST_TEST(loss.back() < 1e-6);
    BOOST_TEST(training["J"].get<double>() < loss.back());
}

BOOST_AUTO_TEST_CASE(every_loss_and_the_final_weights_match_the_oracle) {
    const json training = run_json(BACKPROP_CH05_TRAINING);
    const auto passes = oracle_training(1000);
    const std::vector<double> loss = training["loss"];
    BOOST_TEST_REQUIRE(loss.size() == passes.size());
    for (std::size_t epoch = 0; epoch < loss.size(); ++epoch)
        pinned::check("loss[" + std::to_string(epoch) + "]", loss[epoch], passes[epoch].J);
    const oracle::WorkedExample& last = passes.back();
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
            pinned::check("W1[" + std::to_string(i) + "][" + std::to_string(j) + "]",
                          training["W1"][i][j].get<double>(), last.W1_new[i][j]);
    for (int j = 0; j < 3; ++j)
        pinned::check("W2[" + std::to_string(j) + "][0]", training["W2"][j][0].get<double>(),
                      last.W2_new[j]);
    pinned::check("y after training", training["y"][0].get<double>(), last.next().y);
}

BOOST_AUTO_TEST_CASE(epochs_and_learning_rate_are_honoured) {
    const json training = run_json(BACKPROP_CH05_TRAINING, {"--epochs", "3", "--lr", "0.5"});
    BOOST_TEST_REQUIRE(training["loss"].size() == 3u);
    BOOST_TEST(training["lr"].get<double>() == 0.5);
    // Follow three epochs at α = 0.5 in long double.
    const oracle::WorkedExample article;
    oracle::WorkedExample pass(article.W1, article.W2, 0.5L);
    for (int epoch = 0; epoch < 3; ++epoch, pass = pass.next())
        pinned::check("loss[" + std::to_string(epoch) + "]", training["loss"][epoch].get<double>(),
                      pass.J);
}

BOOST_AUTO_TEST_CASE(a_seed_gives_reproducible_random_weights) {
    const json a = run_json(BACKPROP_CH05_TRAINING, {"--seed", "7", "--epochs", "5"});
    const json b = run_json(BACKPROP_CH05_TRAINING, {"--seed", "7", "--epochs", "5"});
    const json c = run_json(BACKPROP_CH05_TRAINING, {"--seed", "8", "--epochs", "5"});
    const json worked = run_json(BACKPROP_CH05_TRAINING, {"--epochs", "5"});
    BOOST_TEST(a["W1_initial"] == b["W1_initial"]);
    BOOST_TEST(a["loss"] == b["loss"]);
    BOOST_TEST(a["W1_initial"] != c["W1_initial"]);
    BOOST_TEST(a["W1_initial"] != worked["W1_initial"]);
    BOOST_TEST(a["seed"].get<int>() == 7);
    BOOST_TEST(worked["seed"].is_null());
}
