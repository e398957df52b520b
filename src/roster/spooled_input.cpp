// SpooledInput: standard input copied to a private temporary file, so it can be read twice.

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "roster/roster.hpp"

namespace roster {

util::Expected<std::unique_ptr<SpooledInput>, RosterError> SpooledInput::from_stdin() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/roster-enrich-stdin-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());  // mode 0600
  if (fd < 0) {
    return util::unexpected(RosterError{core::ExitCode::cannot_write,
                                        "cannot spool standard input to " + pattern + ": " + std::strerror(errno)});
  }
  std::unique_ptr<SpooledInput> spool(new SpooledInput(std::string(name.data())));

  std::vector<char> buffer(64 * 1024);
  for (;;) {
    const ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (got == 0) {
      break;
    }
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      ::close(fd);
      return util::unexpected(
          RosterError{core::ExitCode::roster_unreadable, "<stdin>: cannot read: " + std::string(std::strerror(error))});
    }
    for (ssize_t written = 0; written < got;) {
      const ssize_t n = ::write(fd, buffer.data() + written, static_cast<std::size_t>(got - written));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        const int error = n < 0 ? errno : ENOSPC;
        ::close(fd);
        return util::unexpected(RosterError{core::ExitCode::cannot_write, "cannot spool standard input to " +
                                                                               spool->path() + ": " +
                                                                               std::strerror(error)});
      }
      written += n;
    }
  }
  if (::close(fd) != 0) {
    return util::unexpected(RosterError{core::ExitCode::cannot_write, "cannot spool standard input to " +
                                                                           spool->path() + ": " + std::strerror(errno)});
  }
  return spool;
}

SpooledInput::~SpooledInput() { ::unlink(m_path.c_str()); }

}  // namespace roster
