// What the fuzz targets share: their entry point, and a file to hand inputs to readers that
// take file names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

/// A temporary file holding the current input, removed when the process ends: the readers
/// under test take file names, as the programs use them.
class FuzzInputFile {
  public:
    FuzzInputFile() {
        char name[] = "/tmp/backprop-fuzz-XXXXXX";
        const int fd = mkstemp(name);
        if (fd < 0) std::abort();
        close(fd);
        path_ = name;
    }
    ~FuzzInputFile() { std::remove(path_.c_str()); }

    /// Replaces the file's contents with \p size bytes at \p data; returns its path.
    const std::string& write(const std::uint8_t* data, std::size_t size) {
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f) std::abort();
        if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
        std::fclose(f);
        return path_;
    }

  private:
    std::string path_;
};

// Each target's entry point: LLVMFuzzerTestOneInput for libFuzzer, or, built into the replay
// program (BACKPROP_REPLAY), entry::<target> so that all three fit in one program.
#ifdef BACKPROP_REPLAY
#define BACKPROP_FUZZ_TARGET(target)                        \
    namespace entry {                                       \
    int target(const std::uint8_t* data, std::size_t size); \
    }                                                       \
    int entry::target(const std::uint8_t* data, std::size_t size)
#else
#define BACKPROP_FUZZ_TARGET(target) \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif
