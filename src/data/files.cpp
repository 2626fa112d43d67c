#include "backprop/data/files.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace backprop {

namespace {

/// What a file of mode \p mode is: "a FIFO (named pipe)".
std::string kind_of_mode(mode_t mode) {
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a regular file";
}

}  // namespace

std::string errno_text(int error) {
    if (error == 0) return "input/output error";
    return std::generic_category().message(error);
}

RegularFile::RegularFile(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    do {
        descriptor_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    } while (descriptor_ < 0 && errno == EINTR);
    if (descriptor_ < 0) throw FileError(path.string() + ": cannot open: " + errno_text(errno));
    struct stat status {};
    if (::fstat(descriptor_, &status) != 0) {
        const int error = errno;
        ::close(descriptor_);
        throw FileError(path.string() + ": cannot open: " + errno_text(error));
    }
    if (!S_ISREG(status.st_mode)) {
        ::close(descriptor_);
        throw FileError(path.string() + ": is " + kind_of_mode(status.st_mode) +
                        ", not a regular file");
    }
    size_ = static_cast<std::uint64_t>(status.st_size);
    // Reads from here on block as usual (a regular file's never wait anyway).
    const int flags = ::fcntl(descriptor_, F_GETFL);
    if (flags >= 0) ::fcntl(descriptor_, F_SETFL, flags & ~O_NONBLOCK);
}

RegularFile::~RegularFile() {
    if (descriptor_ >= 0) ::close(descriptor_);
}

int RegularFile::release() {
    const int descriptor = descriptor_;
    descriptor_ = -1;
    return descriptor;
}

std::string file_kind(const std::filesystem::path& path) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) return "missing";
    return kind_of_mode(status.st_mode);
}

void check_destination(const std::filesystem::path& path, std::string_view what) {
    const std::string name = (what.empty() ? "'" : std::string(what) + " '") + path.string() + "'";
    if (path.empty())
        throw FileError(what.empty() ? "the path is empty"
                                     : std::string(what) + ": the path is empty");
    if (!path.has_filename())
        throw FileError(name + ": ends in '/': give a file name, not a folder");
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode))
        throw FileError(name + ": is a directory: give a file name inside it");
    const std::filesystem::path folder =
        path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    if (::stat(folder.c_str(), &status) != 0)
        throw FileError(name + ": cannot use the folder '" + folder.string() +
                        "': " + errno_text(errno));
    if (!S_ISDIR(status.st_mode))
        throw FileError(name + ": '" + folder.string() + "' is " + kind_of_mode(status.st_mode) +
                        ", not a folder");
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    int descriptor;
    do {
        descriptor =
            ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
    } while (descriptor < 0 && errno == EINTR);
    if (descriptor < 0) throw FileError("cannot write " + path.string() + ": " + errno_text(errno));
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(descriptor, data, left);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            const int error = written < 0 ? errno : 0;
            ::close(descriptor);
            throw FileError("cannot write " + path.string() + ": " + errno_text(error));
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    // A network file system may report a failed write only here.
    if (::close(descriptor) != 0)
        throw FileError("cannot write " + path.string() + ": " + errno_text(errno));
}

}  // namespace backprop
