// Saving and loading a trained MLP. The format is documented in model_file.hpp; this file
// writes it byte by byte (never a host struct), so it reads the same on any machine.
#include "backprop/data/model_file.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <limits>
#include <memory>
#include <optional>
#include <signal.h>
#include <string>
#include <string_view>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

#include "backprop/data/files.hpp"

#include "error_text.hpp"

namespace backprop {

namespace {

using detail::hex;

// The limits the header documents.
constexpr std::uint32_t max_name_length = 32;
constexpr std::uint32_t min_size_count = 2;
constexpr std::uint32_t max_size_count = 64;
constexpr std::uint64_t max_layer_size = std::uint64_t{1} << 24;
// No file this program writes is larger: save_model() refuses such a model, and
// load_model() refuses such a file before it reads a byte of it.
constexpr std::uint64_t max_file_bytes = std::uint64_t{1} << 30;

constexpr unsigned char magic[8] = {'B', 'P', 'M', 'L', 'P', '\0', '\r', '\n'};

/// `784-256-10`.
std::string sizes_text(const std::vector<std::uint64_t>& sizes) {
    std::string text;
    for (std::uint64_t n : sizes)
        text += (text.empty() ? "" : "-") + std::to_string(n);
    return text;
}

/// The file's length for \p sizes: header, name, sizes, the numbers, and the checksum.
/// No overflow: at most 63 layers of 2^24 x 2^24 weights is below 2^58 bytes.
std::uint64_t file_length(std::size_t name_length, const std::vector<std::uint64_t>& sizes) {
    std::uint64_t numbers = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l)
        numbers += sizes[l - 1] * sizes[l] + sizes[l];
    return 8 + 4 + 4 + name_length + 4 + 8 * sizes.size() + 8 * numbers + 4;
}

/// A byte count for people: `2.0 GiB`, `12.5 MiB`, `37 bytes`.
std::string bytes_text(std::uint64_t bytes) {
    const auto scaled = [&](double unit, const char* name) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f %s", static_cast<double>(bytes) / unit, name);
        return std::string(text);
    };
    if (bytes >= (std::uint64_t{1} << 30)) return scaled(1024.0 * 1024.0 * 1024.0, "GiB");
    if (bytes >= (std::uint64_t{1} << 20)) return scaled(1024.0 * 1024.0, "MiB");
    return std::to_string(bytes) + " bytes";
}

/// A name from the file, safe to print: bytes outside printable ASCII (and the backslash)
/// as `\xNN`. A printable name is unchanged, so a valid name stays valid.
std::string printable(std::string_view name) {
    std::string text;
    for (unsigned char c : name) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            text += static_cast<char>(c);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            text += escaped;
        }
    }
    return text;
}

std::uint32_t crc32_of(const unsigned char* data, std::size_t n) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib takes a uInt length; feed it in pieces that fit.
    while (n > 0) {
        const std::size_t piece = std::min<std::size_t>(n, std::numeric_limits<uInt>::max());
        crc = crc32(crc, data, static_cast<uInt>(piece));
        data += piece;
        n -= piece;
    }
    return static_cast<std::uint32_t>(crc);
}

// ---------------------------------------------------------------------------------------
// Writing: little-endian, byte by byte.

void put_u32(std::vector<unsigned char>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void put_u64(std::vector<unsigned char>& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void put_f64(std::vector<unsigned char>& out, double x) {
    put_u64(out, std::bit_cast<std::uint64_t>(x));
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
    throw ModelFileError(path.string() + ": cannot save: " + why);
}

/// Whether \p a and \p b compute with the same functions, whatever their names.
bool same_functions(const Activation& a, const Activation& b) {
    return a.f == b.f && a.df == b.df && a.df_from_f == b.df_from_f && a.f_many == b.f_many;
}

/// What a model file holds of an MLP (mlp.hpp): its weights and biases, layer by layer, and
/// the activation of its hidden layers (`identity` for a network without any).
struct Contents {
    std::vector<Matrix> W;  // in binary64, widened exactly from a float network's
    std::vector<Vector> b;
    Activation hidden = activations::identity;
};

/// Refuses to save \p network because of its layer \p i (0-based): "layer 3 (Linear 4x2) "
/// followed by \p pieces.
template <Scalar T, class... Pieces>
[[noreturn]] void refuse_layer(const std::filesystem::path& path, const SequentialOf<T>& network,
                               std::size_t i, const Pieces&... pieces) {
    std::string why = "layer " + std::to_string(i + 1);
    why += " (";
    why += network.layers[i]->description();
    why += ") ";
    (why += ... += pieces);
    refuse(path, why);
}

/// The contents of \p network, which must be an MLP: Linear layers with biases, the same
/// activation between each two, and a Linear layer last.
template <Scalar T>
Contents contents_of(const std::filesystem::path& path, const SequentialOf<T>& network) {
    Contents p;
    if (network.layers.empty()) refuse(path, "the network has no layers");
    const std::string shape =
        "; a model file holds an MLP: Linear with bias, activation, ..., Linear with bias";
    for (std::size_t i = 0; i < network.layers.size(); ++i) {
        const LayerOf<T>& layer = *network.layers[i];
        if (i % 2 == 0) {
            const auto* linear = dynamic_cast<const LinearOf<T>*>(&layer);
            if (!linear || !linear->b)
                refuse_layer(path, network, i, "is not a Linear layer with bias", shape);
            p.W.push_back(converted<double>(linear->W));
            p.b.push_back(converted<double>(*linear->b));
        } else {
            const auto* activation = dynamic_cast<const ActivationLayerOf<T>*>(&layer);
            if (!activation) refuse_layer(path, network, i, "is not an activation", shape);
            if (i > 1 && !same_functions(activation->f, p.hidden))
                refuse_layer(path, network, i, "differs from layer 2 (", p.hidden.name,
                             "); a model file holds one hidden activation");
            p.hidden = activation->f;
        }
    }
    if (network.layers.size() % 2 == 0)
        refuse(path, "layer " + std::to_string(network.layers.size()) + " (" +
                         network.layers.back()->description() +
                         "), the last, is not a Linear layer" + shape);
    return p;
}

/// Checks everything the file format and load_model() require of \p p, so that a model
/// that could not be read back never reaches the disk. Returns the layer sizes.
std::vector<std::uint64_t> validate(const std::filesystem::path& path, const Contents& p) {
    if (p.W.size() + 1 > max_size_count)
        refuse(path, std::to_string(p.W.size()) + " layers; a model file holds at most " +
                         std::to_string(max_size_count - 1));
    for (std::size_t l = 0; l < p.W.size(); ++l) {
        const std::string layer = "Linear layer " + std::to_string(l + 1);
        if (l > 0 && p.W[l].size1() != p.W[l - 1].size2())
            refuse(path, layer + "'s weights are " + to_string(shape_of(p.W[l])) +
                             " but Linear layer " + std::to_string(l) + " has " +
                             std::to_string(p.W[l - 1].size2()) + " outputs");
        if (p.b[l].size() != p.W[l].size2())
            refuse(path, layer + "'s bias has " + std::to_string(p.b[l].size()) +
                             " entries; its weights " + to_string(shape_of(p.W[l])) + " need " +
                             std::to_string(p.W[l].size2()));
    }
    std::vector<std::uint64_t> sizes;
    sizes.push_back(p.W.front().size1());
    for (const Matrix& w : p.W)
        sizes.push_back(w.size2());
    for (std::size_t i = 0; i < sizes.size(); ++i)
        if (sizes[i] < 1 || sizes[i] > max_layer_size)
            refuse(path, "layer size n_" + std::to_string(i) + " = " + std::to_string(sizes[i]) +
                             " is outside 1 to " + std::to_string(max_layer_size));

    const std::string_view name = p.hidden.name;
    if (name.empty() || name.size() > max_name_length)
        refuse(path, "the activation's name '" + printable(name) + "' is not 1 to " +
                         std::to_string(max_name_length) + " characters");
    Activation known{};
    try {
        known = activation_named(name);
    } catch (const std::invalid_argument& e) {
        refuse(path, e.what());
    }
    if (!same_functions(known, p.hidden))
        refuse(path, "the activation is called '" + std::string(name) +
                         "' but is not the library's " + std::string(name) +
                         "; a model file can only name the library's activations");

    const std::uint64_t length = file_length(name.size(), sizes);
    if (length > max_file_bytes)
        refuse(path, "the sizes " + sizes_text(sizes) + " need " + std::to_string(length) +
                         " bytes (" + bytes_text(length) + "), more than a model file may hold (" +
                         bytes_text(max_file_bytes) + ")");

    for (std::size_t l = 0; l < p.W.size(); ++l) {
        const Matrix& W = p.W[l];
        const Vector& b = p.b[l];
        for (std::size_t i = 0; i < W.size1(); ++i)
            for (std::size_t j = 0; j < W.size2(); ++j)
                if (!std::isfinite(W(i, j)))
                    refuse(path, "layer " + std::to_string(l + 1) + "'s weight W" +
                                     std::to_string(l + 1) + "(" + std::to_string(i) + ", " +
                                     std::to_string(j) + ") is " + std::to_string(W(i, j)) +
                                     "; every number must be finite");
        for (std::size_t j = 0; j < b.size(); ++j)
            if (!std::isfinite(b(j)))
                refuse(path, "layer " + std::to_string(l + 1) + "'s bias b" +
                                 std::to_string(l + 1) + "(" + std::to_string(j) + ") is " +
                                 std::to_string(b(j)) + "; every number must be finite");
    }
    return sizes;
}

std::vector<unsigned char> serialize(const Contents& p, const std::vector<std::uint64_t>& sizes) {
    const std::string_view name = p.hidden.name;
    std::vector<unsigned char> out(std::begin(magic), std::end(magic));
    out.reserve(file_length(name.size(), sizes));
    put_u32(out, model_file_version);
    put_u32(out, static_cast<std::uint32_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
    put_u32(out, static_cast<std::uint32_t>(sizes.size()));
    for (std::uint64_t n : sizes)
        put_u64(out, n);
    for (std::size_t l = 0; l < p.W.size(); ++l) {
        const Matrix& W = p.W[l];
        for (std::size_t i = 0; i < W.size1(); ++i)  // row-major, whatever the storage
            for (std::size_t j = 0; j < W.size2(); ++j)
                put_f64(out, W(i, j));
        for (std::size_t j = 0; j < p.b[l].size(); ++j)
            put_f64(out, p.b[l](j));
    }
    put_u32(out, crc32_of(out.data(), out.size()));
    return out;
}

// ---------------------------------------------------------------------------------------
// The destination.

/// Where a save writes, once checked: the file the rename replaces, and what is there now.
struct Destination {
    /// The path itself, or, for a symbolic link, the file it leads to (no link left in it).
    std::filesystem::path file;
    /// Its folder: where the temporary file is created, so that the rename stays in one
    /// file system.
    std::filesystem::path folder;
    /// The regular file the save replaces, if there is one.
    std::optional<struct stat> existing;
};

std::filesystem::path folder_of(const std::filesystem::path& file) {
    return file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
}

/// Checks that a save to \p path can succeed as far as can be known before it is tried, and
/// where it will write. The rules are model_file.hpp's.
Destination destination_of(const std::filesystem::path& path) {
    if (path.empty()) throw ModelFileError("cannot save a model: the path is empty");
    if (!path.has_filename()) refuse(path, "the path ends in '/': give a file name, not a folder");

    Destination d{path, folder_of(path), std::nullopt};
    // What the destination "is", for the messages: "is", or "is a symbolic link to 'T',
    // which is".
    std::string is = "is";
    struct stat status {};
    if (::lstat(path.c_str(), &status) == 0 && S_ISLNK(status.st_mode)) {
        // Followed: the save replaces the file the link leads to, and the link stays.
        std::error_code error;
        const std::filesystem::path target = std::filesystem::read_symlink(path, error);
        const std::string link = "is a symbolic link to '" + target.string() + "'";
        if (::stat(path.c_str(), &status) != 0) {
            const int why = errno;
            if (why == ENOENT)
                refuse(path, link +
                                 ", which does not exist; a save follows a link and replaces "
                                 "the file it leads to");
            refuse(path, link + ", which cannot be followed: " + errno_text(why));
        }
        d.file = std::filesystem::canonical(path, error);
        if (error) refuse(path, link + ", which cannot be followed: " + error.message());
        d.folder = folder_of(d.file);
        is = link + ", which is";
    }

    if (::stat(d.folder.c_str(), &status) != 0) {
        const int why = errno;
        if (why == ENOENT) refuse(path, "the folder '" + d.folder.string() + "' does not exist");
        refuse(path, "cannot use the folder '" + d.folder.string() + "': " + errno_text(why));
    }
    if (!S_ISDIR(status.st_mode)) {
        // What the folder itself is; through a link, just that it is no folder.
        const std::string kind = file_kind(d.folder);
        refuse(path, "'" + d.folder.string() + "' is " +
                         (kind == "a symbolic link" ? std::string("not") : kind + ", not") +
                         " a folder");
    }
    // With the effective ids, as the open will be; a read-only file system says so too.
    if (::faccessat(AT_FDCWD, d.folder.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
        const int why = errno;
        if (why == EACCES || why == EPERM || why == EROFS)
            refuse(path, "cannot create a file in the folder '" + d.folder.string() +
                             "': " + errno_text(why));
    }

    if (::lstat(d.file.c_str(), &status) != 0) {
        if (errno != ENOENT) refuse(path, errno_text(errno));  // `File name too long`
        return d;                                              // a new file
    }
    if (S_ISDIR(status.st_mode)) refuse(path, is + " a directory: give a file name inside it");
    if (!S_ISREG(status.st_mode))
        refuse(path, is + " " + file_kind(d.file) +
                         ", not a regular file; a model is saved only as a regular file");
    d.existing = status;
    return d;
}

// ---------------------------------------------------------------------------------------
// The temporary file.

/// What names every temporary file: `.NAME.bpmlp-tmp-PID-N`.
constexpr std::string_view temporary_marker = ".bpmlp-tmp-";
/// Room for `PID-N`: a pid of up to 10 digits, a dash, N of up to 6.
constexpr std::size_t temporary_numbers = 10 + 1 + 6;

/// FNV-1a (64 bits): a short fingerprint of a name too long to keep whole.
std::uint64_t fingerprint(std::string_view name) {
    std::uint64_t h = 0xcbf29ce484222325u;
    for (unsigned char c : name) {
        h ^= c;
        h *= 0x100000001b3u;
    }
    return h;
}

/// The longest file name the folder takes: NAME_MAX (255 bytes), or less where the file
/// system says so.
std::size_t longest_name(const std::filesystem::path& folder) {
    const long limit = ::pathconf(folder.c_str(), _PC_NAME_MAX);
    return limit > 0 ? std::min<std::size_t>(static_cast<std::size_t>(limit), 255) : 255;
}

/// How the names of the temporary files of a save to \p name begin, in a folder whose names
/// are at most \p longest bytes: `.NAME.bpmlp-tmp-`. A NAME too long to leave room for the
/// rest is cut, at a character boundary, and followed by `~` and its fingerprint in 16
/// hexadecimal digits, so that every temporary name fits and names one destination.
std::string temporary_prefix(const std::string& name, std::size_t longest) {
    const std::size_t fixed = 1 + temporary_marker.size() + temporary_numbers;
    std::string prefix = ".";
    if (fixed + name.size() <= longest) {
        prefix += name;
    } else {
        std::size_t cut = longest > fixed + 17 ? longest - fixed - 17 : 0;
        // Not in the middle of a UTF-8 character: back up over continuation bytes.
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80)
            --cut;
        char digits[20];
        std::snprintf(digits, sizeof digits, "~%016llx",
                      static_cast<unsigned long long>(fingerprint(name)));
        prefix.append(name, 0, cut);
        prefix += digits;
    }
    prefix += temporary_marker;
    return prefix;
}

/// The pid in `PID-N`, the rest of a temporary file's name; none if it is not that.
std::optional<pid_t> pid_of_temporary(std::string_view rest) {
    const std::size_t dash = rest.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == rest.size()) return {};
    const auto digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(rest.substr(0, dash)) || !digits(rest.substr(dash + 1))) return {};
    pid_t pid = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + dash, pid);
    if (error != std::errc() || end != rest.data() + dash || pid <= 0) return {};
    return pid;
}

/// Removes the temporary files that killed saves to the same destination left in \p folder:
/// the names that begin with \p prefix and end in `PID-N`, whose process no longer runs
/// (kill() says so) and which no process holds locked (a save locks its temporary file for as
/// long as it lives, so that a live save in another pid namespace is spared as well). Only
/// regular files, never through a link. Best effort: what cannot be removed stays.
void remove_stale_temporaries(const std::filesystem::path& folder, const std::string& prefix) {
    DIR* listing = ::opendir(folder.c_str());
    if (!listing) return;
    const std::unique_ptr<DIR, int (*)(DIR*)> closer(listing, ::closedir);
    while (const dirent* entry = ::readdir(listing)) {
        const std::string_view name = entry->d_name;
        if (!name.starts_with(prefix)) continue;
        const std::optional<pid_t> pid = pid_of_temporary(name.substr(prefix.size()));
        if (!pid || *pid == ::getpid()) continue;
        if (::kill(*pid, 0) == 0 || errno != ESRCH) continue;  // running, or cannot tell
        const std::filesystem::path stale = folder / name;
        const int fd =
            ::open(stale.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) continue;
        struct stat status {};
        if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
            ::flock(fd, LOCK_EX | LOCK_NB) == 0)
            ::unlink(stale.c_str());
        ::close(fd);
    }
}

/// Closes a descriptor and removes a temporary file unless released: whatever throws, no
/// temporary file is left behind. The file stays locked (flock) until this goes, after the
/// rename, so that remove_stale_temporaries() never takes a live save's file.
class TemporaryFile {
  public:
    TemporaryFile(int fd, std::string name) : fd_(fd), lock_(::dup(fd)), name_(std::move(name)) {
        if (lock_ >= 0) ::flock(lock_, LOCK_EX | LOCK_NB);  // a fresh file: no one else has it
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!released_) ::unlink(name_.c_str());
        if (lock_ >= 0) ::close(lock_);
    }
    int fd() const { return fd_; }
    const std::string& name() const { return name_; }
    /// Closes the descriptor; returns close()'s errno, or 0.
    int close() {
        const int result = ::close(fd_);
        fd_ = -1;
        // After a failed close the descriptor is released all the same (Linux, POSIX 2024).
        return result == 0 ? 0 : errno;
    }
    /// The file is now the destination: keep it.
    void release() { released_ = true; }

  private:
    int fd_;
    int lock_;  // the same open file as fd_, kept open until the rename is done
    std::string name_;
    bool released_ = false;
};

/// Creates `PREFIX<pid>-<n>` in \p folder, exclusively, with the permissions a new file gets
/// (0666 less the umask).
TemporaryFile create_temporary(const std::filesystem::path& path,
                               const std::filesystem::path& folder, const std::string& prefix) {
    static std::atomic<std::uint64_t> counter{0};
    const std::string base = (folder / prefix).string() + std::to_string(::getpid()) + "-";
    const auto clock =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    for (int attempt = 0;; ++attempt) {
        const std::uint64_t n = (clock ^ (counter.fetch_add(1) * 0x9e3779b97f4a7c15u)) % 1000000;
        std::string name = base + std::to_string(n);
        const int fd =
            ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd >= 0) return TemporaryFile(fd, std::move(name));
        const int error = errno;
        if (error == EINTR || (error == EEXIST && attempt < 100)) continue;
        throw ModelFileError(path.string() + ": cannot create a temporary file in " +
                             folder.string() + ": " + errno_text(error));
    }
}

/// Gives the temporary file the permission bits of the file it replaces, and its owner and
/// group where this process may (root may; others may give it a group they belong to);
/// otherwise it belongs to whoever saves, as a new file does.
void keep_permissions(const std::filesystem::path& path, const TemporaryFile& file,
                      const struct stat& old) {
    struct stat now {};
    if (::fstat(file.fd(), &now) == 0 && (now.st_uid != old.st_uid || now.st_gid != old.st_gid) &&
        ::fchown(file.fd(), old.st_uid, old.st_gid) != 0 && now.st_gid != old.st_gid) {
        [[maybe_unused]] const int ignored =
            ::fchown(file.fd(), static_cast<uid_t>(-1), old.st_gid);
    }
    // After the owner: a change of owner clears the set-user-ID and set-group-ID bits.
    if (::fchmod(file.fd(), old.st_mode & 07777) != 0)
        throw ModelFileError(path.string() + ": cannot give " + file.name() +
                             " the permissions of the file it replaces: " + errno_text(errno));
}

/// Writes all of \p bytes, through partial writes and interruptions.
void write_all(const std::filesystem::path& path, const TemporaryFile& file,
               const std::vector<unsigned char>& bytes) {
    const unsigned char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(file.fd(), data, left);
        if (written < 0) {
            if (errno == EINTR) continue;
            throw ModelFileError(path.string() + ": cannot write " + file.name() + ": " +
                                 errno_text(errno));
        }
        if (written == 0)  // no progress and no error: give up rather than spin
            throw ModelFileError(path.string() + ": cannot write " + file.name() +
                                 ": the write made no progress");
        data += written;
        left -= static_cast<std::size_t>(written);
    }
}

/// fsync() that retries when interrupted; returns errno, or 0.
int fsync_retrying(int fd) {
    while (::fsync(fd) != 0)
        if (errno != EINTR) return errno;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Reading.

std::uint32_t get_u32(const unsigned char* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= std::uint32_t{p[i]} << (8 * i);
    return v;
}
std::uint64_t get_u64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= std::uint64_t{p[i]} << (8 * i);
    return v;
}
double get_f64(const unsigned char* p) {
    return std::bit_cast<double>(get_u64(p));
}

[[noreturn]] void damaged(const std::filesystem::path& path, const std::string& why) {
    throw ModelFileError(path.string() + ": " + why);
}

/// The whole file, refusing one larger than any model this program writes. Only a regular
/// file is read: RegularFile refuses a FIFO (whose open would wait for a writer forever), a
/// device such as `/dev/zero` (which never ends) and a directory, at once.
std::vector<unsigned char> read_file(const std::filesystem::path& path) {
    std::optional<RegularFile> file;
    try {
        file.emplace(path);
    } catch (const FileError& e) {
        throw ModelFileError(e.what());  // `PATH: cannot open: REASON`, `PATH: is a FIFO ...`
    }
    if (file->size() > max_file_bytes)
        damaged(path, bytes_text(file->size()) + " (" + std::to_string(file->size()) +
                          " bytes), larger than any model this program writes (at most " +
                          bytes_text(max_file_bytes) + ")");

    // Read to the end, not just size() bytes: the file may have grown since. Stop as soon as
    // it is more than the limit; the buffer never grows past the limit plus one byte.
    std::vector<unsigned char> bytes(static_cast<std::size_t>(file->size()) + 1);
    std::size_t used = 0;
    for (;;) {
        if (used == bytes.size()) {
            if (used > max_file_bytes)
                damaged(path, "more than " + bytes_text(max_file_bytes) +
                                  ", larger than any model this program writes");
            bytes.resize(std::min<std::size_t>(2 * bytes.size(), max_file_bytes + 1));
        }
        const ssize_t got = ::read(file->descriptor(), bytes.data() + used, bytes.size() - used);
        if (got < 0) {
            if (errno == EINTR) continue;
            damaged(path, "cannot read: " + errno_text(errno));
        }
        if (got == 0) break;
        used += static_cast<std::size_t>(got);
    }
    bytes.resize(used);
    return bytes;
}

}  // namespace

void check_model_destination(const std::filesystem::path& path) {
    destination_of(path);
}

template <Scalar T>
void save_model(const std::filesystem::path& path, const SequentialOf<T>& network) {
    const Contents p = contents_of(path, network);
    const std::vector<std::uint64_t> sizes = validate(path, p);
    const Destination destination = destination_of(path);
    const std::vector<unsigned char> bytes = serialize(p, sizes);

    const std::string prefix =
        temporary_prefix(destination.file.filename().string(), longest_name(destination.folder));
    remove_stale_temporaries(destination.folder, prefix);
    TemporaryFile file = create_temporary(path, destination.folder, prefix);
    write_all(path, file, bytes);
    if (destination.existing) keep_permissions(path, file, *destination.existing);
    // The data must be on the disk before the rename makes it the destination: otherwise a
    // crash could leave the new name pointing at an empty or partial file.
    if (const int error = fsync_retrying(file.fd()))
        throw ModelFileError(path.string() + ": cannot flush " + file.name() +
                             " to the disk: " + errno_text(error));
    if (const int error = file.close())
        throw ModelFileError(path.string() + ": cannot close " + file.name() + ": " +
                             errno_text(error));
    if (::rename(file.name().c_str(), destination.file.c_str()) != 0)
        throw ModelFileError(path.string() + ": cannot rename " + file.name() + " over " +
                             destination.file.string() + ": " + errno_text(errno));
    file.release();

    // The rename lives in the directory: flush it too, so that the new name survives a power
    // failure. The destination is already the new, complete model; a failure here only means
    // that a power failure could bring back the old one.
    const int dir = ::open(destination.folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        throw ModelFileError(
            path.string() +
            ": saved, but cannot open its directory to flush it: " + errno_text(errno));
    const int error = fsync_retrying(dir);
    ::close(dir);
    // Some file systems cannot fsync a directory (EINVAL); there is nothing more to do.
    if (error != 0 && error != EINVAL)
        throw ModelFileError(path.string() + ": saved, but cannot flush its directory: " +
                             errno_text(error) + "; a power failure could bring back the old file");
}

template <Scalar T>
SequentialOf<T> load_model(const std::filesystem::path& path) {
    const std::vector<unsigned char> bytes = read_file(path);
    const std::size_t size = bytes.size();
    const unsigned char* data = bytes.data();
    const auto too_short = [&] {
        damaged(path, "truncated: " + std::to_string(size) + " bytes, too short for a model file");
    };

    // The magic, on as much of it as there is: a short file of other bytes is not a model
    // file at all, a short prefix of the magic is a truncated one.
    if (size > 0 && std::memcmp(data, magic, std::min(size, sizeof magic)) != 0)
        damaged(path, "not a model file (it does not start with BPMLP)");
    std::size_t at = sizeof magic;
    if (size < at + 4) too_short();
    const std::uint32_t version = get_u32(data + at);
    at += 4;
    if (version != model_file_version)
        damaged(path, "format version " + std::to_string(version) +
                          ", this program reads version " + std::to_string(model_file_version));

    if (size < at + 4) too_short();
    const std::uint32_t name_length = get_u32(data + at);
    at += 4;
    if (name_length < 1 || name_length > max_name_length)
        damaged(path, "the activation's name is " + std::to_string(name_length) +
                          " bytes long; a name has 1 to " + std::to_string(max_name_length));
    if (size < at + name_length) too_short();
    const std::string_view name(reinterpret_cast<const char*>(data + at), name_length);
    at += name_length;
    Activation hidden{};
    try {
        hidden = activation_named(printable(name));
    } catch (const std::invalid_argument& e) {
        damaged(path, e.what());
    }

    if (size < at + 4) too_short();
    const std::uint32_t count = get_u32(data + at);
    at += 4;
    if (count < min_size_count || count > max_size_count)
        damaged(path, std::to_string(count) + " layer sizes; a model has " +
                          std::to_string(min_size_count) + " to " + std::to_string(max_size_count));
    if (size < at + 8 * std::size_t{count}) too_short();
    std::vector<std::uint64_t> sizes(count);
    for (std::uint32_t i = 0; i < count; ++i, at += 8) {
        sizes[i] = get_u64(data + at);
        if (sizes[i] < 1 || sizes[i] > max_layer_size)
            damaged(path, "layer size n_" + std::to_string(i) + " is " + std::to_string(sizes[i]) +
                              "; a size is 1 to " + std::to_string(max_layer_size));
    }

    const std::uint64_t expected = file_length(name_length, sizes);
    if (size < expected)
        damaged(path, "truncated: " + std::to_string(size) + " bytes, the sizes " +
                          sizes_text(sizes) + " need " + std::to_string(expected));
    if (size > expected)
        damaged(path, std::to_string(size) + " bytes, " + std::to_string(size - expected) +
                          " bytes more than the sizes " + sizes_text(sizes) + " need (" +
                          std::to_string(expected) + ")");

    const std::uint32_t stored = get_u32(data + size - 4);
    const std::uint32_t computed = crc32_of(data, size - 4);
    if (stored != computed)
        damaged(path, "checksum mismatch (stored " + hex(stored) + ", computed " + hex(computed) +
                          "): the file is damaged");

    std::vector<Matrix> weights;
    std::vector<Vector> biases;
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        const auto rows = static_cast<std::size_t>(sizes[l - 1]);
        const auto cols = static_cast<std::size_t>(sizes[l]);
        Matrix W(rows, cols);
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j, at += 8) {
                W(i, j) = get_f64(data + at);
                if (!std::isfinite(W(i, j)))
                    damaged(path, "weight W" + std::to_string(l) + "(" + std::to_string(i) + ", " +
                                      std::to_string(j) + ") is " + std::to_string(W(i, j)) +
                                      "; every number must be finite");
            }
        Vector b(cols);
        for (std::size_t j = 0; j < cols; ++j, at += 8) {
            b(j) = get_f64(data + at);
            if (!std::isfinite(b(j)))
                damaged(path, "bias b" + std::to_string(l) + "(" + std::to_string(j) + ") is " +
                                  std::to_string(b(j)) + "; every number must be finite");
        }
        weights.push_back(std::move(W));
        biases.push_back(std::move(b));
    }
    return mlp<T>(weights, biases, hidden);
}

template void save_model(const std::filesystem::path&, const SequentialOf<double>&);
template void save_model(const std::filesystem::path&, const SequentialOf<float>&);
template SequentialOf<double> load_model(const std::filesystem::path&);
template SequentialOf<float> load_model(const std::filesystem::path&);

}  // namespace backprop
