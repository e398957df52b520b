#pragma once

// The CreatorAudit API v2 as a pure, deterministic model (the API facts and Decisions in
// sim/README.md's creatoraudit-sim section): requests in, responses out, on an explicit API clock.
// No I/O, no real clock, no threads. The HTTP adapter (sim/http_server.hpp) and in-process tests
// drive it through Simulator::handle.
//
// Determinism: two simulators built from the same AuditConfig and fed the same sequence of
// (request, now) give byte-identical responses. Account ids and first-refresh delays depend on the
// seed and the account alone, metrics and existence on the account alone (accounts.hpp), so they do
// not change with the order of requests; request ids and faults come from the seed.
//
// Thread safety: none. Callers serialise calls (the HTTP adapter holds one mutex around it).

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/creatoraudit/accounts.hpp"
#include "sim/creatoraudit/audit_config.hpp"
#include "sim/creatoraudit/audit_stats.hpp"
#include "sim/creatoraudit/problems.hpp"
#include "sim/messages.hpp"
#include "sim/rate_window.hpp"
#include "sim/rng.hpp"
#include "util/clock.hpp"

namespace sim::audit {

class Simulator {
 public:
  // `config` should pass validate_config; out-of-range values are used as given.
  explicit Simulator(AuditConfig config);

  // Answers one request at API instant `now`: /v2/* (the API) and the key-less test endpoints
  // under /_sim/ (stats, time, config, accounts, truth, advance); anything else is a 404. `now`
  // should not go backwards between calls. Never throws for any input. POST /_sim/advance moves the
  // model's time line ahead of `now` for good (a test skips a wait without a faster time scale).
  SimResponse handle(const SimRequest& request, util::TimePoint now);

  const AuditConfig& config() const { return m_config; }
  // Run-time changes, as POST /_sim/config makes them.
  void set_quota(std::int64_t quota) { m_config.quota = quota; }
  void set_rate_limit(int limit) { m_config.rate_limit = limit; }
  void set_faults(const AuditFaults& faults) { m_config.faults = faults; }
  void set_second_track(SecondTrack mode) { m_config.second_track = mode; }

  // The accounts of `organization` tracked as `platform`/`username` (any spelling), oldest first.
  std::vector<const Account*> accounts_named(std::string_view organization, std::string_view platform,
                                             std::string_view username) const;
  // Every account of `organization`, in creation order.
  std::vector<const Account*> accounts_of(std::string_view organization) const;

  // The GET /_sim/stats document at `now` (documented in sim/README.md).
  Json stats_json(util::TimePoint now) const;
  // The GET /_sim/accounts document: every account with its timings and, for `period` (7d, 30d,
  // 90d), its truth metrics.
  Json accounts_json(util::TimePoint now, std::string_view period) const;

 private:
  // What the server kept for an Idempotency-Key whose write took effect.
  struct StoredAnswer {
    std::string request_fingerprint;
    int status = 0;
    std::string body;
  };

  struct Organization {
    std::string name;
    std::string id;
    std::vector<std::size_t> accounts;  // indices into m_accounts, creation order
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> by_name;  // (platform, canonical)
    std::map<std::string, StoredAnswer, std::less<>> idempotency;
  };

  // Per API key as sent: its rolling window and what it was last told.
  struct KeyTraffic {
    RateWindow window;
    std::optional<util::TimePoint> retry_until;      // Retry-After last given (429, 503)
    std::optional<util::TimePoint> exhausted_until;  // Remaining 0 last given: until its Reset
  };

  // The request's context once the key is known.
  struct Call {
    const SimRequest& request;
    std::vector<std::string_view> segments;  // path after /v2/
    std::vector<std::pair<std::string, std::string>> query;
    std::size_t organization = 0;
    const KeyConfig* key = nullptr;
    util::TimePoint now;
    std::string request_id;
  };

  SimResponse handle_api(const SimRequest& request, const std::string& path, const std::string& query,
                         util::TimePoint now);
  SimResponse authorized(Call& call, const std::string& route);
  SimResponse dispatch(Call& call);
  std::optional<SimResponse> draw_fault(const Call& call, KeyTraffic& traffic);
  void add_rate_headers(SimResponse& response, KeyTraffic& traffic, util::TimePoint now) const;
  SimResponse handle_test_endpoint(const SimRequest& request, const std::string& path,
                                   const std::string& query, util::TimePoint now);

  // The endpoints (audit_endpoints.cpp).
  SimResponse get_health(const Call& call) const;
  SimResponse get_meta(const Call& call) const;
  SimResponse get_whoami(const Call& call) const;
  SimResponse list_accounts(Call& call);
  SimResponse track_account(Call& call);
  SimResponse get_account(Call& call, std::string_view id);
  SimResponse post_metrics(Call& call);

  // Adds an account of organization `organization`; returns its index.
  std::size_t add_account(std::size_t organization, std::string_view platform, std::string_view canonical,
                          util::TimePoint created_at, util::TimePoint first_refresh_at, bool pretracked);
  const Account* account_by_id(std::size_t organization, std::string_view id) const;
  std::size_t organization_index(std::string_view name) const;

  AuditConfig m_config;
  std::vector<Organization> m_organizations;
  std::map<std::string, std::size_t, std::less<>> m_key_index;  // key -> m_config.keys index
  std::vector<Account> m_accounts;
  std::map<std::string, std::size_t, std::less<>> m_account_by_id;
  std::map<std::string, KeyTraffic, std::less<>> m_traffic;  // by key as sent, valid or not
  AuditStats m_stats;
  Rng m_fault_rng;
  std::uint64_t m_requests_seen = 0;
  util::Duration m_skipped{0};  // added to every `now` (POST /_sim/advance)
};

}  // namespace sim::audit
