// Runs a program and captures its exit status, stdout and stderr.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

struct ProgramResult {
    int exit_status = -1;  ///< the exit status, or -1 if the program did not exit normally
    std::string out;       ///< everything written to stdout
    std::string err;       ///< everything written to stderr
};

/// Single-quotes \p word for /bin/sh.
inline std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

/// Whether a test can limit a program's address space: not under AddressSanitizer, which
/// reserves terabytes of it at start. A test that needs the limit reports itself skipped
/// otherwise.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool address_space_can_be_limited = false;
#else
inline constexpr bool address_space_can_be_limited = true;
#endif

/// Runs \p command with /bin/sh; its stdout is captured, and its stderr goes to a temporary
/// file that is read back.
inline ProgramResult run_shell(const std::string& command) {
    char err_path[] = "/tmp/backprop-test-stderr-XXXXXX";
    const int fd = mkstemp(err_path);
    if (fd < 0) throw std::runtime_error("run_shell: cannot create a temporary file");
    close(fd);

    ProgramResult result;
    FILE* pipe = popen((command + " 2>" + shell_quote(err_path)).c_str(), "r");
    if (!pipe) throw std::runtime_error("run_shell: cannot run " + command);
    std::array<char, 4096> buffer;
    for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
        result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    if (status != -1 && WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);

    std::ifstream err(err_path);
    std::ostringstream err_text;
    err_text << err.rdbuf();
    result.err = err_text.str();
    std::remove(err_path);
    return result;
}

/// Runs \p program with \p arguments (run_shell()).
/// With \p address_space_mib, the program's address space is limited to that many MiB
/// (`ulimit -v`), so that a runaway allocation fails at once instead of taking the machine.
inline ProgramResult run_program(const std::string& program,
                                 const std::vector<std::string>& arguments = {},
                                 std::size_t address_space_mib = 0) {
    std::string command;
    // OpenBLAS reserves memory for a thread per core when it loads: one thread keeps what a
    // program needs independent of the machine's cores.
    if (address_space_mib > 0)
        command = "ulimit -v " + std::to_string(address_space_mib * 1024) +
                  " && OPENBLAS_NUM_THREADS=1 exec ";
    command += shell_quote(program);
    for (const std::string& argument : arguments)
        command += ' ' + shell_quote(argument);
    return run_shell(command);
}
