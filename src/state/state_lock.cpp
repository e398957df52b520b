#include "state/state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>

#include "state/state_path.hpp"

namespace state {

namespace {

using namespace std::chrono_literals;

// How long acquire() waits out a lock held by something other than a run: `status` holds it
// shared for microseconds. Far above that on a loaded machine, far below what a person notices.
constexpr auto k_status_probe_allowance = 250ms;

// Parses what write_holder() wrote, "pid <n>\nstarted <iso>\n", into the details of a holder
// found holding the lock (pid 0 and no start time when it has not written them yet).
LockHolder read_holder(int fd) {
  LockHolder record;
  record.state = LockHolder::State::held;
  char buffer[256];
  const ssize_t length = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (length <= 0) {
    return record;
  }
  const std::string text(buffer, static_cast<std::size_t>(length));
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string line = text.substr(start, end - start);
    if (line.rfind("pid ", 0) == 0) {
      record.pid = static_cast<pid_t>(std::strtol(line.c_str() + 4, nullptr, 10));
    } else if (line.rfind("started ", 0) == 0) {
      record.started = line.substr(8);
    }
    start = end + 1;
  }
  return record;
}

bool write_holder(int fd) {
  const std::string text = "pid " + std::to_string(::getpid()) + "\nstarted " + iso8601_utc_now() + "\n";
  if (::ftruncate(fd, 0) != 0) {
    return false;
  }
  return ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
}

std::string state_path_of(const std::string& lock_path) { return lock_path.substr(0, lock_path.size() - 5); }

LockError cannot_open(const std::string& lock_path, const std::string& reason) {
  LockError error;
  error.kind = LockError::Kind::cannot_open;
  error.lock_path = lock_path;
  error.message = "cannot lock the state file " + state_path_of(lock_path) + ": " + reason +
                  "; check the directory's permissions or pass --state FILE";
  return error;
}

// flock(LOCK_NB) on `fd`, again after EINTR; the errno of a failure.
int try_flock(int fd, int operation) {
  int rc;
  do {
    rc = ::flock(fd, operation | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  return rc == 0 ? 0 : errno;
}

}  // namespace

std::string iso8601_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

util::Expected<StateLock, LockError> StateLock::acquire(const std::string& state_path) {
  const std::string lock_path = state_path + ".lock";
  if (auto created = create_parent_directories(lock_path); !created) {
    return util::unexpected(cannot_open(lock_path, created.error()));
  }
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return util::unexpected(cannot_open(lock_path, std::strerror(errno)));
  }
  // `status` finds out whether the file is held by taking a shared lock and dropping it at once
  // (find_lock_holder): a lock found held is tried again for a while before it counts as held.
  int lock_errno = try_flock(fd, LOCK_EX);
  for (auto waited = 0ms; lock_errno == EWOULDBLOCK && waited < k_status_probe_allowance; waited += 10ms) {
    std::this_thread::sleep_for(10ms);
    lock_errno = try_flock(fd, LOCK_EX);
  }
  if (lock_errno != 0) {
    if (lock_errno != EWOULDBLOCK) {
      ::close(fd);
      return util::unexpected(cannot_open(lock_path, std::strerror(lock_errno)));
    }
    LockError error;
    error.kind = LockError::Kind::held;
    error.lock_path = lock_path;
    const LockHolder holder = read_holder(fd);
    error.holder_pid = holder.pid;
    error.holder_started = holder.started;
    ::close(fd);
    error.message = "the state file " + state_path + " is in use by ";
    if (error.holder_pid > 0) {
      error.message += "process " + std::to_string(error.holder_pid);
      if (!error.holder_started.empty()) {
        error.message += " (started " + error.holder_started + ")";
      }
    } else {
      error.message += "another process";
    }
    error.message += "; wait for it or stop it";
    return util::unexpected(std::move(error));
  }
  // The holder's details are informational: a failure to write them must not stop the run.
  (void)write_holder(fd);
  return StateLock(lock_path, fd);
}

LockHolder find_lock_holder(const std::string& state_path) {
  const std::string lock_path = state_path + ".lock";
  LockHolder holder;
  const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    holder.state = errno == ENOENT ? LockHolder::State::free : LockHolder::State::unknown;
    return holder;
  }
  // The kernel's answer, whatever PID namespace (container) the holder runs in. Shared, so
  // that two `status` never collide; dropped at once, and acquire() tries again meanwhile.
  const int lock_errno = try_flock(fd, LOCK_SH);
  if (lock_errno == 0) {
    ::flock(fd, LOCK_UN);
    holder.state = LockHolder::State::free;
  } else if (lock_errno == EWOULDBLOCK) {
    holder = read_holder(fd);
  }
  ::close(fd);
  return holder;
}

StateLock::StateLock(std::string lock_path, int fd) : m_lock_path(std::move(lock_path)), m_fd(fd) {}

StateLock::StateLock(StateLock&& other) noexcept : m_lock_path(std::move(other.m_lock_path)), m_fd(other.m_fd) {
  other.m_fd = -1;
}

StateLock::~StateLock() {
  if (m_fd >= 0) {
    // The lock file stays: unlinking it would let a waiting process lock a file no one else sees.
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
  }
}

}  // namespace state
