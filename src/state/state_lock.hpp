#pragma once

// One process per state file (PRODUCT.md, "State and resume"): an exclusive flock(2) on
// `<state>.lock`, taken without waiting. The holder writes its PID and the time it took the lock
// into the file, so a second process can name it. The kernel drops a flock when its holder dies,
// SIGKILL included, so a lock left by a killed process never blocks the next one.
//
// flock locks belong to an open file description: a second StateLock on the same file fails even
// inside the same process. The descriptor is close-on-exec, so child processes never inherit it.

#include <string>
#include <sys/types.h>

#include "util/expected.hpp"

namespace state {

struct LockError {
  enum class Kind {
    held,         // another process holds it: exit 75
    cannot_open,  // cannot create or lock the lock file: exit 73
  };
  Kind kind = Kind::held;
  std::string lock_path;
  pid_t holder_pid = 0;         // 0 when the holder had not written it yet
  std::string holder_started;   // ISO-8601 UTC, e.g. 2026-11-22T03:00:01Z; empty when unknown
  // One line for `roster-enrich: error: `, e.g. "the state file X is in use by process 1234
  // (started 2026-11-22T03:00:01Z); wait for it or stop it".
  std::string message;
};

// Who holds the lock on `state_path` now, found without taking it: a lock taken here, even shared
// and for a moment, would make a run starting at that instant exit 75. The holder is the process
// whose PID the lock file names, if that process has the lock file open (/proc/PID/fd): the kernel
// drops the lock with the last descriptor, and a process that merely reuses the PID does not have
// the file open. Only processes of this machine (and PID namespace) are seen.
struct LockHolder {
  enum class State {
    held,     // `pid` holds it
    free,     // no process holds it: no lock file, or the process it names is gone
    unknown,  // the lock file or /proc/PID/fd cannot be read (another user's process), or the
              // holder has not written its PID yet
  };
  State state = State::unknown;
  pid_t pid = 0;        // when held
  std::string started;  // when held: ISO-8601 UTC, as the holder wrote it; may be empty
};
LockHolder find_lock_holder(const std::string& state_path);

class StateLock {
 public:
  // Locks `<state_path>.lock`, creating it (0600) and its missing parent directories (0700).
  static util::Expected<StateLock, LockError> acquire(const std::string& state_path);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  ~StateLock();  // unlocks (closing the descriptor releases the flock)

  const std::string& lock_path() const { return m_lock_path; }

 private:
  StateLock(std::string lock_path, int fd);
  std::string m_lock_path;
  int m_fd = -1;
};

// The current UTC time as ISO-8601 to the second, e.g. 2026-11-22T03:00:01Z.
std::string iso8601_utc_now();

}  // namespace state
