/// \file
/// \brief MPI for data-parallel training (chapter 12): one session per process, and the sum
/// of a gradient over processes, either in a fixed order (the same bits whatever the number
/// of processes) or with MPI_Allreduce (faster, but its order depends on it).
///
/// Built only where MPI is found (the `backprop_mpi` library).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// One process's MPI: MPI_Init when made, MPI_Finalize when destroyed. One per program.
class MpiSession {
  public:
    /// MPI_Init with the program's arguments (MPI may take its own out of them).
    MpiSession(int& argc, char**& argv);
    ~MpiSession();  ///< MPI_Finalize
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    std::size_t rank() const { return rank_; }    ///< this process, from 0
    std::size_t ranks() const { return ranks_; }  ///< the processes of the job

    /// Ends every process of the job with exit status \p status, after this one wrote
    /// \p message (naming itself, "rank 1 of 4") to standard error: one process's error must
    /// not leave the others waiting for it for ever.
    [[noreturn]] void abort(std::string_view program, std::string_view message, int status) const;

  private:
    std::size_t rank_ = 0, ranks_ = 1;
};

/// How the chunks' gradients are summed over the processes.
enum class Reduction {
    ordered,    ///< g_0 + g_1 + ... left to right along the chain of processes, then broadcast
    allreduce,  ///< each process's own sum, then MPI_Allreduce: its grouping depends on the count
};

/// The reduction called \p name (`ordered`, `allreduce`).
/// \throws std::invalid_argument listing the valid names.
Reduction reduction_named(std::string_view name);

/// Time spent in communication (waiting included), and the bytes this process sent.
struct Communication {
    double seconds = 0.0;        ///< in MPI calls, waiting for other processes included
    std::size_t bytes_sent = 0;  ///< by this process (for MPI_Allreduce: a ring's 2 (P − 1)/P N)
};

/// The sum over all processes of their chunks' gradients, \p own holding this process's
/// chunks in order (each a flat gradient of \p sum's size; empty where it has no chunk),
/// written into \p sum on every process.
///
/// `ordered`: process 0 adds its chunks left to right, sends the running sum to process 1,
/// which adds its own, and so on; the last broadcasts the total. The additions are those of a
/// single process adding every chunk in order, whatever the number of processes. Costs
/// (P − 1) sends of the whole gradient one after another, plus the broadcast.
///
/// `allreduce`: each process adds its own chunks, then MPI_Allreduce sums the P partial sums
/// in an order of the MPI library's choosing.
/// \throws std::invalid_argument if a chunk's gradient is not \p sum's size.
void sum_over_processes(const MpiSession& mpi, Reduction reduction,
                        std::span<const std::vector<Real>> own, std::vector<Real>& sum,
                        Communication& tally);

/// The sums over all processes of \p values, in place (for counts and totals to report).
void sum_over_processes(const MpiSession& mpi, std::span<double> values);

/// The largest over all processes of \p value.
double max_over_processes(const MpiSession& mpi, double value);

/// Measured point-to-point cost between processes 0 and 1: the median time of a one-way
/// message of \p bytes (half a ping-pong), over \p repeats round trips. Every process must
/// call it; the others wait. 0 with a single process.
double one_way_seconds(const MpiSession& mpi, std::size_t bytes, std::size_t repeats);

/// The median time of MPI_Allreduce (sum) of \p count doubles over every process, \p repeats
/// times.
double allreduce_seconds(const MpiSession& mpi, std::size_t count, std::size_t repeats);

}  // namespace backprop
