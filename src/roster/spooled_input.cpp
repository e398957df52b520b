// SpooledInput: a roster that can be read only once (standard input, a pipe) copied to a private
// temporary file, so it can be read twice, and hashed on the way.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "roster/roster.hpp"
#include "util/fnv1a.hpp"

namespace roster {

namespace {

// Owns a descriptor until released.
class Descriptor {
 public:
  explicit Descriptor(int fd) : m_fd(fd) {}
  ~Descriptor() {
    if (m_fd > STDIN_FILENO) {
      ::close(m_fd);
    }
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

// The roster's bytes: standard input for `-`, else `path` opened for reading.
util::Expected<int, RosterError> open_input(const std::string& path, const std::string& display_name) {
  if (path == "-") {
    return STDIN_FILENO;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return util::unexpected(
        RosterError{core::ExitCode::roster_unreadable, display_name + ": cannot open: " + std::strerror(errno)});
  }
  return fd;
}

// What "cannot spool ... to F" calls the input.
std::string spooled_what(const std::string& path, const std::string& display_name) {
  return path == "-" ? std::string("standard input") : display_name;
}

// Reads `in` to its end into `digest`, and into `out` unless it is -1. Errors: 66 for the input,
// 73 for the copy (`out_name` names it, `what` the input).
util::Expected<util::Ok, RosterError> copy_and_hash(int in, const std::string& display_name, int out,
                                                    const std::string& what, const std::string& out_name,
                                                    util::Fnv1a64& digest) {
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    const ssize_t got = ::read(in, buffer.data(), buffer.size());
    if (got == 0) {
      return util::Ok{};
    }
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return util::unexpected(
          RosterError{core::ExitCode::roster_unreadable, display_name + ": cannot read: " + std::strerror(errno)});
    }
    digest.add(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    for (ssize_t written = 0; out >= 0 && written < got;) {
      const ssize_t n = ::write(out, buffer.data() + written, static_cast<std::size_t>(got - written));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        const int error = n < 0 ? errno : ENOSPC;
        return util::unexpected(RosterError{core::ExitCode::cannot_write, "cannot spool " + what + " to " + out_name + ": " + std::strerror(error)});
      }
      written += n;
    }
  }
}

}  // namespace

bool needs_spooling(const std::string& path) {
  if (path == "-") {
    return true;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return false;
  }
  return S_ISFIFO(info.st_mode) || S_ISSOCK(info.st_mode) || S_ISCHR(info.st_mode);
}

util::Expected<std::unique_ptr<SpooledInput>, RosterError> SpooledInput::from(const std::string& path,
                                                                             const std::string& display_name) {
  auto input = open_input(path, display_name);
  if (!input) {
    return util::unexpected(input.error());
  }
  const Descriptor in(*input);

  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/roster-enrich-stdin-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    return util::unexpected(RosterError{core::ExitCode::cannot_write, "cannot spool " + spooled_what(path, display_name) + " to " +
                                                                           pattern + ": " + std::strerror(errno)});
  }
  // Reached through the descriptor, the copy needs no name: removed now, it is gone however the
  // process ends. Without /proc, the name stays until the destructor removes it.
  std::string reopen = "/proc/self/fd/" + std::to_string(fd);
  const bool reachable = ::access(reopen.c_str(), R_OK) == 0;
  if (reachable) {
    ::unlink(name.data());
  } else {
    reopen = name.data();
  }
  std::unique_ptr<SpooledInput> spool(new SpooledInput(fd, reopen, !reachable));

  util::Fnv1a64 digest;
  auto copied = copy_and_hash(in.get(), display_name, fd, spooled_what(path, display_name), name.data(), digest);
  if (!copied) {
    return util::unexpected(copied.error());
  }
  spool->m_digest = digest.hex();
  return spool;
}

SpooledInput::~SpooledInput() {
  if (m_named) {
    ::unlink(m_path.c_str());
  }
  ::close(m_descriptor);
}

util::Expected<std::string, RosterError> content_digest(const std::string& path, const std::string& display_name) {
  auto input = open_input(path, display_name);
  if (!input) {
    return util::unexpected(input.error());
  }
  const Descriptor in(*input);
  util::Fnv1a64 digest;
  auto read = copy_and_hash(in.get(), display_name, -1, {}, {}, digest);
  if (!read) {
    return util::unexpected(read.error());
  }
  return digest.hex();
}

}  // namespace roster
