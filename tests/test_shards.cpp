// Data parallelism without MPI (chapter 12): the cut of a batch into chunks and shares, and
// the two library pieces the parallel step is made of. The chunks' gradients, each divided by
// the whole batch's size, add up to the batch's gradient (to roundoff; to the bit with one
// chunk), while the mean of unequal shares' means does not; and a step from a gradient passed
// in is the step from the gradient the network stored, to the bit.
#define BOOST_TEST_MODULE shards
#include <cmath>
#include <stdexcept>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <boost/test/unit_test.hpp>

#include "backprop/nn/init.hpp"
#include "backprop/nn/layers.hpp"
#include "backprop/nn/loss.hpp"
#include "backprop/nn/mlp.hpp"
#include "backprop/parallel/shards.hpp"
#include "backprop/train/optimizer.hpp"

using namespace backprop;

namespace {

/// A batch of \p rows samples of 5 features and one-hot targets of 3 classes.
struct Batch {
    Matrix X, T;
    explicit Batch(std::size_t rows) : T(rows, 3, 0.0) {
        boost::random::mt19937_64 generator(7);
        X = random_uniform(rows, 5, -1.0, 1.0, generator);
        for (std::size_t s = 0; s < rows; ++s)
            T(s, s % 3) = 1.0;
    }
    /// Rows first to first + n − 1.
    Matrix rows(const Matrix& M, std::size_t first, std::size_t n) const {
        Matrix part(n, M.size2());
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < M.size2(); ++j)
                part(i, j) = M(first + i, j);
        return part;
    }
};

Sequential network() {
    return mlp({5, 4, 3}, activation_named("tanh"), 3, Init::xavier);
}

/// The gradient of rows first..first+n−1 of \p batch, each divided by \p divide_by.
std::vector<Real> gradient(Sequential& net, const Batch& batch, std::size_t first, std::size_t n,
                           std::size_t divide_by) {
    const Matrix X = batch.rows(batch.X, first, n), T = batch.rows(batch.T, first, n);
    Matrix G;
    softmax_cross_entropy_gradient(net.forward(X), T, G, divide_by);
    net.backward(G);
    std::vector<Real> g;
    gradient_of(net, g);
    return g;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_batch_is_cut_into_chunks_of_the_given_size) {
    const std::vector<Chunk> chunks = chunks_of(10, 3);
    BOOST_TEST_REQUIRE(chunks.size() == 4u);
    const std::size_t first[] = {0, 3, 6, 9}, rows[] = {3, 3, 3, 1};
    for (std::size_t c = 0; c < 4; ++c) {
        BOOST_TEST(chunks[c].first == first[c]);
        BOOST_TEST(chunks[c].rows == rows[c]);
    }
    BOOST_TEST(chunks_of(64, 16).size() == 4u);
    BOOST_TEST(chunks_of(0, 16).empty());
    BOOST_CHECK_THROW(chunks_of(10, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(shares_are_consecutive_even_and_cover_every_chunk_once) {
    for (std::size_t ranks = 1; ranks <= 5; ++ranks)
        for (std::size_t chunks = 0; chunks <= 9; ++chunks) {
            std::size_t next = 0, smallest = chunks, largest = 0;
            for (std::size_t rank = 0; rank < ranks; ++rank) {
                const Shard shard = shard_of(rank, ranks, chunks);
                if (shard.count > 0) BOOST_TEST(shard.first == next);
                next += shard.count;
                smallest = std::min(smallest, shard.count);
                largest = std::max(largest, shard.count);
            }
            BOOST_TEST(next == chunks, ranks << " ranks, " << chunks << " chunks");
            BOOST_TEST(largest - std::min(smallest, largest) <= 1u);
        }
    // A batch of 4 chunks over 3 processes: 2 + 1 + 1, as chapter 12 says.
    BOOST_TEST(shard_of(0, 3, 4).count == 2u);
    BOOST_TEST(shard_of(1, 3, 4).first == 2u);
    BOOST_TEST(shard_of(2, 3, 4).count == 1u);
    BOOST_CHECK_THROW(shard_of(3, 3, 4), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_chunks_gradients_add_up_to_the_batchs) {
    const Batch batch(10);
    Sequential net = network();
    const std::vector<Real> whole = gradient(net, batch, 0, 10, 10);
    std::vector<Real> sum(whole.size(), 0.0);
    for (const Chunk& c : chunks_of(10, 3)) {
        const std::vector<Real> part = gradient(net, batch, c.first, c.rows, 10);
        for (std::size_t i = 0; i < sum.size(); ++i)
            sum[i] += part[i];
    }
    double largest = 0;
    for (Real g : whole)
        largest = std::max(largest, std::abs(g));
    // The same ten terms, grouped otherwise: roundoff, a million times below the difference
    // unequal shares make (the next test).
    for (std::size_t i = 0; i < sum.size(); ++i)
        BOOST_TEST(std::abs(sum[i] - whole[i]) <= 1e-12 * largest);

    // One chunk is the batch: the same function, to the bit.
    Matrix G;
    softmax_cross_entropy_gradient(net.forward(batch.X), batch.T, G);
    net.backward(G);
    std::vector<Real> plain;
    gradient_of(net, plain);
    BOOST_TEST((plain == whole));
}

BOOST_AUTO_TEST_CASE(the_mean_of_unequal_shares_means_is_not_the_batchs) {
    // Shares of 7 and 3 samples, each returning its own mean, averaged: the 3 weigh more.
    const Batch batch(10);
    Sequential net = network();
    const std::vector<Real> whole = gradient(net, batch, 0, 10, 10),
                            first = gradient(net, batch, 0, 7, 7),
                            second = gradient(net, batch, 7, 3, 3);
    double difference = 0, largest = 0;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        difference = std::max(difference, std::abs((first[i] + second[i]) / 2 - whole[i]));
        largest = std::max(largest, std::abs(whole[i]));
    }
    BOOST_TEST(difference > 1e-3 * largest);
}

BOOST_AUTO_TEST_CASE(a_step_from_a_gradient_passed_in_is_the_stored_gradients_step) {
    const Batch batch(6);
    Sequential stored = network(), passed = network();
    Sgd stored_sgd(0.9, 1e-3), passed_sgd(0.9, 1e-3);
    for (int step = 0; step < 3; ++step) {  // momentum carries over: three steps
        const std::vector<Real> g = gradient(stored, batch, 0, 6, 6);
        stored_sgd.step(stored, 0.1);
        passed_sgd.step(passed, g, 0.1);
    }
    const std::vector<ParameterView> a = stored.parameters(), b = passed.parameters();
    for (std::size_t k = 0; k < a.size(); ++k)
        for (std::size_t i = 0; i < a[k].value.size(); ++i)
            BOOST_TEST(a[k].value[i] == b[k].value[i]);
    const std::vector<Real> short_gradient(3, 0.0);
    BOOST_CHECK_THROW(passed_sgd.step(passed, short_gradient, 0.1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_share_cannot_hold_more_rows_than_its_batch) {
    const Batch batch(4);
    Matrix G;
    BOOST_CHECK_THROW(softmax_cross_entropy_gradient(batch.T, batch.T, G, 3),
                      std::invalid_argument);
}
