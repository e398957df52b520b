#pragma once

// The CreatorAudit side of a run (PRODUCT.md's CreatorAudit section, docs/providers.md): finds
// which roster lookups the organization tracks, tracks the others under a durable Idempotency-Key,
// waits for each new account's first refresh, and fetches metrics for the period in batches of 200.
// One request per step(); every answer is saved through the store before it is acted on.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "creatoraudit/audit_record.hpp"
#include "creatoraudit/client.hpp"
#include "engine/provider.hpp"
#include "state/store.hpp"
#include "util/clock.hpp"

namespace creatoraudit {

// --audit-track: `new_accounts` tracks what the organization does not track yet (using its quota);
// `existing` only reads what it tracks and leaves the rest `not_tracked`.
enum class TrackMode { new_accounts, existing };

struct AuditProviderConfig {
  Period period = Period::days_30;
  TrackMode track = TrackMode::new_accounts;
  std::optional<std::size_t> max_new;  // --audit-max-new: most accounts this run may track anew
  // The cadence of re-checks (first refreshes, metrics not yet scraped), as CreatorScore's jobs:
  // every poll_interval, then every slow_poll_interval once a wait has lasted slow_after.
  util::Duration poll_interval = std::chrono::seconds(60);
  util::Duration slow_poll_interval = std::chrono::minutes(5);
  util::Duration slow_after = std::chrono::minutes(30);
  // --deadline, as an instant: metrics held for a full batch are fetched two poll intervals
  // before it, so a run stopped by the deadline writes every metric it could.
  std::optional<util::TimePoint> deadline;
};

class AuditProvider final : public engine::Provider {
 public:
  // `records` are this run's lookups (fresh, or loaded with from_stored on a resume); they must
  // outlive the provider. Lookups on platforms CreatorAudit does not serve become not_covered here.
  AuditProvider(std::vector<AuditRecord>& records, Client& client, state::Store& store, util::Clock& clock,
                AuditProviderConfig config);

  std::string_view name() const override { return k_provider_name; }
  engine::RepeatSafety repeat_safety() const override {
    return engine::RepeatSafety::durable_idempotency_key;
  }
  bool step() override;
  std::optional<util::TimePoint> next_due() const override;
  engine::ProviderProgress progress() const override;
  engine::ProviderOutcome finish() override;

 private:
  // One round of first-refresh checks: platforms to list, or accounts to GET, one per step.
  struct RefreshRound {
    std::vector<core::Platform> listings;
    std::vector<std::size_t> fetches;  // record indices
    bool empty() const { return listings.empty() && fetches.empty(); }
  };

  bool stopped() const { return m_fatal.has_value() || m_interrupted; }
  bool is_untracked(std::size_t i) const;  // by position in m_records
  bool awaits_refresh(const AuditRecord& record) const;
  bool awaits_metrics(const AuditRecord& record) const;
  // Metrics wait for a full batch of 200, or until no account is still to be listed, tracked or
  // refreshed: ⌈accounts / 200⌉ calls in all rather than one a refresh round, at the cost of one
  // request's delay after the last first refresh.
  bool metrics_held(util::TimePoint now) const;
  util::TimePoint metrics_flush_at() const;  // with a deadline: when held metrics are fetched anyway
  std::optional<util::TimePoint> metrics_due() const;
  std::size_t tracked_anew() const;

  // The steps; each sends one request (or none when it is not its turn) and saves its answer.
  bool list_next_platform();
  bool track_next();
  bool refresh_next();
  bool fetch_metrics();

  void apply_listing(core::Platform platform, const std::vector<Account>& accounts, bool final_listing);
  void settle_untracked(AuditStatus status, const std::string& reason);
  void start_refresh_round();
  util::Duration cadence(util::TimePoint waiting_since) const;

  // Returns false when the call failed for good and the provider stopped (fatal or interrupted).
  bool handle_api_error(const ApiError& error);
  void save(const std::vector<std::size_t>& indices);

  std::vector<AuditRecord>& m_records;
  Client& m_client;
  state::Store& m_store;
  util::Clock& m_clock;
  AuditProviderConfig m_config;

  std::vector<core::Platform> m_to_list;       // discovery, or a re-listing after a 409
  std::set<std::size_t> m_conflicted;          // positions that answered 409: an account that listing must find
  std::map<core::Platform, std::size_t> m_listed;  // accounts the last listing of each held
  bool m_tracking_closed = false;              // quota or --audit-max-new: track nothing more

  RefreshRound m_round;
  std::optional<util::TimePoint> m_refresh_due;
  std::optional<util::TimePoint> m_refresh_waiting_since;
  std::map<std::size_t, util::TimePoint> m_metrics_not_before;      // not scraped yet: ask again then
  std::map<std::size_t, util::TimePoint> m_metrics_waiting_since;

  bool m_interrupted = false;
  std::optional<core::ExitCode> m_fatal;
  std::string m_fatal_message;
};

}  // namespace creatoraudit
