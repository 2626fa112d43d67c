// Chapter 12 under MPI, on the synthetic problem (synthetic_idx.hpp): data-parallel training
// must compute what one process computes.
//
//   - P = 1, 2, 3, 4 processes (more than the machine's cores: oversubscribed) train the same
//     steps from the same seed and save models that are the same file, byte for byte, with
//     chunks that divide the batch and with chunks, batches and shards that do not (a batch of
//     10 in chunks of 3 is 3 + 3 + 3 + 1 samples, which 2 processes share as 6 + 4 and 4 as
//     3 + 3 + 3 + 1; the last batch of the epoch is shorter still);
//   - with one process and one chunk per batch, the model is chapter 9's, bit for bit: the
//     same network, layers and optimizer;
//   - MPI_Allreduce (--reduction allreduce) at 4 processes groups the sum otherwise: its model
//     differs from the ordered one, by roundoff only;
//   - a process that fails (a data folder that does not exist, on one process only) ends the
//     whole job with a message naming it, instead of leaving the others waiting.
//
// mpiexec comes from CMake's FindMPI (BACKPROP_MPIEXEC); without MPI the test is not built
// and reports itself skipped.
#define BOOST_TEST_MODULE data_parallel
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "browser.hpp"
#include "run_program.hpp"
#include "synthetic_idx.hpp"

namespace fs = std::filesystem;

namespace {

const std::string chapter = BACKPROP_CH12_DATA_PARALLEL;

/// A synthetic training and test split, and the models the test saves, removed at the end.
struct Folder {
    fs::path dir = fs::temp_directory_path() / ("backprop-parallel-" + std::to_string(::getpid()));
    Folder() {
        fs::remove_all(dir);
        fs::create_directories(dir / "data");
        synthetic::write_split(dir / "data", "train", 500, 1);
        synthetic::write_split(dir / "data", "t10k", 100, 2);
    }
    ~Folder() { fs::remove_all(dir); }
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;
};

/// mpiexec -n \p processes on chapter 12 with \p arguments, under a time limit: a job that
/// hangs fails instead of stopping the suite.
ProgramResult mpi_run(int processes, const std::vector<std::string>& arguments) {
    std::vector<std::string> command{"60", BACKPROP_MPIEXEC, BACKPROP_MPIEXEC_NUMPROC_FLAG,
                                     std::to_string(processes), chapter};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return run_program("timeout", command);
}

/// Trains on \p folder with \p processes processes and \p more arguments, saving the model
/// to \p model; returns the file's bytes.
std::string train(const Folder& folder, int processes, const fs::path& model,
                  const std::vector<std::string>& more) {
    std::vector<std::string> arguments{"--data",   (folder.dir / "data").string(),
                                       "--hidden", "16",
                                       "--epochs", "2",
                                       "--save",   model.string(),
                                       "--json"};
    arguments.insert(arguments.end(), more.begin(), more.end());
    const ProgramResult result = mpi_run(processes, arguments);
    BOOST_TEST_REQUIRE(result.exit_status == 0, processes << " processes: " << result.err);
    BOOST_TEST_REQUIRE(nlohmann::json::parse(result.out)["processes"] == processes);
    const std::string bytes = browser::read_file(model);
    BOOST_TEST_REQUIRE(bytes.size() > 1000u);
    return bytes;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(synthetic_problem, Folder)

BOOST_AUTO_TEST_CASE(one_to_four_processes_save_the_same_model) {
    for (const std::vector<std::string>& cut :
         {std::vector<std::string>{"--batch", "64", "--chunk", "16"},
          std::vector<std::string>{"--batch", "10", "--chunk", "3"}}) {
        BOOST_TEST_CONTEXT("batch " << cut[1] << " in chunks of " << cut[3]) {
            const std::string serial = train(*this, 1, dir / "serial.bpmlp", cut);
            for (int processes : {2, 3, 4})
                BOOST_TEST((train(*this, processes, dir / "parallel.bpmlp", cut) == serial),
                           processes << " processes: the model differs from one process's");
        }
    }
}

BOOST_AUTO_TEST_CASE(one_chunk_per_batch_is_chapter_9) {
    const std::string parallel =
        train(*this, 1, dir / "chunked.bpmlp", {"--batch", "32", "--chunk", "32"});
    const ProgramResult result = run_program(
        BACKPROP_CH09_FASHION_MNIST,
        {"--data", (dir / "data").string(), "--hidden", "16", "--epochs", "2", "--batch", "32",
         "--schedule", "constant", "--class-names", "digits", "--precision", "float64", "--save",
         (dir / "chapter9.bpmlp").string(), "--json"});
    BOOST_TEST_REQUIRE(result.exit_status == 0, result.err);
    BOOST_TEST((browser::read_file(dir / "chapter9.bpmlp") == parallel));
}

BOOST_AUTO_TEST_CASE(allreduce_groups_the_sum_otherwise) {
    const std::vector<std::string> cut{"--batch", "64", "--chunk", "16"};
    train(*this, 1, dir / "serial.bpmlp", cut);
    const ProgramResult result =
        mpi_run(4, {"--data", (dir / "data").string(), "--hidden", "16", "--epochs", "2", "--batch",
                    "64", "--chunk", "16", "--reduction", "allreduce", "--compare",
                    (dir / "serial.bpmlp").string(), "--json"});
    BOOST_TEST_REQUIRE(result.exit_status == 0, result.err);
    const nlohmann::json compare = nlohmann::json::parse(result.out)["compare"];
    // (g0 + g1) + (g2 + g3) against ((g0 + g1) + g2) + g3: some entries differ, by roundoff.
    BOOST_TEST(compare["different"].get<std::size_t>() > 0u);
    BOOST_TEST(compare["largest_relative_difference"].get<double>() < 1e-12);
}

BOOST_AUTO_TEST_CASE(a_failing_process_ends_the_job) {
    // Two programs in one job (MPMD): process 1 is given a data folder that does not exist.
    const ProgramResult result = run_program(
        "timeout", {"60", BACKPROP_MPIEXEC, BACKPROP_MPIEXEC_NUMPROC_FLAG, "1", chapter, "--data",
                    (dir / "data").string(), "--hidden", "16", ":", BACKPROP_MPIEXEC_NUMPROC_FLAG,
                    "1", chapter, "--data", (dir / "missing").string(), "--hidden", "16"});
    BOOST_TEST(result.exit_status != 0);
    BOOST_TEST(result.exit_status != 124, "the job hung until the time limit");
    BOOST_TEST(result.err.find("ch12_data_parallel: error: rank 1 of 2: ") != std::string::npos,
               result.err);
    BOOST_TEST(result.err.find("missing") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(bad_arguments_are_usage_errors) {
    // One process, started without mpiexec (MPI's singleton start).
    BOOST_TEST(run_program(chapter, {"--help"}).exit_status == 0);
    for (const std::vector<std::string>& arguments : {std::vector<std::string>{"--chunk", "0"},
                                                      {"--reduction", "tree"},
                                                      {"--batch", "-4"},
                                                      {"--compare", "/nonexistent/model.bpmlp"}}) {
        const ProgramResult result = run_program(chapter, arguments);
        BOOST_TEST(result.exit_status == 2, arguments[0] << " " << arguments[1]);
        BOOST_TEST(result.err.find(arguments[0]) != std::string::npos, result.err);
    }
}
