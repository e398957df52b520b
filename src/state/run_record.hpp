#pragma once

// The record kept outside the SQLite WAL that tells whether a state file lost its last writes
// (man page, "STATE FILES"). SQLite in WAL mode keeps every commit since the last checkpoint in
// `<state>-wal` only: a -wal file deleted, or not copied along with the database, takes those
// commits with it and the database then shows an older state (often no run at all), which would
// otherwise start the run afresh and submit everything again.
//
// So each commit that touches a run bumps that run's commit counter (runs.commits) inside the
// same transaction, and after the commit the holder of the StateLock writes
// `run <id> commits <n> lookups <n>` into the lock file (state_lock.hpp), outside the WAL. On the
// next open the database must hold that run with at least that many commits. The line is written
// after the COMMIT, so a kill between the two leaves it one commit behind, never ahead: no false
// alarm. It is not fsynced: after a power loss it may be behind too, which only weakens the check
// (the fsynced WAL survives power loss anyway). It is removed when the run completes or is
// abandoned.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace state {

struct RunRecord {
  std::int64_t run_id = 0;
  std::int64_t commits = 0;  // runs.commits after the last commit this machine saw
  std::int64_t lookups = 0;  // unique lookups in the run then (for the message)
  bool operator==(const RunRecord&) const = default;
};

// "run 3 commits 17 lookups 40" (no newline).
std::string format_run_record(const RunRecord& record);

// The record in a line format_run_record() wrote; nullopt for any other line.
std::optional<RunRecord> parse_run_record(std::string_view line);

// What the database holds of the run the record names.
struct StoredRun {
  bool exists = false;
  bool resumable = false;  // running or incomplete
  std::int64_t commits = 0;
};

// One line saying that `path` lost the records of the run `record` names, and what to do; nullopt
// when the database holds the run as recorded (or later). `stored` is what the database holds.
std::optional<std::string> lost_records_problem(const std::string& path, const RunRecord& record,
                                                const StoredRun& stored);

}  // namespace state
