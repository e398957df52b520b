#pragma once

// `roster-enrich status`: a run's progress read from its state file, offline. The file is opened
// read-only and without the StateLock: in WAL mode a reader sees the last committed state while a
// running process keeps writing (https://sqlite.org/wal.html). Rendering is output/'s job.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/lookup_status.hpp"
#include "state/run_info.hpp"
#include "state/state_lock.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace state {

// The latest run in the file (whatever its status).
struct StatusReport {
  std::string state_path;
  std::int64_t run_id = 0;
  RunStatus run_status = RunStatus::running;  // `running` with `lock` free means killed
  std::string stop_reason;
  std::string roster_path;
  std::string base_url;
  util::TimePoint started_at{};
  std::optional<util::TimePoint> ended_at;

  // Lookups by core::LookupStatus, indexed by its value (0 unsubmitted .. 8 error).
  std::array<std::size_t, 9> counts{};
  std::size_t lookups = 0;        // unique lookups in the run
  std::size_t submit_intents = 0; // lookups in a batch whose answer was never saved
  Totals totals;                  // over every invocation of the run

  // Pending jobs (status pending with a job id): how long the oldest has been waiting
  // (`now` − its submitted_at), and when the last is expected to finish (max expected_done_at).
  std::size_t pending_jobs = 0;
  std::optional<util::Duration> oldest_pending_age;
  std::optional<util::TimePoint> eta;

  // The process holding the state file's lock now, if any: the run's own, or a new invocation's.
  LockHolder lock;

  std::size_t count(core::LookupStatus status) const { return counts[static_cast<std::size_t>(status)]; }
};

// Reads `path` read-only; `now` is the current API time (for ages). Errors: no file (missing),
// not a state file (not_ours), newer schema (too_new), damaged, no run yet (no_run), unreadable
// (cannot_open).
util::Expected<StatusReport, StoreError> load_status_report(const std::string& path, util::TimePoint now);

}  // namespace state
