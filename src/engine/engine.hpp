#pragma once

// The run: submit unique lookups in budgeted batches, poll their jobs on the vendor's cadence,
// fetch --include fields, until every job has ended, the deadline passes, a stop is requested, or
// the API fails for good (PRODUCT.md, "The run"). Every answer is saved through the Store before
// the engine acts on it; every wait goes through the Clock; every request through the one
// creatorscore::Client (one rate limiter, one retry policy).

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/exit_code.hpp"
#include "creatorscore/types.hpp"
#include "engine/engine_config.hpp"
#include "engine/observer.hpp"
#include "engine/poll_scheduler.hpp"
#include "engine/status_counts.hpp"
#include "http/client.hpp"
#include "state/lookup_record.hpp"
#include "state/store.hpp"

namespace creatorscore {
class Client;
}

namespace engine {

struct RunOutcome {
  enum class Ending { completed, deadline, interrupted, fatal };
  Ending ending = Ending::completed;
  bool unsubmitted_left = false;  // lookups skipped for credits or budget: exit 3
  std::optional<core::ExitCode> fatal_code;  // 77 key rejected, 69 API unavailable
  std::string fatal_message;
  // The state file could not be written at some point: its first failure's one-line message. From
  // then on nothing new was submitted (those lookups are `skipped`, k_state_unwritable), the jobs
  // already paid for were still collected, and every later save tried to write all that was held.
  std::optional<std::string> state_error;
  // Records (indices) holding a job the API charged for whose job id never reached the state
  // file: a rerun would submit them again. Empty when a later save caught up.
  std::vector<std::size_t> unsaved_paid;
};

// The `error` of lookups left unsubmitted because the state file could not be written.
inline constexpr std::string_view k_state_unwritable = "state_unwritable";

std::string_view ending_name(RunOutcome::Ending ending);

class Engine {
 public:
  Engine(creatorscore::Client& api, state::Store& store, util::Clock& clock, Observer& observer, EngineConfig config);

  // The balance the key check reported, shown in progress until the API reports a newer one.
  void set_balance(std::int64_t balance);
  // Where request counters come from (the shared http::Client), for progress and the summary.
  void set_stats_source(std::function<http::ClientStats()> source);

  // Runs until done. `records` may come in any status (a resumed run): pending ones with a job id
  // are polled, not resubmitted; final ones are left alone; skipped ones are submitted again if
  // the budget allows.
  RunOutcome run(std::vector<state::LookupRecord>& records);

  const Progress& progress() const { return m_progress; }

 private:
  bool submit_next_batch(std::vector<state::LookupRecord>& records, RunOutcome& outcome);
  bool poll_due_jobs(std::vector<state::LookupRecord>& records, RunOutcome& outcome);
  bool fetch_next_include(std::vector<state::LookupRecord>& records, RunOutcome& outcome);
  // Records which lookup each job id of a resumed state answers for; a pending lookup holding a job
  // id another lookup holds already becomes an `error` (job_id_reused). Returns those changed.
  std::vector<const state::LookupRecord*> claim_resumed_job_ids(std::vector<state::LookupRecord>& records);
  // An answer that contradicts what was asked (another creator's score, a job id given twice, done
  // without a score): the lookup ends `error` with `reason`, and a warning says `what`.
  void end_with_contradiction(state::LookupRecord& record, const std::string& reason,
                              const std::string& what);
  void stop_submitting(std::vector<state::LookupRecord>& records, const std::string& reason);
  bool end_with_api_error(const creatorscore::ApiError& error, RunOutcome& outcome);
  // Makes `changed` durable. When the store cannot write, keeps them (and every later change) to
  // write with the next save, and stops submitting: see RunOutcome::state_error.
  void save(const std::vector<const state::LookupRecord*>& changed);
  void hold_unsaved(const std::vector<const state::LookupRecord*>& changed);
  void note_saved(const std::vector<const state::LookupRecord*>& saved);
  // Whether the store wrote; a failure other than "cannot write" is rethrown.
  bool try_store(const std::function<void()>& write);
  // Once the state file could not be written, the lookups not yet submitted are skipped.
  void stop_submitting_if_state_failed(std::vector<state::LookupRecord>& records);
  void report_state(const std::vector<state::LookupRecord>& records, RunOutcome& outcome);
  // Brings what the engine keeps about the records (status counts, poll ranking, --include
  // queue) up to date with the record at `index`: to call for every record a request touched.
  void note_changed(const std::vector<state::LookupRecord>& records, std::size_t index);
  void note_changed(const std::vector<state::LookupRecord>& records, const std::vector<std::size_t>& indices);
  void refresh_progress();

  creatorscore::Client& m_api;
  state::Store& m_store;
  util::Clock& m_clock;
  Observer& m_observer;
  EngineConfig m_config;
  std::function<http::ClientStats()> m_stats_source;
  Progress m_progress;
  state::Totals m_totals;
  util::TimePoint m_started{};
  std::int64_t m_spent_this_run = 0;
  bool m_submitting = true;
  std::vector<int> m_submit_attempts;
  // Per record, how many times its job was reported `done` without a creator (not in the state file).
  std::vector<int> m_done_without_creator;
  // The lookup each job id was issued for (the first record holding it), keyed by views of the
  // records' own job_id strings: `records` is neither resized nor has a job id replaced during run().
  std::unordered_map<std::string_view, std::size_t> m_job_owner;
  // Per record, an earlier eta report of its job, which predicts its end with the last one
  // (poll_scheduler.hpp). Not in the state file: a resumed run re-establishes it from its next report.
  EtaHistory m_eta_history;
  // Kept from the records a request touched, so a pass and a wake-up cost the same at 200,000
  // lookups as at 10 (note_changed).
  StatusCounts m_counts;
  PollSchedule m_schedule;
  std::set<std::size_t> m_include_wanted;  // records whose --include fields are still to fetch
  std::size_t m_submit_from = 0;  // no record before it is unsubmitted
  // Once the state file could not be written: the first failure, and the records changed since
  // the last save that succeeded (the vector is never resized during a run, so pointers hold).
  std::optional<std::string> m_state_error;
  std::vector<const state::LookupRecord*> m_unsaved;
  std::unordered_set<const state::LookupRecord*> m_unsaved_set;
  bool m_state_caught_up = false;  // the last save after a failure wrote everything held
  // Per record, whether the state file holds its job id (a rerun polls that job rather than
  // paying again): what tells the jobs paid for and lost from those whose latest poll is unsaved.
  const state::LookupRecord* m_records = nullptr;
  std::vector<bool> m_job_id_saved;
};

}  // namespace engine
