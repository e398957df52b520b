#pragma once

// One process per state file (PRODUCT.md, "State and resume"): an exclusive flock(2) on
// `<state>.lock`, taken without waiting for another run (only for a `status` looking at it), and
// one on the database file itself. `<state>` is the state path resolved through symlinks (and
// `.`/`..`), so `./s.db`, `/abs/s.db` and a symlink to it share one lock file; the lock on the
// database file's inode also catches what no path comparison can: a hard link, or the file
// bind-mounted elsewhere. The holder writes its PID and the time it took the lock into the lock
// file, so a second process can name it (through a hard link or a bind mount it is found in
// /proc/locks instead). The kernel drops a flock when its holder dies, SIGKILL included, so a lock
// left by a killed process never blocks the next one. The lock file also carries the record of
// the incomplete run (run_record.hpp), which tells whether the database lost its last writes.
//
// flock locks belong to an open file description: a second StateLock on the same file fails even
// inside the same process. The descriptor is close-on-exec, so child processes never inherit it.

#include <sys/types.h>

#include <optional>
#include <string>

#include "state/run_record.hpp"
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

// `<state_path>.lock`, with `state_path` resolved through symlinks: the file itself when it exists,
// else its directory. Unresolvable paths are used as given.
std::string lock_file_path(const std::string& state_path);

class StateLock {
 public:
  // Locks lock_file_path(state_path), creating it (0600) and its missing parent directories
  // (0700), then the database file `state_path` (created empty, 0600, when missing). Destroy the
  // lock after the SQLite connection to the database: closing a descriptor of a file drops the
  // process's POSIX locks on it, SQLite's included.
  static util::Expected<StateLock, LockError> acquire(const std::string& state_path);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  ~StateLock();  // unlocks (closing the descriptor releases the flock)

  const std::string& lock_path() const { return m_lock_path; }

  // The run record the lock file held when the lock was taken (run_record.hpp): the incomplete
  // run the last holder saw, and its commit count; nullopt when none was recorded.
  const std::optional<RunRecord>& recorded_run() const { return m_recorded_run; }
  // Rewrites the lock file with this holder's details and `record` (nullopt: no incomplete run).
  // Best effort, as the holder's details: a failure only weakens the next check.
  void record_run(const std::optional<RunRecord>& record);

 private:
  StateLock(std::string lock_path, int fd, int database_fd, std::string started,
            std::optional<RunRecord> recorded_run);
  std::string m_lock_path;
  int m_fd = -1;
  int m_database_fd = -1;
  std::string m_started;
  std::optional<RunRecord> m_recorded_run;
};

// The current UTC time as ISO-8601 to the second, e.g. 2026-11-22T03:00:01Z.
std::string iso8601_utc_now();

}  // namespace state
