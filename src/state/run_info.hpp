#pragma once

// What the state file knows about runs: their lifecycle status, the facts that identify them, and
// the error a state file operation returns as a value. Shared by SqliteStore and the offline
// status report.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/exit_code.hpp"
#include "state/lookup_record.hpp"
#include "state/store.hpp"
#include "util/clock.hpp"

namespace state {

// Stored in the state file: values are explicit and never reused.
enum class RunStatus : int {
  running = 1,     // a process is (or was, until it was killed) working on it: resumable
  incomplete = 2,  // ended early (deadline, signal, credits, fatal error): resumable
  completed = 3,   // every lookup ended; the next invocation starts afresh
  abandoned = 4,   // discarded by --restart
};

// "running", "incomplete", "completed", "abandoned".
std::string_view run_status_name(RunStatus status);

// True for the statuses the next invocation resumes. A `running` run found by a process that
// holds the state lock was left behind by a crashed or killed process: it counts as incomplete.
inline bool is_resumable(RunStatus status) { return status == RunStatus::running || status == RunStatus::incomplete; }

// The provider name CreatorScore's records are kept under (schema v3's provider_records.provider).
inline constexpr std::string_view k_creatorscore = "creatorscore";

// What a run knows of one provider it uses (schema v3's run_providers): where its API is, and the
// account whose key started the run there (never the key). Empty until known.
struct ProviderRunInfo {
  std::string base_url;
  std::string account_id;
  std::string account_name;
  bool operator==(const ProviderRunInfo&) const = default;
};

// The facts a run was started with. `roster_identity` and `options_fingerprint` are opaque to the
// store (the CLI decides what they hold: cli/options_fingerprint.hpp); they let the CLI tell
// whether a resumed run still matches the roster and options it is given. `base_url` and the
// tenant are CreatorScore's (its row of RunSnapshot::providers).
struct RunInfo {
  std::string roster_path;  // absolute, or "-" for stdin
  std::string roster_identity;
  std::string base_url;
  std::string options_fingerprint;
  util::TimePoint started_at{};  // API time (RealClock: Unix milliseconds)
  // The tenant whose key started the run (GET /account's tenant id and name; never the key): job
  // ids are per tenant, so another tenant's key cannot resume it. Empty until the key check, and in
  // runs made before schema version 2.
  std::string tenant_id{};
  std::string tenant_name{};
};

// A run as stored, with all its lookups (in the order they were first stored).
struct RunSnapshot {
  std::int64_t run_id = 0;
  RunInfo info;
  RunStatus status = RunStatus::running;
  std::string stop_reason;
  std::optional<util::TimePoint> ended_at;
  // `index` is 0 in every record: the caller maps records to its roster by lookup_key().
  std::vector<LookupRecord> records;
  // Parallel to `records`: begin_submit() recorded an intent that no save() cleared, i.e. the
  // process stopped between sending that batch and saving its answer. Such a lookup is submitted
  // again; see SqliteStore::begin_submit for why that costs nothing twice.
  std::vector<bool> submit_intent;
  Totals totals;  // over every invocation of this run
  // Every provider the run uses, by name, CreatorScore included (schema v3; a v2 run gets its
  // CreatorScore row from the migration).
  std::map<std::string, ProviderRunInfo> providers;
  // The other providers' records by provider name, each in the order first stored (`index` 0).
  std::map<std::string, std::vector<ProviderRecord>> provider_records;
};

// A state file operation that failed, as a value.
struct StoreError {
  enum class Kind {
    missing,      // no state file at the path (read-only open)
    cannot_open,  // cannot create, open or write it (permissions, not a directory, disk full)
    not_ours,     // not a roster-enrich state file (not SQLite, or someone else's database)
    too_new,      // made by a newer roster-enrich (schema version above ours)
    damaged,      // SQLite reports corruption
    no_run,       // the file holds no run (status report)
  };
  Kind kind = Kind::cannot_open;
  // One line naming the file and what to do next; shown after `roster-enrich: error: `.
  std::string message;
  core::ExitCode code = core::ExitCode::cannot_write;
};

}  // namespace state
