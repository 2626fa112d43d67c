#include "backprop/parallel/mpi.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <mpi.h>
#include <stdexcept>
#include <type_traits>

namespace backprop {
namespace {

static_assert(std::is_same_v<Real, double>, "the reductions send Real as MPI_DOUBLE");

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int as_int(std::size_t n, const char* what) {
    if (n > static_cast<std::size_t>(INT_MAX))
        throw std::invalid_argument(std::string(what) + ": more than INT_MAX values for MPI");
    return static_cast<int>(n);
}

double median(std::vector<double> times) {
    std::sort(times.begin(), times.end());
    return times.empty() ? 0.0 : times[times.size() / 2];
}

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(size);
}

MpiSession::~MpiSession() {
    MPI_Finalize();
}

void MpiSession::abort(std::string_view program, std::string_view message, int status) const {
    // One write of the whole message, so that MPI's own report cannot land inside it.
    const std::string text = std::string(program) + ": error: rank " + std::to_string(rank_) +
                             " of " + std::to_string(ranks_) + ": " + std::string(message) +
                             "\n(the whole job is stopped)\n";
    std::cerr << text << std::flush;
    MPI_Abort(MPI_COMM_WORLD, status);
    std::abort();  // MPI_Abort does not return
}

Reduction reduction_named(std::string_view name) {
    if (name == "ordered") return Reduction::ordered;
    if (name == "allreduce") return Reduction::allreduce;
    throw std::invalid_argument("unknown reduction '" + std::string(name) +
                                "' (valid: ordered, allreduce)");
}

void sum_over_processes(const MpiSession& mpi, Reduction reduction,
                        std::span<const std::vector<Real>> own, std::vector<Real>& sum,
                        Communication& tally) {
    for (const std::vector<Real>& chunk : own)
        if (chunk.size() != sum.size())
            throw std::invalid_argument("sum_over_processes: a chunk's gradient of " +
                                        std::to_string(chunk.size()) + " entries, the sum has " +
                                        std::to_string(sum.size()));
    const int count = as_int(sum.size(), "sum_over_processes");
    const int rank = static_cast<int>(mpi.rank()), last = static_cast<int>(mpi.ranks()) - 1;
    const std::size_t bytes = sum.size() * sizeof(Real);

    //! [ordered]
    // The chunks of this process, added left to right onto the running sum: from the previous
    // process, or, on process 0, starting from its first chunk.
    auto add_own = [&](bool start_from_first) {
        std::size_t c = 0;
        if (start_from_first) {
            if (own.empty()) {
                std::fill(sum.begin(), sum.end(), Real{0});
            } else {
                std::copy(own[0].begin(), own[0].end(), sum.begin());
                c = 1;
            }
        }
        for (; c < own.size(); ++c)
            for (std::size_t i = 0; i < sum.size(); ++i)
                sum[i] += own[c][i];
    };
    if (reduction == Reduction::ordered) {
        double start = now();
        if (rank > 0)
            MPI_Recv(sum.data(), count, MPI_DOUBLE, rank - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        tally.seconds += now() - start;
        add_own(rank == 0);
        start = now();
        if (rank < last) {
            MPI_Send(sum.data(), count, MPI_DOUBLE, rank + 1, 0, MPI_COMM_WORLD);
            tally.bytes_sent += bytes;
        }
        MPI_Bcast(sum.data(), count, MPI_DOUBLE, last, MPI_COMM_WORLD);
        tally.seconds += now() - start;
        if (rank == last) tally.bytes_sent += bytes * static_cast<std::size_t>(last);
        return;
    }
    //! [ordered]
    add_own(true);
    const double start = now();
    MPI_Allreduce(MPI_IN_PLACE, sum.data(), count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    tally.seconds += now() - start;
    // A ring all-reduce sends 2 (P − 1)/P of the vector from each process.
    tally.bytes_sent += 2 * static_cast<std::size_t>(last) * bytes / mpi.ranks();
}

void sum_over_processes(const MpiSession&, std::span<double> values) {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), as_int(values.size(), "sum_over_processes"),
                  MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

double max_over_processes(const MpiSession&, double value) {
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return value;
}

double one_way_seconds(const MpiSession& mpi, std::size_t bytes, std::size_t repeats) {
    if (mpi.ranks() < 2) return 0.0;
    std::vector<char> message(std::max<std::size_t>(bytes, 1));
    const int n = as_int(bytes, "one_way_seconds");
    std::vector<double> times;
    MPI_Barrier(MPI_COMM_WORLD);
    for (std::size_t r = 0; r < repeats; ++r) {
        const double start = now();
        if (mpi.rank() == 0) {
            MPI_Send(message.data(), n, MPI_CHAR, 1, 1, MPI_COMM_WORLD);
            MPI_Recv(message.data(), n, MPI_CHAR, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (mpi.rank() == 1) {
            MPI_Recv(message.data(), n, MPI_CHAR, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(message.data(), n, MPI_CHAR, 0, 1, MPI_COMM_WORLD);
        }
        times.push_back((now() - start) / 2);
    }
    double result = median(times);
    MPI_Bcast(&result, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return result;
}

double allreduce_seconds(const MpiSession&, std::size_t count, std::size_t repeats) {
    std::vector<double> values(count, 1.0), times;
    const int n = as_int(count, "allreduce_seconds");
    MPI_Barrier(MPI_COMM_WORLD);
    for (std::size_t r = 0; r < repeats; ++r) {
        const double start = now();
        MPI_Allreduce(MPI_IN_PLACE, values.data(), n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        times.push_back(now() - start);
    }
    double result = median(times);
    MPI_Bcast(&result, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return result;
}

}  // namespace backprop
