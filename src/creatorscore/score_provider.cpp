#include "creatorscore/score_provider.hpp"

#include <algorithm>
#include <unordered_map>

#include "creatorscore/batch_planner.hpp"
#include "creatorscore/client.hpp"
#include "creatorscore/poll_scheduler.hpp"

namespace creatorscore {

namespace {

using core::LookupStatus;
using engine::BatchEvent;
using engine::PollEvent;

constexpr std::size_t k_max_ids_per_poll = 100;  // POST /jobs/bulk-status takes at most 100
// A submitted creator missing from the API's answer is sent once more, then given up on.
constexpr int k_max_submit_attempts = 2;
// A job reported `done` without a creator is asked about this many more times on the usual
// cadence (the payload may lag its status), then recorded as an error: never polled forever.
constexpr int k_max_polls_after_done_without_creator = 3;

bool wants_include(const ScoreConfig& config, const state::LookupRecord& record) {
  return !config.include.empty() && !record.include_fetched &&
         (record.status == LookupStatus::cached || record.status == LookupStatus::scored);
}

}  // namespace

ScoreProvider::ScoreProvider(engine::Engine& run, Client& api, state::Store& store, util::Clock& clock,
                             engine::Observer& observer, ScoreConfig config, std::vector<state::LookupRecord>& records)
    : m_run(run),
      m_api(api),
      m_store(store),
      m_clock(clock),
      m_observer(observer),
      m_config(std::move(config)),
      m_records(records) {
  m_config.batch_size = std::clamp<std::size_t>(m_config.batch_size, 1, 100);
  m_run.set_progress_source(this);
  begin();
}

void ScoreProvider::set_balance(std::int64_t balance) { m_progress.balance = balance; }

void ScoreProvider::set_stats_source(std::function<http::ClientStats()> source) {
  m_stats_source = std::move(source);
}

void ScoreProvider::begin() {
  std::vector<state::LookupRecord>& records = m_records;
  m_started = m_clock.now();
  m_submit_attempts.assign(records.size(), 0);
  m_eta_history.assign(records.size(), std::nullopt);
  // Not in the state file: a resumed run allows a job its polls after `done` without a creator afresh.
  m_done_without_creator.assign(records.size(), 0);
  for (state::LookupRecord& record : records) {
    // A resumed run submits again what an earlier invocation skipped for credits or budget.
    if (record.status == LookupStatus::skipped) {
      record.status = LookupStatus::unsubmitted;
      record.error.clear();
    }
  }
  std::vector<const state::LookupRecord*> reused = claim_resumed_job_ids();
  m_counts.count_all(records);
  m_schedule.rank_all(m_config, records, m_eta_history);
  m_include_wanted.clear();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (wants_include(m_config, records[i])) {
      m_include_wanted.insert(i);
    }
  }
  m_job_id_saved.assign(records.size(), false);
  for (std::size_t i = 0; i < records.size(); ++i) {
    m_job_id_saved[i] = !records[i].job_id.empty();  // a resumed run's records come from the file
  }
  if (!reused.empty()) {
    save(reused);
  }
  refresh_progress();
}

bool ScoreProvider::step() {
  stop_submitting_if_state_failed();
  if (m_fatal_code || m_run_ended) {
    return false;
  }
  // One request per step, polls first: a job that ended should be seen as soon as it may be,
  // and submits then fill the rate limit's remaining room.
  return poll_due_jobs() || (m_submitting && submit_next_batch()) || fetch_next_include();
}

std::optional<util::TimePoint> ScoreProvider::next_due() const {
  if (m_fatal_code || m_run_ended) {
    return std::nullopt;
  }
  if (const std::optional<util::TimePoint> due = m_schedule.next_due(k_max_ids_per_poll)) {
    return due;
  }
  if (m_submitting && m_counts.of(LookupStatus::unsubmitted) > 0) {
    return m_clock.now();  // only submitting is left, and the next step does it
  }
  return std::nullopt;
}

engine::ProviderProgress ScoreProvider::progress() const {
  engine::ProviderProgress progress;
  progress.name = std::string(name());
  progress.covered = m_records.size();
  progress.done = m_progress.done();
  progress.waiting = m_progress.in_flight;
  progress.failed = m_progress.failed + m_progress.not_found + m_progress.errors;
  progress.next_due = next_due();
  return progress;
}

engine::ProviderOutcome ScoreProvider::finish() {
  stop_submitting_if_state_failed();
  report_state();
  m_progress.next_poll.reset();
  update_progress();  // the engine shows it once every provider has finished
  engine::ProviderOutcome outcome;
  outcome.limit_left = m_counts.of(LookupStatus::skipped) > 0;
  outcome.some_failed = m_progress.failed + m_progress.not_found + m_progress.errors > 0;
  outcome.pending_left =
      m_counts.of(LookupStatus::pending) > 0 || m_counts.of(LookupStatus::unsubmitted) > 0;
  outcome.fatal_code = m_fatal_code;
  outcome.fatal_message = m_fatal_message;
  return outcome;
}
bool ScoreProvider::submit_next_batch() {
  std::vector<state::LookupRecord>& records = m_records;
  std::optional<std::int64_t> budget_left;
  if (m_config.max_credits) {
    budget_left = *m_config.max_credits - m_spent_this_run;
  }
  const BatchPlan plan = plan_batch(records, m_config.pricing, m_config.batch_size, budget_left, m_submit_from);
  m_submit_from = plan.first_waiting;
  if (plan.indices.empty()) {
    if (plan.budget_exhausted) {
      stop_submitting("budget_exhausted");
    }
    return false;
  }
  std::vector<LookupRequest> request;
  std::vector<const state::LookupRecord*> batch;
  std::unordered_map<std::string, std::size_t> by_identity;
  for (std::size_t index : plan.indices) {
    const state::LookupRecord& record = records[index];
    request.push_back({record.platform, record.handle});
    batch.push_back(&record);
    by_identity.emplace(state::lookup_key(record), index);
    ++m_submit_attempts[index];
  }
  // Write-ahead: the intent is durable before the request can charge anything; when it cannot be
  // written, nothing is sent.
  if (!try_store([&] { m_store.begin_submit(batch); })) {
    stop_submitting_if_state_failed();
    return true;
  }
  auto response = m_api.submit_bulk(request);
  if (!response) {
    const ApiError& error = response.error();
    if (error.kind == ApiErrorKind::insufficient_credits) {
      stop_submitting("insufficient_credits");
      return true;
    }
    if (error.kind == ApiErrorKind::bad_request) {
      // The API refused the request as a whole (invalid_request): a bug on our side or a creator
      // it cannot take. Those lookups end as `error` rather than being sent again and again.
      std::vector<const state::LookupRecord*> changed;
      for (std::size_t index : plan.indices) {
        records[index].status = LookupStatus::error;
        records[index].error = error.code.empty() ? "invalid_request" : error.code;
        changed.push_back(&records[index]);
      }
      note_changed(plan.indices);
      save(changed);
      m_observer.on_warning(error.message);
      return true;
    }
    return end_with_api_error(error);
  }

  const util::TimePoint now = m_clock.now();
  BatchEvent event;
  event.submitted = plan.indices.size();
  std::vector<const state::LookupRecord*> changed;
  bool out_of_credits = false;
  std::int64_t charged_here = 0;
  for (const ItemResult& item : response->results) {
    const std::optional<core::Platform> platform = core::parse_platform(item.platform);
    const auto found = platform ? by_identity.find(state::lookup_key(*platform, item.handle)) : by_identity.end();
    if (found == by_identity.end()) {
      continue;  // a creator we did not ask about in this batch
    }
    state::LookupRecord& record = records[found->second];
    if (record.status != LookupStatus::unsubmitted) {
      continue;  // a duplicate result for a creator already handled
    }
    switch (item.outcome) {
      case ItemOutcome::cached:
        if (!is_same_creator(item.creator_named, record.platform, record.handle)) {
          end_with_contradiction(record, "answer_for_another_creator",
                                 "the API answered for " + record.handle + " with another creator's score");
          ++event.errors;
          break;
        }
        record.status = LookupStatus::cached;
        record.creator_json = item.creator_json;
        ++event.cached;
        break;
      case ItemOutcome::queued: {
        if (const auto owner = m_job_owner.find(item.job_id); owner != m_job_owner.end()) {
          // A job answers for the lookup it was issued for: this one's score would be another's.
          record.job_id = item.job_id;
          record.credits_charged = item.credits_charged.value_or(0);
          charged_here += record.credits_charged;
          m_progress.credits_by_platform[record.platform] += record.credits_charged;
          end_with_contradiction(record, "job_id_reused",
                                 "the API gave " + record.handle + " the job id " + item.job_id +
                                     " it had already given " + records[owner->second].handle);
          ++event.errors;
          break;
        }
        record.job_id = item.job_id;
        m_job_owner.emplace(record.job_id, found->second);  // a view of the record's own copy
        record.status = LookupStatus::pending;
        record.submitted_at = now;
        record.last_polled_at = now;  // the submit's answer is the job's first report
        record.expected_done_at = item.eta ? std::optional(now + util::Duration(*item.eta)) : std::nullopt;
        const int price = m_config.pricing.price(record.platform);
        record.credits_charged = item.credits_charged.value_or(item.deduplicated ? 0 : price);
        charged_here += record.credits_charged;
        m_progress.credits_by_platform[record.platform] += record.credits_charged;
        ++event.queued;
        if (item.deduplicated) {
          ++event.deduplicated;
        }
        break;
      }
      case ItemOutcome::error:
        if (item.error_code == "insufficient_credits") {
          out_of_credits = true;  // stays unsubmitted; skipped below with the rest
          continue;
        }
        record.status = LookupStatus::error;
        record.error = item.error_code;
        ++event.errors;
        break;
    }
    changed.push_back(&record);
  }
  for (std::size_t index : plan.indices) {
    state::LookupRecord& record = records[index];
    if (record.status == LookupStatus::unsubmitted && !out_of_credits &&
        m_submit_attempts[index] >= k_max_submit_attempts) {
      record.status = LookupStatus::error;
      record.error = "no_result";  // the API answered twice without this creator
      changed.push_back(&record);
    }
  }
  note_changed(plan.indices);
  m_spent_this_run += charged_here;
  m_totals.credits_spent += charged_here;
  event.credits_spent = charged_here;
  if (response->credits_remaining) {
    m_progress.balance = *response->credits_remaining;
  }
  save(changed);
  if (out_of_credits) {
    stop_submitting("insufficient_credits");
  }
  refresh_progress();
  m_observer.on_batch(event, m_run.progress());
  return true;
}

bool ScoreProvider::poll_due_jobs() {
  std::vector<state::LookupRecord>& records = m_records;
  const util::TimePoint now = m_clock.now();
  const std::vector<std::size_t> chosen =
      m_schedule.jobs_to_poll(m_config, records, m_eta_history, now, k_max_ids_per_poll);
  if (chosen.empty()) {
    return false;
  }
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::size_t> by_job;
  for (std::size_t index : chosen) {
    ids.push_back(records[index].job_id);
    by_job.emplace(records[index].job_id, index);
  }
  auto response = m_api.bulk_status(ids);
  if (!response) {
    return end_with_api_error(response.error());
  }
  const util::TimePoint answered = m_clock.now();
  PollEvent event;
  event.polled = ids.size();
  std::vector<const state::LookupRecord*> changed;
  for (const JobStatus& job : *response) {
    const auto found = by_job.find(job.job_id);
    if (found == by_job.end()) {
      continue;  // a job we never asked about
    }
    state::LookupRecord& record = records[found->second];
    if (record.status != LookupStatus::pending) {
      continue;  // reported twice in one answer
    }
    const std::optional<EtaReport> previous = last_report(record);
    record.last_polled_at = answered;
    switch (job.state) {
      case JobState::done:
        if (!is_same_creator(job.creator_named, record.platform, record.handle)) {
          end_with_contradiction(record, "answer_for_another_creator",
                                 "the API answered job " + job.job_id + " of " + record.handle +
                                     " with another creator's score");
          break;
        }
        record.status = LookupStatus::scored;
        record.creator_json = job.creator_json;
        record.expected_done_at.reset();
        ++event.done;
        break;
      case JobState::done_without_creator:
        if (++m_done_without_creator[found->second] > k_max_polls_after_done_without_creator) {
          end_with_contradiction(record, "done_without_creator",
                                 "the API reported job " + job.job_id + " of " + record.handle + " done " +
                                     std::to_string(m_done_without_creator[found->second]) +
                                     " times without its score");
          break;
        }
        // Asked again on the cadence, measured afresh: `done` carries no eta to predict from.
        record.expected_done_at.reset();
        m_eta_history[found->second].reset();
        ++event.still_in_flight;
        break;
      case JobState::failed:
        // The API refunds a failed job (creatorscore-v1.md); it is final for this run.
        record.status = LookupStatus::failed;
        record.error = job.error;
        record.credits_refunded = record.credits_charged;
        m_totals.credits_refunded += record.credits_refunded;
        record.expected_done_at.reset();
        ++event.failed;
        break;
      case JobState::not_found:
        record.status = LookupStatus::not_found;
        record.error = job.error.empty() ? "not_found" : job.error;
        record.expected_done_at.reset();
        ++event.not_found;
        break;
      case JobState::queued:
      case JobState::processing:
        record.expected_done_at = job.eta ? std::optional(answered + util::Duration(*job.eta)) : std::nullopt;
        m_eta_history[found->second] =
            job.eta ? next_anchor(m_eta_history[found->second], previous, {answered, util::Duration(*job.eta)})
                    : std::nullopt;
        ++event.still_in_flight;
        break;
    }
    changed.push_back(&record);
  }
  for (std::size_t index : chosen) {
    // Asked about but not answered for: counts as polled, so the cadence holds for it too.
    if (records[index].status == LookupStatus::pending && records[index].last_polled_at < answered) {
      records[index].last_polled_at = answered;
      // Its last eta, restamped with this instant, would read as a report it never made and
      // skew the rate measured from the next one: it is measured afresh instead.
      records[index].expected_done_at.reset();
      m_eta_history[index].reset();
      changed.push_back(&records[index]);
    }
  }
  note_changed(chosen);
  save(changed);
  refresh_progress();
  m_observer.on_poll_round(event, m_run.progress());
  return true;
}

bool ScoreProvider::fetch_next_include() {
  std::vector<state::LookupRecord>& records = m_records;
  if (m_include_wanted.empty()) {
    return false;
  }
  // The first record in roster order that wants its fields.
  const std::size_t index = *m_include_wanted.begin();
  state::LookupRecord& record = records[index];
  auto item = m_api.lookup({record.platform, record.handle}, m_config.include);
  if (!item) {
    if (item.error().kind == ApiErrorKind::insufficient_credits || item.error().kind == ApiErrorKind::bad_request) {
      record.include_fetched = true;  // keep the score without the extra fields
      note_changed(index);
      save({&record});
      m_observer.on_warning("could not fetch --include fields for " + record.handle + ": " + item.error().message);
      return true;
    }
    return end_with_api_error(item.error());
  }
  if (item->outcome == ItemOutcome::cached &&
      !is_same_creator(item->creator_named, record.platform, record.handle)) {
    m_observer.on_warning("--include fields for " + record.handle +
                          " came with another creator's score; kept the score without them");
  } else if (item->outcome == ItemOutcome::cached) {
    record.creator_json = item->creator_json;
  } else {
    m_observer.on_warning("--include fields for " + record.handle + " were not ready; kept the score without them");
  }
  record.include_fetched = true;
  note_changed(index);
  save({&record});
  return true;
}

std::vector<const state::LookupRecord*> ScoreProvider::claim_resumed_job_ids() {
  std::vector<state::LookupRecord>& records = m_records;
  m_job_owner.clear();
  std::vector<const state::LookupRecord*> reused;
  for (std::size_t i = 0; i < records.size(); ++i) {
    state::LookupRecord& record = records[i];
    if (record.job_id.empty() || (record.status == LookupStatus::error && record.error == "job_id_reused")) {
      continue;  // no job, or one it was never the owner of
    }
    const auto [owner, first] = m_job_owner.emplace(record.job_id, i);
    if (!first && record.status == LookupStatus::pending) {
      // A state file in which two lookups wait on one job (the API once gave it to both): polling
      // it would give one creator's score to the other.
      end_with_contradiction(record, "job_id_reused",
                             "job " + record.job_id + " of " + record.handle + " was also given to " +
                                 records[owner->second].handle);
      reused.push_back(&record);
    }
  }
  return reused;
}

void ScoreProvider::end_with_contradiction(state::LookupRecord& record, const std::string& reason,
                                    const std::string& what) {
  record.status = LookupStatus::error;
  record.error = reason;
  record.expected_done_at.reset();
  m_observer.on_warning(what + ": recorded as error " + reason + " (its score is not taken)");
}

void ScoreProvider::stop_submitting(const std::string& reason) {
  std::vector<state::LookupRecord>& records = m_records;
  m_submitting = false;
  std::vector<const state::LookupRecord*> changed;
  for (std::size_t i = 0; i < records.size(); ++i) {
    state::LookupRecord& record = records[i];
    if (record.status == LookupStatus::unsubmitted) {
      record.status = LookupStatus::skipped;
      record.error = reason;
      note_changed(i);
      changed.push_back(&record);
    }
  }
  save(changed);
  const std::string skipped = std::to_string(changed.size()) + " lookups skipped";
  if (reason == "budget_exhausted") {
    m_observer.on_warning("--max-credits reached: " + skipped);
  } else if (reason == engine::k_state_unwritable) {
    m_observer.on_warning("the state file cannot be written: " + skipped +
                          " (submitted by the next run); the jobs already paid for are still collected");
  } else {
    m_observer.on_warning("out of credits: " + skipped + "; queued jobs are still collected");
  }
}

void ScoreProvider::stop_submitting_if_state_failed() {
  if (m_state_error && m_submitting) {
    stop_submitting(std::string(engine::k_state_unwritable));
  }
}

bool ScoreProvider::end_with_api_error(const ApiError& error) {
  if (error.kind == ApiErrorKind::interrupted) {
    m_run_ended = true;
    m_run.end_run(engine::RunOutcome::Ending::interrupted);
    return true;
  }
  if (error.kind == ApiErrorKind::deadline) {
    m_run_ended = true;
    m_run.end_run(engine::RunOutcome::Ending::deadline);
    return true;
  }
  m_fatal_code =
      error.kind == ApiErrorKind::key_rejected ? core::ExitCode::key_rejected : core::ExitCode::api_unavailable;
  m_fatal_message = error.message;
  return true;
}

void ScoreProvider::save(const std::vector<const state::LookupRecord*>& changed) {
  if (m_stats_source) {
    m_totals.requests = static_cast<std::int64_t>(m_stats_source().requests_sent);
  }
  if (!m_state_error) {
    if (try_store([&] { m_store.save(changed, m_totals); })) {
      note_saved(changed);
      return;
    }
    hold_unsaved(changed);
    return;  // it failed a moment ago: the next save tries again
  }
  // The state file failed before (a full disk, most often): what was paid for is kept here and
  // every save tries to write all of it, since the disk may have been freed meanwhile.
  hold_unsaved(changed);
  const bool was_caught_up = m_state_caught_up;
  m_state_caught_up = try_store([&] { m_store.save(m_unsaved, m_totals); });
  if (!m_state_caught_up) {
    return;
  }
  note_saved(m_unsaved);
  if (!was_caught_up) {
    m_observer.on_warning("the state file could be written again: " + std::to_string(m_unsaved.size()) +
                          " lookups held since it failed are saved");
  }
  m_unsaved.clear();
  m_unsaved_set.clear();
}

void ScoreProvider::hold_unsaved(const std::vector<const state::LookupRecord*>& changed) {
  for (const state::LookupRecord* record : changed) {
    if (m_unsaved_set.insert(record).second) {
      m_unsaved.push_back(record);
    }
  }
}

void ScoreProvider::note_saved(const std::vector<const state::LookupRecord*>& saved) {
  for (const state::LookupRecord* record : saved) {
    if (!record->job_id.empty()) {
      m_job_id_saved[static_cast<std::size_t>(record - m_records.data())] = true;
    }
  }
}

bool ScoreProvider::try_store(const std::function<void()>& write) {
  try {
    write();
    return true;
  } catch (const core::Fatal& failure) {
    if (failure.code() != core::ExitCode::cannot_write) {
      throw;
    }
    if (!m_state_error) {
      m_state_error = failure.what();
      m_observer.on_warning(std::string(failure.what()) +
                            "; submitting nothing more, collecting the jobs already paid for");
    }
    return false;
  }
}

void ScoreProvider::report_state() {
  if (!m_state_error) {
    return;
  }
  if (!m_unsaved.empty()) {
    save({});  // a last try: the disk may have been freed since the last save
  }
  m_unsaved_paid.clear();
  for (const state::LookupRecord* record : m_unsaved) {
    const auto index = static_cast<std::size_t>(record - m_records.data());
    if (!record->job_id.empty() && !m_job_id_saved[index]) {
      m_unsaved_paid.push_back(index);
    }
  }
  std::sort(m_unsaved_paid.begin(), m_unsaved_paid.end());
}

void ScoreProvider::note_changed(std::size_t index) {
  m_counts.recount(m_records, index);
  m_schedule.rank(m_config, m_records, m_eta_history, index);
  if (wants_include(m_config, m_records[index])) {
    m_include_wanted.insert(index);
  } else {
    m_include_wanted.erase(index);
  }
}

void ScoreProvider::note_changed(const std::vector<std::size_t>& indices) {
  for (std::size_t index : indices) {
    note_changed(index);
  }
}

void ScoreProvider::refresh_progress() {
  update_progress();
  m_run.refresh_progress();
}

void ScoreProvider::update_progress() { fill_progress(m_progress); }

void ScoreProvider::fill_progress(engine::Progress& p) const {
  p = m_progress;
  p.providers.clear();
  m_counts.fill(p);
  p.credits_spent = m_totals.credits_spent;
  p.credits_refunded = m_totals.credits_refunded;
  p.elapsed = m_clock.now() - m_started;
  if (m_stats_source) {
    const http::ClientStats stats = m_stats_source();
    p.requests = stats.requests_sent;
    p.rate_limit_waits = stats.rate_limit_waits;
  }
}

void ScoreProvider::note_waiting() {
  if (m_fatal_code || m_run_ended) {
    return;
  }
  if (const std::optional<util::TimePoint> due = m_schedule.next_due(k_max_ids_per_poll)) {
    m_progress.next_poll = *due;
  }
}

engine::RunOutcome run_alone(engine::Engine& engine, ScoreProvider& provider) {
  engine::RunOutcome outcome = engine.run({&provider});
  outcome.state_error = provider.state_error();
  outcome.unsaved_paid = provider.unsaved_paid();
  return outcome;
}

}  // namespace creatorscore
