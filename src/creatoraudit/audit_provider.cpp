#include "creatoraudit/audit_provider.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/exit_code.hpp"
#include "creatoraudit/idempotency_key.hpp"
#include "creatoraudit/pagination.hpp"
#include "util/text.hpp"

namespace creatoraudit {

namespace {

bool audit_covers(core::Platform platform) {
  return platform == core::Platform::instagram || platform == core::Platform::tiktok;
}

// Usernames compare case-insensitively and without a leading '@', as the API matches them.
std::string audit_username_key(std::string_view username) {
  if (username.starts_with('@')) {
    username.remove_prefix(1);
  }
  return util::to_lower(username);
}

std::size_t listing_pages(std::size_t accounts) {
  const auto page = static_cast<std::size_t>(k_page_limit);
  return std::max<std::size_t>(1, (accounts + page - 1) / page);
}

}  // namespace

AuditProvider::AuditProvider(std::vector<AuditRecord>& records, Client& client, state::Store& store,
                             util::Clock& clock, AuditProviderConfig config)
    : m_records(records), m_client(client), m_store(store), m_clock(clock), m_config(config) {
  const std::string period(period_name(m_config.period));
  for (AuditRecord& record : m_records) {
    if (record.status == AuditStatus::invalid) {
      continue;
    }
    if (!audit_covers(record.platform)) {
      record.status = AuditStatus::not_covered;
      continue;
    }
    // A resumed run works again on what a limit, the track mode or a refusal left without metrics:
    // the quota may have been raised, the flags changed. A key whose track took no effect is cleared.
    if (record.status == AuditStatus::quota_exceeded || record.status == AuditStatus::not_tracked ||
        record.status == AuditStatus::error || record.status == AuditStatus::not_covered) {
      if (record.status == AuditStatus::error) {
        record.idempotency_key.clear();
      }
      record.status = AuditStatus::pending;
      record.error.clear();
    }
    // Metrics held for another period are not this run's answer.
    if (record.status == AuditStatus::metrics && record.period != period) {
      record.status = AuditStatus::pending;
      record.metrics_json.clear();
      record.period.clear();
    }
    if (record.status == AuditStatus::pending && record.account_id.empty() &&
        std::find(m_to_list.begin(), m_to_list.end(), record.platform) == m_to_list.end()) {
      m_to_list.push_back(record.platform);
    }
  }
  std::sort(m_to_list.begin(), m_to_list.end());
}

bool AuditProvider::is_untracked(std::size_t i) const {
  const AuditRecord& record = m_records[i];
  return record.status == AuditStatus::pending && record.account_id.empty() && m_conflicted.count(i) == 0;
}

bool AuditProvider::awaits_refresh(const AuditRecord& record) const {
  return record.status == AuditStatus::pending && !record.account_id.empty() && record.last_scrape_time.empty();
}

bool AuditProvider::awaits_metrics(const AuditRecord& record) const {
  return record.status == AuditStatus::pending && !record.account_id.empty() &&
         !record.last_scrape_time.empty();
}

std::size_t AuditProvider::tracked_anew() const {
  return static_cast<std::size_t>(
      std::count_if(m_records.begin(), m_records.end(), [](const AuditRecord& r) { return r.tracked_anew; }));
}

util::Duration AuditProvider::cadence(util::TimePoint waiting_since) const {
  return m_clock.now() - waiting_since >= m_config.slow_after ? m_config.slow_poll_interval
                                                              : m_config.poll_interval;
}

bool AuditProvider::step() {
  if (stopped()) {
    return false;
  }
  try {
    if (!m_to_list.empty()) {
      return list_next_platform();
    }
    if (track_next()) {
      return true;
    }
    if (refresh_next()) {
      return true;
    }
    return fetch_metrics();
  } catch (const core::Fatal& failure) {
    // The state file cannot take the answer: start nothing new (PRODUCT.md, exit 73).
    m_fatal = failure.code();
    m_fatal_message = failure.what();
    return true;
  }
}

void AuditProvider::save(const std::vector<std::size_t>& indices) {
  if (indices.empty()) {
    return;
  }
  std::vector<state::ProviderRecord> stored;
  stored.reserve(indices.size());
  for (const std::size_t i : indices) {
    stored.push_back(to_stored(m_records[i]));
  }
  std::vector<const state::ProviderRecord*> pointers;
  pointers.reserve(stored.size());
  for (const auto& record : stored) {
    pointers.push_back(&record);
  }
  m_store.save_records(k_provider_name, pointers);
}

bool AuditProvider::handle_api_error(const ApiError& error) {
  switch (error.kind) {
    case ApiErrorKind::interrupted:
    case ApiErrorKind::deadline:
      m_interrupted = true;  // the loop ends; what is pending stays pending for the next run
      return false;
    case ApiErrorKind::key_rejected:
      m_fatal = core::ExitCode::key_rejected;
      break;
    default:
      m_fatal = core::ExitCode::api_unavailable;
      break;
  }
  m_fatal_message = error.message;
  return false;
}

bool AuditProvider::list_next_platform() {
  const core::Platform platform = m_to_list.front();
  const auto listed = m_client.list_accounts(platform);
  if (!listed) {
    handle_api_error(listed.error());
    return true;
  }
  m_to_list.erase(m_to_list.begin());
  apply_listing(platform, *listed, true);
  return true;
}

void AuditProvider::apply_listing(core::Platform platform, const std::vector<Account>& accounts,
                                  bool final_listing) {
  m_listed[platform] = accounts.size();
  std::unordered_map<std::string, const Account*> by_name;
  std::unordered_map<std::string, const Account*> by_id;
  for (const Account& account : accounts) {
    by_name.emplace(audit_username_key(account.username), &account);
    by_id.emplace(account.id, &account);
  }
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    AuditRecord& record = m_records[i];
    if (record.platform != platform || record.status != AuditStatus::pending) {
      continue;
    }
    const Account* found = nullptr;
    if (record.account_id.empty()) {
      const auto match = by_name.find(audit_username_key(record.handle));
      found = match == by_name.end() ? nullptr : match->second;
    } else if (record.last_scrape_time.empty()) {
      const auto match = by_id.find(record.account_id);
      found = match == by_id.end() ? nullptr : match->second;
    }
    const bool conflicted = m_conflicted.erase(i) > 0;
    if (found == nullptr) {
      if (conflicted && final_listing) {
        record.status = AuditStatus::error;
        record.error = "CreatorAudit answered 409 (tracked under another key) but does not list " +
                       std::string(core::platform_name(platform)) + " account " + record.handle;
        changed.push_back(i);
      }
      continue;
    }
    record.account_id = found->id;
    record.last_scrape_time = found->last_scrape_time.value_or("");
    changed.push_back(i);
  }
  save(changed);
}

void AuditProvider::settle_untracked(AuditStatus status, const std::string& reason) {
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    if (is_untracked(i)) {
      // A held key stays: its earlier attempt may have taken effect, and a later run re-sends it.
      m_records[i].status = status;
      m_records[i].error = reason;
      changed.push_back(i);
    }
  }
  save(changed);
}

bool AuditProvider::track_next() {
  std::size_t i = 0;
  while (i < m_records.size() && !is_untracked(i)) {
    ++i;
  }
  if (i == m_records.size()) {
    return false;
  }
  if (m_config.track == TrackMode::existing) {
    settle_untracked(AuditStatus::not_tracked, "the organization does not track this account "
                                               "(--audit-track existing)");
    return false;
  }
  if (m_config.max_new && tracked_anew() >= *m_config.max_new) {
    m_tracking_closed = true;
    settle_untracked(AuditStatus::quota_exceeded,
                     "--audit-max-new " + std::to_string(*m_config.max_new) + " reached; raise it and run again");
    return false;
  }
  AuditRecord& record = m_records[i];
  if (record.idempotency_key.empty()) {
    // Durable before the request: a kill after the track took effect leaves the key for the next
    // run to re-send, which the API answers as a replay rather than a second account.
    record.idempotency_key = new_idempotency_key();
    const state::ProviderRecord stored = to_stored(record);
    m_store.begin_start(k_provider_name, {&stored});
  }
  const auto result = m_client.track_account(record.platform, record.handle, record.idempotency_key);
  if (!result) {
    handle_api_error(result.error());  // the key stays: the outcome is unknown
    return true;
  }
  switch (result->outcome) {
    case TrackOutcome::created:
    case TrackOutcome::replayed:
    case TrackOutcome::existing:
      if (result->account.id.empty()) {
        record.status = AuditStatus::error;
        record.error = "CreatorAudit tracked " + record.handle + " but its answer named no account id";
        break;
      }
      record.account_id = result->account.id;
      record.last_scrape_time = result->account.last_scrape_time.value_or("");
      record.tracked_anew = result->outcome != TrackOutcome::existing;
      break;
    case TrackOutcome::conflict:
      record.idempotency_key.clear();  // a 409 took no effect
      m_conflicted.insert(i);
      if (std::find(m_to_list.begin(), m_to_list.end(), record.platform) == m_to_list.end()) {
        m_to_list.push_back(record.platform);
      }
      break;
    case TrackOutcome::invalid:
      record.idempotency_key.clear();  // a 422 took no effect; a later attempt uses a fresh key
      record.status = AuditStatus::error;
      record.error = result->message;
      break;
    case TrackOutcome::quota_exceeded:
      record.idempotency_key.clear();
      m_tracking_closed = true;
      save({i});
      settle_untracked(AuditStatus::quota_exceeded, result->message);
      return true;
  }
  save({i});
  return true;
}

void AuditProvider::start_refresh_round() {
  std::map<core::Platform, std::vector<std::size_t>> waiting;
  std::map<core::Platform, std::size_t> known;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    const AuditRecord& record = m_records[i];
    if (awaits_refresh(record)) {
      waiting[record.platform].push_back(i);
    }
    if (!record.account_id.empty()) {
      ++known[record.platform];
    }
  }
  m_round = RefreshRound{};
  for (const auto& [platform, indices] : waiting) {
    // A listing page answers 200 accounts, a GET one: whichever takes fewer requests.
    const std::size_t accounts = std::max(m_listed[platform], known[platform]);
    if (listing_pages(accounts) < indices.size()) {
      m_round.listings.push_back(platform);
    } else {
      m_round.fetches.insert(m_round.fetches.end(), indices.begin(), indices.end());
    }
  }
}

bool AuditProvider::refresh_next() {
  const util::TimePoint now = m_clock.now();
  if (m_round.empty()) {
    const bool any_waiting = std::any_of(m_records.begin(), m_records.end(),
                                         [this](const AuditRecord& record) { return awaits_refresh(record); });
    if (!any_waiting) {
      m_refresh_due.reset();
      m_refresh_waiting_since.reset();
      return false;
    }
    if (!m_refresh_due) {
      // A new account's first refresh takes minutes: the first check waits one interval.
      m_refresh_waiting_since = now;
      m_refresh_due = now + m_config.poll_interval;
      return false;
    }
    if (now < *m_refresh_due) {
      return false;
    }
    start_refresh_round();
  }
  if (!m_round.listings.empty()) {
    const core::Platform platform = m_round.listings.front();
    const auto listed = m_client.list_accounts(platform);
    if (!listed) {
      handle_api_error(listed.error());
      return true;
    }
    m_round.listings.erase(m_round.listings.begin());
    apply_listing(platform, *listed, false);
  } else {
    const std::size_t i = m_round.fetches.front();
    AuditRecord& record = m_records[i];
    const auto fetched = m_client.get_account(record.account_id, record.etag);
    if (!fetched) {
      handle_api_error(fetched.error());
      return true;
    }
    m_round.fetches.erase(m_round.fetches.begin());
    if (fetched->outcome == FetchOutcome::changed) {
      record.etag = fetched->etag;
      record.last_scrape_time = fetched->account.last_scrape_time.value_or("");
      save({i});
    } else if (fetched->outcome == FetchOutcome::not_found) {
      record.status = AuditStatus::error;
      record.error = "CreatorAudit no longer tracks account " + record.account_id + " (" +
                     describe(fetched->problem) + ")";
      save({i});
    }
  }
  if (m_round.empty()) {
    m_refresh_due = m_clock.now() + cadence(m_refresh_waiting_since.value_or(now));
  }
  return true;
}

util::TimePoint AuditProvider::metrics_flush_at() const {
  // Two poll intervals before the deadline: room for a refresh round's request to come first.
  return *m_config.deadline - 2 * m_config.poll_interval;
}

bool AuditProvider::metrics_held(util::TimePoint now) const {
  if (m_config.deadline && now >= metrics_flush_at()) {
    return false;
  }
  bool more_coming = !m_to_list.empty() || !m_round.empty();
  std::size_t ready = 0;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    const auto wait = m_metrics_not_before.find(i);
    ready += awaits_metrics(m_records[i]) && (wait == m_metrics_not_before.end() || wait->second <= now) ? 1 : 0;
    more_coming = more_coming || awaits_refresh(m_records[i]) || is_untracked(i);
  }
  return more_coming && ready < k_max_metrics_ids;
}

std::optional<util::TimePoint> AuditProvider::metrics_due() const {
  if (metrics_held(m_clock.now())) {
    // Held for a full batch; with a deadline, the engine wakes the provider to fetch them in time.
    const bool some_ready = std::any_of(m_records.begin(), m_records.end(),
                                        [this](const AuditRecord& record) { return awaits_metrics(record); });
    if (m_config.deadline && some_ready) {
      return metrics_flush_at();
    }
    return std::nullopt;
  }
  std::optional<util::TimePoint> due;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    if (!awaits_metrics(m_records[i])) {
      continue;
    }
    const auto wait = m_metrics_not_before.find(i);
    const util::TimePoint when = wait == m_metrics_not_before.end() ? m_clock.now() : wait->second;
    due = due ? std::min(*due, when) : when;
  }
  return due;
}

bool AuditProvider::fetch_metrics() {
  const util::TimePoint now = m_clock.now();
  if (metrics_held(now)) {
    return false;
  }
  std::vector<std::size_t> batch;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < m_records.size() && batch.size() < k_max_metrics_ids; ++i) {
    const auto wait = m_metrics_not_before.find(i);
    if (awaits_metrics(m_records[i]) && (wait == m_metrics_not_before.end() || wait->second <= now)) {
      batch.push_back(i);
      ids.push_back(m_records[i].account_id);
    }
  }
  if (batch.empty()) {
    return false;
  }
  const auto answer = m_client.metrics(m_config.period, ids);
  if (!answer) {
    handle_api_error(answer.error());
    return true;
  }
  if (answer->rejected) {
    // The API named the ids it refuses: those lookups fail, the rest are asked again at once. An
    // answer naming none fails the whole batch rather than asking the same thing again.
    std::vector<std::size_t> changed;
    for (const std::size_t i : batch) {
      const bool named = answer->rejected_ids.empty() ||
                         std::find(answer->rejected_ids.begin(), answer->rejected_ids.end(),
                                   m_records[i].account_id) != answer->rejected_ids.end();
      if (named) {
        m_records[i].status = AuditStatus::error;
        m_records[i].error = answer->message;
        changed.push_back(i);
      }
    }
    save(changed);
    return true;
  }
  std::unordered_map<std::string, const AccountMetrics*> items;
  for (const AccountMetrics& item : answer->page.items) {
    items.emplace(item.account_id, &item);
  }
  const std::string period(period_name(m_config.period));
  std::vector<std::size_t> changed;
  for (const std::size_t i : batch) {
    AuditRecord& record = m_records[i];
    const auto item = items.find(record.account_id);
    if (item == items.end() || !item->second->scraped()) {
      // Not scraped yet (absent, or every metric null): asked again on the cadence.
      const util::TimePoint since = m_metrics_waiting_since.emplace(i, now).first->second;
      m_metrics_not_before[i] = now + cadence(since);
      continue;
    }
    record.metrics_json = item->second->item_json;
    record.period = period;
    record.status = AuditStatus::metrics;
    m_metrics_not_before.erase(i);
    m_metrics_waiting_since.erase(i);
    changed.push_back(i);
  }
  save(changed);
  return true;
}

std::optional<util::TimePoint> AuditProvider::next_due() const {
  if (stopped()) {
    return std::nullopt;
  }
  const util::TimePoint now = m_clock.now();
  if (!m_to_list.empty() || !m_round.empty()) {
    return now;
  }
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    if (is_untracked(i)) {
      return now;
    }
  }
  std::optional<util::TimePoint> due = metrics_due();
  if (std::any_of(m_records.begin(), m_records.end(),
                  [this](const AuditRecord& record) { return awaits_refresh(record); })) {
    const util::TimePoint refresh = m_refresh_due.value_or(now);
    due = due ? std::min(*due, refresh) : refresh;
  }
  return due;
}

engine::ProviderProgress AuditProvider::progress() const {
  engine::ProviderProgress progress;
  progress.name = std::string(k_provider_name);
  for (const AuditRecord& record : m_records) {
    switch (record.status) {
      case AuditStatus::invalid:
        break;
      case AuditStatus::not_covered:
        ++progress.not_covered;
        break;
      case AuditStatus::pending:
        ++progress.covered;
        progress.waiting += record.account_id.empty() ? 0 : 1;
        break;
      case AuditStatus::metrics:
        ++progress.covered;
        ++progress.done;
        break;
      case AuditStatus::not_tracked:
      case AuditStatus::quota_exceeded:
      case AuditStatus::error:
        ++progress.covered;
        ++progress.done;
        ++progress.failed;
        break;
    }
  }
  progress.next_due = next_due();
  return progress;
}

engine::ProviderOutcome AuditProvider::finish() {
  engine::ProviderOutcome outcome;
  if (!m_fatal || *m_fatal != core::ExitCode::cannot_write) {
    std::vector<std::size_t> all(m_records.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      all[i] = i;
    }
    try {
      save(all);
    } catch (const core::Fatal& failure) {
      if (!m_fatal) {
        m_fatal = failure.code();
        m_fatal_message = failure.what();
      }
    }
  }
  for (const AuditRecord& record : m_records) {
    outcome.pending_left = outcome.pending_left || record.status == AuditStatus::pending;
    outcome.limit_left = outcome.limit_left || record.status == AuditStatus::quota_exceeded;
    outcome.some_failed = outcome.some_failed || record.status == AuditStatus::error ||
                          record.status == AuditStatus::not_tracked;
  }
  outcome.fatal_code = m_fatal;
  outcome.fatal_message = m_fatal_message;
  return outcome;
}

}  // namespace creatoraudit
