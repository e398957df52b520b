#pragma once

// CreatorScore's part of a run (engine::Provider): submit unique lookups in budgeted batches, poll
// their jobs on the vendor's cadence, fetch --include fields, until every job has ended, the API
// fails for good or the engine stops the run (PRODUCT.md, "The run"). Every answer is saved
// through the Store before the provider acts on it; every request goes through the one
// creatorscore::Client (one rate limiter, one retry policy). Each step sends one request: polls
// first, then submits, then --include fetches.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "creatorscore/poll_scheduler.hpp"
#include "creatorscore/score_config.hpp"
#include "creatorscore/status_counts.hpp"
#include "creatorscore/types.hpp"
#include "engine/engine.hpp"
#include "http/client.hpp"
#include "state/lookup_record.hpp"
#include "state/store.hpp"

namespace creatorscore {

class Client;

class ScoreProvider final : public engine::Provider, public engine::ProgressSource {
 public:
  // `records` may come in any status (a resumed run): pending ones with a job id are polled, not
  // resubmitted; final ones are left alone; skipped ones are submitted again if the budget allows.
  // `records` is neither resized nor has a job id replaced while the provider lives. The provider
  // fills `run`'s progress (engine::ProgressSource).
  ScoreProvider(engine::Engine& run, Client& api, state::Store& store, util::Clock& clock,
                engine::Observer& observer, ScoreConfig config, std::vector<state::LookupRecord>& records);

  // The balance the key check reported, shown in progress until the API reports a newer one.
  void set_balance(std::int64_t balance);
  // Where request counters come from (the shared http::Client), for progress and the summary.
  void set_stats_source(std::function<http::ClientStats()> source);

  std::string_view name() const override { return "creatorscore"; }
  engine::RepeatSafety repeat_safety() const override { return engine::RepeatSafety::server_deduplication; }
  bool step() override;
  std::optional<util::TimePoint> next_due() const override;
  engine::ProviderProgress progress() const override;
  engine::ProviderOutcome finish() override;

  void fill_progress(engine::Progress& progress) const override;
  void note_waiting() override;

  // See engine::RunOutcome::state_error and unsaved_paid; set by finish().
  const std::optional<std::string>& state_error() const { return m_state_error; }
  const std::vector<std::size_t>& unsaved_paid() const { return m_unsaved_paid; }

 private:
  void begin();
  bool submit_next_batch();
  bool poll_due_jobs();
  bool fetch_next_include();
  // Records which lookup each job id of a resumed state answers for; a pending lookup holding a job
  // id another lookup holds already becomes an `error` (job_id_reused). Returns those changed.
  std::vector<const state::LookupRecord*> claim_resumed_job_ids();
  // An answer that contradicts what was asked (another creator's score, a job id given twice, done
  // without a score): the lookup ends `error` with `reason`, and a warning says `what`.
  void end_with_contradiction(state::LookupRecord& record, const std::string& reason,
                              const std::string& what);
  void stop_submitting(const std::string& reason);
  bool end_with_api_error(const ApiError& error);
  // Makes `changed` durable. When the store cannot write, keeps them (and every later change) to
  // write with the next save, and stops submitting: see engine::RunOutcome::state_error.
  void save(const std::vector<const state::LookupRecord*>& changed);
  void hold_unsaved(const std::vector<const state::LookupRecord*>& changed);
  void note_saved(const std::vector<const state::LookupRecord*>& saved);
  // Whether the store wrote; a failure other than "cannot write" is rethrown.
  bool try_store(const std::function<void()>& write);
  // Once the state file could not be written, the lookups not yet submitted are skipped.
  void stop_submitting_if_state_failed();
  void report_state();
  // Brings what the provider keeps about the records (status counts, poll ranking, --include
  // queue) up to date with the record at `index`: to call for every record a request touched.
  void note_changed(std::size_t index);
  void note_changed(const std::vector<std::size_t>& indices);
  // Brings the fields fill_progress gives up to date; refresh_progress also has the engine show them.
  void update_progress();
  void refresh_progress();

  engine::Engine& m_run;
  Client& m_api;
  state::Store& m_store;
  util::Clock& m_clock;
  engine::Observer& m_observer;
  ScoreConfig m_config;
  std::vector<state::LookupRecord>& m_records;
  std::function<http::ClientStats()> m_stats_source;
  engine::Progress m_progress;  // the fields other than `providers` (fill_progress)
  state::Totals m_totals;
  util::TimePoint m_started{};
  std::int64_t m_spent_this_run = 0;
  bool m_submitting = true;
  // A fatal API error (key rejected, API unavailable) stopped this provider.
  std::optional<core::ExitCode> m_fatal_code;
  std::string m_fatal_message;
  // A request gave up because the deadline passed or a stop was asked: the run ends there.
  bool m_run_ended = false;
  std::vector<int> m_submit_attempts;
  // Per record, how many times its job was reported `done` without a creator (not in the state file).
  std::vector<int> m_done_without_creator;
  // The lookup each job id was issued for (the first record holding it), keyed by views of the
  // records' own job_id strings: `records` is neither resized nor has a job id replaced.
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
  std::vector<std::size_t> m_unsaved_paid;
  // Per record, whether the state file holds its job id (a rerun polls that job rather than
  // paying again): what tells the jobs paid for and lost from those whose latest poll is unsaved.
  std::vector<bool> m_job_id_saved;
};

// Runs `engine` with CreatorScore as its only provider; the outcome carries the provider's
// state_error and unsaved_paid.
engine::RunOutcome run_alone(engine::Engine& engine, ScoreProvider& provider);

}  // namespace creatorscore
