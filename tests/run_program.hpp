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

/// Runs \p program with \p arguments; stderr goes to a temporary file that is read back.
inline ProgramResult run_program(const std::string& program,
                                 const std::vector<std::string>& arguments = {}) {
    char err_path[] = "/tmp/backprop-test-stderr-XXXXXX";
    const int fd = mkstemp(err_path);
    if (fd < 0) throw std::runtime_error("run_program: cannot create a temporary file");
    close(fd);
    std::string command = shell_quote(program);
    for (const std::string& argument : arguments)
        command += ' ' + shell_quote(argument);
    command += " 2>" + shell_quote(err_path);

    ProgramResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("run_program: cannot run " + program);
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
