#pragma once

// One process per state file (PRODUCT.md, "State and resume"): an exclusive flock(2) on
// `<state>.lock`, taken without waiting for another run (only for a `status` looking at it). The
// holder writes its PID and the time it took the lock into the file, so a second process can name
// it. The kernel drops a flock when its holder dies, SIGKILL included, so a lock left by a killed
// process never blocks the next one.
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

// Whether a process holds the lock on `state_path` now: a shared lock is tried and, if it is
// granted, dropped at once (acquire() waits that moment out rather than failing). When it is
// held, the holder's PID and start time are those it wrote into the lock file (in its own PID
// namespace, if that is another container's; 0 and empty until it has written them).
struct LockHolder {
  enum class State {
    held,     // a process holds it: a run working on it (or one starting or ending)
    free,     // nobody: no lock file, or its holder ended (a run with no end recorded was killed)
    unknown,  // the lock file cannot be opened (another user's, mode 0600)
  };
  State state = State::unknown;
  pid_t pid = 0;        // when held and written
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
