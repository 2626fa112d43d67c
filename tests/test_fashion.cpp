// Chapter 9 on a small synthetic problem (synthetic_idx.hpp), so that it runs everywhere: it
// learns it, reproduces itself from the same flags, writes its curves and its misclassified
// images, saves and loads its model, and refuses bad data and bad arguments clearly.
#define BOOST_TEST_MODULE fashion
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "chapter_json.hpp"
#include "run_program.hpp"
#include "synthetic_idx.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A directory with a synthetic training and test split, removed at the end.
struct SyntheticData {
    fs::path dir = fs::temp_directory_path() / ("backprop-fashion-" + std::to_string(::getpid()));
    SyntheticData() {
        fs::remove_all(dir);
        fs::create_directories(dir);
        synthetic::write_split(dir, "train", 2000, 1);
        synthetic::write_split(dir, "t10k", 500, 2);
    }
    ~SyntheticData() { fs::remove_all(dir); }
    /// The chapter's arguments for a quick run on this data: \p epochs epochs of a network
    /// with one hidden layer of \p hidden neurons, plus \p more.
    std::vector<std::string> args(std::vector<std::string> more = {}, int epochs = 4,
                                  int hidden = 32) const {
        std::vector<std::string> a{
            "--data",   dir.string(),           "--hidden",      std::to_string(hidden),
            "--epochs", std::to_string(epochs), "--class-names", "digits"};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
};

const std::string chapter = BACKPROP_CH09_FASHION_MNIST;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(synthetic_problem, SyntheticData)

BOOST_AUTO_TEST_CASE(learns_it_quickly) {
    const json j = run_json(chapter, args());
    BOOST_TEST(j["history"].size() == 4u);
    BOOST_TEST(j["test_accuracy"].get<double>() >= 0.95);
    BOOST_TEST(j["sizes"] == json({64, 32, 10}));
    BOOST_TEST(j["seconds_per_epoch"].get<double>() > 0.0);
    // The confusion matrix counts every test sample once.
    std::size_t total = 0, diagonal = 0;
    for (std::size_t t = 0; t < 10; ++t)
        for (std::size_t p = 0; p < 10; ++p) {
            total += j["confusion"][t][p].get<std::size_t>();
            if (t == p) diagonal += j["confusion"][t][p].get<std::size_t>();
        }
    BOOST_TEST(total == 500u);
    BOOST_TEST(double(diagonal) / 500 == j["test_accuracy"].get<double>(),
               boost::test_tools::tolerance(1e-12));
}

// float32 learns the problem as well as float64 from the same start (the float network's
// weights are its twin's, rounded): both reach 0.95, within 2 % of each other (10 of the 500
// test images), and the header and the JSON name the precision.
BOOST_AUTO_TEST_CASE(float32_learns_it_as_well_as_float64) {
    const json f64 = run_json(chapter, args({"--precision", "float64"}));
    const json f32 = run_json(chapter, args({"--precision", "float32"}));
    BOOST_TEST(f64["precision"] == "float64");
    BOOST_TEST(f32["precision"] == "float32");
    BOOST_TEST(f32["threads"] == 1);
    BOOST_TEST(f32["test_accuracy"].get<double>() >= 0.95);
    BOOST_TEST(std::abs(f32["test_accuracy"].get<double>() - f64["test_accuracy"].get<double>()) <=
               0.02);
    // Rounding makes them differ: the float run is not the double one under another name.
    BOOST_TEST(f32["history"][0]["train_loss"] != f64["history"][0]["train_loss"]);
    const ProgramResult text = run_program(chapter, args({"--precision", "float32"}, 1));
    BOOST_TEST(text.out.find(" in float32, 1 thread") != std::string::npos, text.out);
    // Two threads compute the same sums in other orders: the same accuracy, to the problem's
    // noise, and the header says so.
    const ProgramResult threads = run_program(chapter, args({"--threads", "2"}, 1));
    BOOST_TEST(threads.exit_status == 0, threads.err);
    BOOST_TEST(threads.out.find(", 2 threads") != std::string::npos, threads.out);
}

// A model trained in float32 and saved evaluates the same when loaded in float32.
BOOST_AUTO_TEST_CASE(a_float32_model_saved_evaluates_the_same) {
    const fs::path model = dir / "model32.bpmlp";
    const json trained =
        run_json(chapter, args({"--precision", "float32", "--save", model.string()}));
    const json loaded = run_json(
        chapter, {"--data", dir.string(), "--load", model.string(), "--precision", "float32"});
    BOOST_TEST(loaded["test_accuracy"].get<double>() == trained["test_accuracy"].get<double>());
    BOOST_TEST(loaded["confusion"] == trained["confusion"]);
}

BOOST_AUTO_TEST_CASE(the_same_flags_give_the_same_numbers) {
    json a = run_json(chapter, args({}, 2)), b = run_json(chapter, args({}, 2));
    const json c = run_json(chapter, args({"--seed", "9"}, 2));
    for (json* j : {&a, &b})
        for (json& epoch : (*j)["history"])
            epoch.erase("seconds");  // only the times may differ
    BOOST_TEST(a["history"] == b["history"]);
    BOOST_TEST(a["confusion"] == b["confusion"]);
    BOOST_TEST(a["history"][0]["train_loss"] != c["history"][0]["train_loss"]);
}

BOOST_AUTO_TEST_CASE(writes_curves_and_misclassified_images) {
    const fs::path csv = dir / "curves.csv", png = dir / "wrong.png";
    const ProgramResult r =
        run_program(chapter, args({"--csv", csv.string(), "--misclassified", png.string()}, 2, 4));
    BOOST_TEST_REQUIRE(r.exit_status == 0, r.err);
    std::ifstream in(csv);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    BOOST_TEST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(lines[0] ==
               "epoch,learning_rate,train_loss,train_accuracy,test_loss,test_accuracy,seconds");
    BOOST_TEST(lines[1].rfind("1,", 0) == 0);
    // A PNG: its 8-byte signature.
    std::ifstream image(png, std::ios::binary);
    char signature[8] = {};
    image.read(signature, 8);
    BOOST_TEST(std::string(signature + 1, 3) == "PNG");
    BOOST_TEST(r.out.find("misclassified") != std::string::npos);
    BOOST_TEST(r.out.find("Confusion matrix") != std::string::npos);
}

// The table of epochs keeps its columns apart, each number ending where its heading ends, with
// two-digit epochs and the small learning rates at the end of the cosine schedule (epoch 20 of
// a run once printed "200.0003078"). The list of misclassified images, with Fashion-MNIST's
// longest class names, keeps its lines within 90 characters, so that the page shows them whole.
BOOST_AUTO_TEST_CASE(the_printed_tables_keep_their_columns_apart) {
    // 50 training images, one step an epoch: many test images are misclassified.
    const ProgramResult r =
        run_program(chapter, {"--data", dir.string(), "--hidden", "4", "--epochs", "20",
                              "--train-samples", "50", "--class-names", "fashion"});
    BOOST_TEST_REQUIRE(r.exit_status == 0, r.err);
    std::istringstream out(r.out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(out, line);)
        lines.push_back(line);

    // Where each heading ends, and where each field of a line ends.
    const auto heading_line = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("samples/s") != std::string::npos;
    });
    BOOST_TEST_REQUIRE((heading_line != lines.end()), r.out);
    std::vector<std::size_t> heading_ends;
    std::size_t from = 0;
    for (const std::string heading : {"epoch", "lr", "train loss", "train acc", "test loss",
                                      "test acc", "s/epoch", "samples/s"}) {
        const std::size_t at = heading_line->find(heading, from);
        BOOST_TEST_REQUIRE(at != std::string::npos, heading << " not in: " << *heading_line);
        heading_ends.push_back(from = at + heading.size());
    }
    const auto field_ends = [](const std::string& line) {
        std::vector<std::size_t> ends;
        for (std::size_t i = 0; i < line.size(); ++i)
            if (line[i] != ' ' && (i + 1 == line.size() || line[i + 1] == ' '))
                ends.push_back(i + 1);
        return ends;
    };
    std::size_t rows = 0;
    for (auto row = heading_line + 1; row != lines.end() && !row->empty(); ++row, ++rows)
        BOOST_TEST(field_ends(*row) == heading_ends, *row);
    BOOST_TEST(rows == 20u);

    // The misclassified images, from their heading to the end: two to a line, 24 in 12 lines.
    const auto code_points = [](const std::string& text) {
        return std::count_if(text.begin(), text.end(),
                             [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
    };
    const auto listed = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("misclassified test images") != std::string::npos;
    });
    BOOST_TEST_REQUIRE((listed != lines.end()), r.out);
    const std::ptrdiff_t listed_lines = lines.end() - listed;
    BOOST_TEST(listed_lines == 2 + 12, r.out);
    for (auto line = listed; line != lines.end(); ++line)
        BOOST_TEST(code_points(*line) <= 90, *line);
}

BOOST_AUTO_TEST_CASE(a_saved_model_evaluates_the_same) {
    const fs::path model = dir / "model.bpmlp";
    const json trained = run_json(chapter, args({"--save", model.string()}));
    BOOST_TEST_REQUIRE(fs::exists(model));
    const json loaded = run_json(chapter, {"--data", dir.string(), "--load", model.string()});
    BOOST_TEST(loaded["history"].empty());
    BOOST_TEST(loaded["test_accuracy"].get<double>() == trained["test_accuracy"].get<double>());
    BOOST_TEST(loaded["confusion"] == trained["confusion"]);

    // A damaged model file is refused with a clear message, not evaluated.
    std::fstream file(model, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.put('\x7f');
    file.close();
    const ProgramResult r =
        run_program(chapter, {"--data", dir.string(), "--load", model.string()});
    BOOST_TEST(r.exit_status == 1);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(r.err.find("checksum mismatch") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(bad_data_is_named) {
    const ProgramResult missing = run_program(chapter, {"--data", (dir / "nowhere").string()});
    BOOST_TEST(missing.exit_status == 1);
    BOOST_TEST(missing.err.find("nowhere") != std::string::npos, missing.err);

    // A label file cut short.
    fs::resize_file(dir / "t10k-labels-idx1-ubyte", 100);
    const ProgramResult truncated = run_program(chapter, args());
    BOOST_TEST(truncated.exit_status == 1);
    BOOST_TEST(truncated.err.find("t10k-labels-idx1-ubyte") != std::string::npos, truncated.err);
    BOOST_TEST(truncated.err.find("truncated") != std::string::npos, truncated.err);
}

// A FIFO in place of a data file would block the program forever in open(): it is refused at
// once. The program runs under `timeout`, so that a regression fails (exit status 124) instead
// of hanging the test.
BOOST_AUTO_TEST_CASE(a_fifo_in_place_of_a_data_file_is_refused) {
    const fs::path labels = dir / "t10k-labels-idx1-ubyte";
    fs::remove(labels);
    BOOST_TEST_REQUIRE(mkfifo(labels.c_str(), 0600) == 0);
    std::vector<std::string> command{"20", chapter};
    for (const std::string& argument : args())
        command.push_back(argument);
    const ProgramResult r = run_program("timeout", command);
    BOOST_TEST(r.exit_status == 1, r.err);
    BOOST_TEST(r.err.find(labels.string() + ": is a FIFO (named pipe), not a regular file") !=
                   std::string::npos,
               r.err);
}

// Training images of 8x8 and test images of 9x9 used to fail only after the whole training run,
// in a matrix product that named neither file. They are refused when the data is loaded,
// before any training, with both files and both sizes named.
BOOST_AUTO_TEST_CASE(training_and_test_images_of_different_sizes_are_named) {
    synthetic::write_split(dir, "t10k", 500, 2, 9);
    const ProgramResult r = run_program(chapter, args());
    BOOST_TEST(r.exit_status == 1, r.err);
    for (const std::string& part :
         {(dir / "train-images-idx3-ubyte").string() + " holds images of 8x8",
          (dir / "t10k-images-idx3-ubyte").string() + " holds images of 9x9"})
        BOOST_TEST(r.err.find(part) != std::string::npos, part << " not in: " << r.err);
    BOOST_TEST(r.out.find("Confusion") == std::string::npos, r.out);
}

// Every output of the chapter reports a full disk, with the reason and exit status 1; a PNG
// or CSV that could not be written is never a silent success.
BOOST_AUTO_TEST_CASE(a_full_disk_is_reported_for_every_output) {
    for (const std::vector<std::string>& output : {std::vector<std::string>{"--csv", "/dev/full"},
                                                   {"--misclassified", "/dev/full"},
                                                   {"--json-file", "/dev/full"}}) {
        std::vector<std::string> more = output;
        more.insert(more.end(), {"--lr", "1e-9"});  // barely trained: some images misclassified
        const ProgramResult r = run_program(chapter, args(more, 1));
        BOOST_TEST(r.exit_status == 1, output[0] << ": " << r.err);
        BOOST_TEST(
            r.err.find("cannot write /dev/full: No space left on device") != std::string::npos,
            output[0] << ": " << r.err);
    }
    const ProgramResult r =
        run_shell(shell_quote(chapter) + " --data " + shell_quote(dir.string()) +
                  " --epochs 1 --hidden 8 --class-names digits >/dev/full");
    BOOST_TEST(r.exit_status == 1, r.err);
    BOOST_TEST(
        r.err.find("cannot write standard output: No space left on device") != std::string::npos,
        r.err);
}

// A network that cannot fit is refused from its sizes, in a second, with the sizes and the
// bytes: under an address-space limit that allocating it first would hit at once.
BOOST_AUTO_TEST_CASE(a_network_too_large_is_refused_from_its_sizes,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                         boost::test_tools::assertion_result can(address_space_can_be_limited);
                         if (!can) can.message() << "AddressSanitizer reserves the address space";
                         return can;
                     })) {
    const ProgramResult r = run_program(
        chapter, {"--data", dir.string(), "--hidden", "100000,100000", "--class-names", "digits"},
        1024);
    BOOST_TEST(r.exit_status == 1, r.err);
    BOOST_TEST(r.err.find("64-100000-100000-10") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("GiB") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("bad_alloc") == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
    for (const std::vector<std::string>& bad : {std::vector<std::string>{"--epochs", "many"},
                                                {"--activation", "softplus"},
                                                {"--init", "zeros"},
                                                {"--momentum", "1.5"},
                                                {"--hidden", "0"},
                                                {"--lr", "-1"},
                                                {"--schedule", "linear"},
                                                {"--implementation", "cuda"},
                                                {"--precision", "float16"},
                                                {"--threads", "0"},
                                                {"--load", "a", "--save", "b"}}) {
        const ProgramResult r = run_program(chapter, bad);
        BOOST_TEST(r.exit_status == 2, bad[0]);
        BOOST_TEST(r.err.find("error:") != std::string::npos, r.err);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// Training that blows up stops at the first non-finite loss or gradient, says where, and
// suggests a remedy; nothing after it (no accuracy, no confusion matrix) is printed.
BOOST_FIXTURE_TEST_CASE(divergence_stops_training_with_a_clear_error, SyntheticData) {
    const ProgramResult r = run_program(chapter, args({"--lr", "1e300"}));
    BOOST_TEST(r.exit_status == 1);
    BOOST_TEST(r.err.find("training diverged at epoch 1, batch ") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("lower the learning rate") != std::string::npos, r.err);
    BOOST_TEST(r.out.find("test accuracy") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("Confusion") == std::string::npos, r.out);
}
