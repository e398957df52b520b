#include "state/state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "state/state_path.hpp"

namespace state {

namespace {

using namespace std::chrono_literals;

// How long acquire() waits out a lock held by something other than a run: `status` holds it
// shared for microseconds. Far above that on a loaded machine, far below what a person notices.
constexpr auto k_status_probe_allowance = 250ms;

// What the lock file holds: "pid <n>\nstarted <iso>\n", then the run record line when there is
// one (run_record.hpp). pid 0 and no start time when the holder has not written them yet.
struct LockFileContent {
  LockHolder holder;
  std::optional<RunRecord> run;
};

LockFileContent read_lock_file(int fd) {
  LockFileContent content;
  content.holder.state = LockHolder::State::held;
  char buffer[512];
  const ssize_t length = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (length <= 0) {
    return content;
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
      content.holder.pid = static_cast<pid_t>(std::strtol(line.c_str() + 4, nullptr, 10));
    } else if (line.rfind("started ", 0) == 0) {
      content.holder.started = line.substr(8);
    } else if (auto run = parse_run_record(line)) {
      content.run = run;
    }
    start = end + 1;
  }
  return content;
}

LockHolder read_holder(int fd) { return read_lock_file(fd).holder; }

// Writes the whole content first and cuts what is left of a longer one after, so a `status`
// reading at the same moment never finds the file empty.
bool write_lock_file(int fd, const std::string& started, const std::optional<RunRecord>& run) {
  std::string text = "pid " + std::to_string(::getpid()) + "\nstarted " + started + "\n";
  if (run) {
    text += format_run_record(*run) + "\n";
  }
  if (::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return false;
  }
  return ::ftruncate(fd, static_cast<off_t>(text.size())) == 0;
}

// The PID holding a flock on the file open at `fd`, from /proc/locks ("1: FLOCK  ADVISORY  WRITE
// <pid> <major>:<minor>:<inode> 0 EOF"): nullopt when none is held, 0 when the holder's PID is
// not visible from this PID namespace. For a holder that reached the file by
// another name (a hard link, a bind mount), whose lock file is another one.
// Also for `status` through such a name: it looks the database file up by stat(2) alone (an
// open-and-close of it would drop the process's own SQLite locks on it).
std::optional<pid_t> flock_holder_of(const struct stat& info) {
  char device_inode[64];
  std::snprintf(device_inode, sizeof device_inode, "%02x:%02x:%llu", ::major(info.st_dev),
                ::minor(info.st_dev), static_cast<unsigned long long>(info.st_ino));
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string id, type, advisory, mode, where;
    long pid = 0;
    if (fields >> id >> type >> advisory >> mode >> pid >> where && type == "FLOCK" &&
        where == device_inode) {
      return static_cast<pid_t>(pid);
    }
  }
  return std::nullopt;
}

// The holder of the database file's own lock when the lock file of this name is free: a run that
// reached the file through a hard link or a bind mount (no start time: its lock file is another).
LockHolder database_holder(const std::string& state_path) {
  LockHolder holder;
  holder.state = LockHolder::State::free;
  struct stat info {};
  if (::stat(state_path.c_str(), &info) == 0) {
    if (const auto pid = flock_holder_of(info)) {
      holder.state = LockHolder::State::held;
      holder.pid = *pid;
    }
  }
  return holder;
}

LockError cannot_open(const std::string& state_path, const std::string& lock_path,
                      const std::string& reason) {
  LockError error;
  error.kind = LockError::Kind::cannot_open;
  error.lock_path = lock_path;
  error.message = "cannot lock the state file " + state_path + ": " + reason +
                  "; check the directory's permissions or pass --state FILE";
  return error;
}

LockError held_by(const std::string& state_path, const std::string& lock_path, const LockHolder& holder,
                  const char* how) {
  LockError error;
  error.kind = LockError::Kind::held;
  error.lock_path = lock_path;
  error.holder_pid = holder.pid;
  error.holder_started = holder.started;
  error.message = "the state file " + state_path + " is in use by ";
  if (error.holder_pid > 0) {
    error.message += "process " + std::to_string(error.holder_pid);
    if (!error.holder_started.empty()) {
      error.message += " (started " + error.holder_started + ")";
    }
  } else {
    error.message += "another process";
  }
  error.message += std::string(how) + "; wait for it or stop it";
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

std::string lock_file_path(const std::string& state_path) {
  std::error_code error;
  std::filesystem::path resolved = std::filesystem::canonical(state_path, error);
  if (error) {
    const std::filesystem::path given(state_path);
    const std::filesystem::path directory = std::filesystem::canonical(
        given.has_parent_path() ? given.parent_path() : std::filesystem::path("."), error);
    if (error || !given.has_filename()) {
      return state_path + ".lock";
    }
    resolved = directory / given.filename();
  }
  return resolved.string() + ".lock";
}

util::Expected<StateLock, LockError> StateLock::acquire(const std::string& state_path) {
  if (auto created = create_parent_directories(state_path); !created) {
    return util::unexpected(cannot_open(state_path, state_path + ".lock", created.error()));
  }
  const std::string lock_path = lock_file_path(state_path);
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return util::unexpected(cannot_open(state_path, lock_path, std::strerror(errno)));
  }
  // `status` finds out whether the file is held by taking a shared lock and dropping it at once
  // (find_lock_holder): a lock found held is tried again for a while before it counts as held.
  int lock_errno = try_flock(fd, LOCK_EX);
  for (auto waited = 0ms; lock_errno == EWOULDBLOCK && waited < k_status_probe_allowance; waited += 10ms) {
    std::this_thread::sleep_for(10ms);
    lock_errno = try_flock(fd, LOCK_EX);
  }
  if (lock_errno != 0) {
    const LockHolder holder = read_holder(fd);
    ::close(fd);
    if (lock_errno != EWOULDBLOCK) {
      return util::unexpected(cannot_open(state_path, lock_path, std::strerror(lock_errno)));
    }
    return util::unexpected(held_by(state_path, lock_path, holder, ""));
  }
  // The database file's inode: another name for it (a hard link, a bind mount) has another lock
  // file. Opened read-only, as flock needs no more; SQLite opens it on its own.
  const int database_fd = ::open(state_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
  if (database_fd < 0) {
    const int open_errno = errno;
    ::close(fd);
    return util::unexpected(cannot_open(state_path, lock_path, std::strerror(open_errno)));
  }
  if (const int database_errno = try_flock(database_fd, LOCK_EX); database_errno != 0) {
    LockHolder holder;
    struct stat info {};
    if (database_errno == EWOULDBLOCK && ::fstat(database_fd, &info) == 0) {
      holder.pid = flock_holder_of(info).value_or(0);
    }
    ::close(database_fd);
    ::close(fd);
    if (database_errno != EWOULDBLOCK) {
      return util::unexpected(cannot_open(state_path, lock_path, std::strerror(database_errno)));
    }
    return util::unexpected(held_by(state_path, lock_path, holder, " through another path to the same file"));
  }
  std::optional<RunRecord> recorded = read_lock_file(fd).run;
  std::string started = iso8601_utc_now();
  // The holder's details are informational: a failure to write them must not stop the run. The
  // run record stays until the run state has been checked against it and writes its own.
  (void)write_lock_file(fd, started, recorded);
  return StateLock(lock_path, fd, database_fd, std::move(started), std::move(recorded));
}

LockHolder find_lock_holder(const std::string& state_path) {
  const std::string lock_path = lock_file_path(state_path);
  LockHolder holder;
  const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return database_holder(state_path);
    }
    holder.state = LockHolder::State::unknown;
    return holder;
  }
  // The kernel's answer, whatever PID namespace (container) the holder runs in. Shared, so
  // that two `status` never collide; dropped at once, and acquire() tries again meanwhile.
  const int lock_errno = try_flock(fd, LOCK_SH);
  if (lock_errno == 0) {
    ::flock(fd, LOCK_UN);
    holder = database_holder(state_path);
  } else if (lock_errno == EWOULDBLOCK) {
    holder = read_holder(fd);
  }
  ::close(fd);
  return holder;
}

StateLock::StateLock(std::string lock_path, int fd, int database_fd, std::string started,
                     std::optional<RunRecord> recorded_run)
    : m_lock_path(std::move(lock_path)),
      m_fd(fd),
      m_database_fd(database_fd),
      m_started(std::move(started)),
      m_recorded_run(std::move(recorded_run)) {}

StateLock::StateLock(StateLock&& other) noexcept
    : m_lock_path(std::move(other.m_lock_path)),
      m_fd(other.m_fd),
      m_database_fd(other.m_database_fd),
      m_started(std::move(other.m_started)),
      m_recorded_run(std::move(other.m_recorded_run)) {
  other.m_fd = -1;
  other.m_database_fd = -1;
}

StateLock::~StateLock() {
  if (m_database_fd >= 0) {
    ::close(m_database_fd);  // drops its flock
  }
  if (m_fd >= 0) {
    // The lock file stays: unlinking it would let a waiting process lock a file no one else sees.
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
  }
}

void StateLock::record_run(const std::optional<RunRecord>& record) {
  if (m_fd >= 0) {
    (void)write_lock_file(m_fd, m_started, record);
  }
}

}  // namespace state
