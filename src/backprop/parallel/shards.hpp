/// \file
/// \brief How a mini-batch is shared out for data-parallel training (chapter 12): cut into
/// chunks of a fixed number of samples, the same cut whatever the number of processes, and
/// each process given a run of consecutive chunks.
///
/// The gradient of the batch is the sum of its chunks' gradients. Because the cut does not
/// depend on the number of processes, neither do the numbers being added; added in chunk
/// order (parallel/mpi.hpp), neither does their sum, to the last bit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace backprop {

/// Rows `first` to `first + rows - 1` of a mini-batch.
struct Chunk {
    std::size_t first = 0;  ///< its first row in the batch
    std::size_t rows = 0;   ///< how many rows (samples) it holds
};

/// A mini-batch of \p batch samples cut into chunks of \p chunk_size rows, the last one
/// shorter where \p chunk_size does not divide \p batch.
/// \throws std::invalid_argument if \p chunk_size is 0.
inline std::vector<Chunk> chunks_of(std::size_t batch, std::size_t chunk_size) {
    if (chunk_size == 0) throw std::invalid_argument("chunks_of: a chunk of 0 samples");
    std::vector<Chunk> chunks;
    for (std::size_t first = 0; first < batch; first += chunk_size)
        chunks.push_back({first, std::min(chunk_size, batch - first)});
    return chunks;
}

/// Chunks `first` to `first + count - 1` of a batch: one process's share.
struct Shard {
    std::size_t first = 0;  ///< the index of its first chunk
    std::size_t count =
        0;  ///< how many chunks it holds (0 where there are fewer chunks than processes)
};

/// The share of process \p rank of \p ranks among \p chunks chunks: consecutive chunks, as
/// even as they divide (the first `chunks % ranks` processes hold one more; with fewer chunks
/// than processes, the last ones hold none).
/// \throws std::invalid_argument unless rank < ranks.
inline Shard shard_of(std::size_t rank, std::size_t ranks, std::size_t chunks) {
    if (rank >= ranks)
        throw std::invalid_argument("shard_of: process " + std::to_string(rank) + " of " +
                                    std::to_string(ranks));
    const std::size_t base = chunks / ranks, extra = chunks % ranks;
    return {rank * base + std::min(rank, extra), base + (rank < extra ? 1 : 0)};
}

}  // namespace backprop
