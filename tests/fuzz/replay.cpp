// Replays files through the fuzz targets' entry points, without libFuzzer: the seed corpus
// and every input that once made a target fail. Arguments are target=directory pairs; a
// missing directory is fine (no regressions yet). Exits non-zero if any input crashes a
// target (a crash ends the process; a __builtin_trap aborts it).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace entry {
int idx(const std::uint8_t* data, std::size_t size);
int model_file(const std::uint8_t* data, std::size_t size);
int network_description(const std::uint8_t* data, std::size_t size);
}  // namespace entry

int main(int argc, char** argv) {
    const std::map<std::string, int (*)(const std::uint8_t*, std::size_t)> targets{
        {"idx", entry::idx},
        {"model_file", entry::model_file},
        {"network_description", entry::network_description}};
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        const auto eq = argument.find('=');
        const auto target = targets.find(argument.substr(0, eq));
        if (eq == std::string::npos || target == targets.end()) {
            std::cerr << "replay: expected TARGET=DIRECTORY, got " << argument << '\n';
            return 2;
        }
        const std::filesystem::path dir = argument.substr(eq + 1);
        if (!std::filesystem::is_directory(dir)) continue;
        for (const auto& file : std::filesystem::directory_iterator(dir)) {
            std::ifstream in(file.path(), std::ios::binary);
            const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
            std::cout << target->first << ": " << file.path().filename().string() << '\n';
            target->second(bytes.data(), bytes.size());
            ++replayed;
        }
    }
    std::cout << replayed << " inputs replayed, none failed\n";
    return replayed > 0 ? 0 : 1;
}
