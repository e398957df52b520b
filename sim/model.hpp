#pragma once

// The CreatorScore API v1 as a pure, deterministic model (shared/api/creatorscore-v1.md and
// creatorscore-v1.openapi.yaml): requests in, responses out, on an explicit API clock. No I/O, no
// real clock, no threads. The HTTP adapter (sim/http_server.hpp) and in-process test transports
// both drive it through Simulator::handle.
//
// Determinism: two simulators built from the same SimConfig (same seed) and fed the same sequence of
// (request, now) give byte-identical responses. Creator payloads and the pre-cached set depend on the
// creator alone (sim/payloads.hpp); job ids, durations, random failures and faults come from the seed.
//
// Thread safety: none. Callers serialise calls (the HTTP adapter holds one mutex around it).

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/config.hpp"
#include "sim/jobs.hpp"
#include "sim/messages.hpp"
#include "sim/payloads.hpp"
#include "sim/rate_window.hpp"
#include "sim/rng.hpp"
#include "sim/stats.hpp"
#include "sim/webhook_outbox.hpp"
#include "util/clock.hpp"

namespace sim {

class Simulator {
 public:
  // `config` should pass validate_config; out-of-range values are used as given.
  explicit Simulator(SimConfig config);

  // Answers one request at API instant `now`. Handles /api/v1/* (key, rate limit, faults, the five
  // endpoints) and the key-less test endpoints under /_sim/ (stats, time, credits, config); anything
  // else is a 404. `now` should not go backwards between calls; jobs end, credits are refunded and
  // scores become cached as time passes, whatever the request. Never throws for any input.
  SimResponse handle(const SimRequest& request, util::TimePoint now);

  // Lets API time pass without a request: jobs that ended by `now` take effect (refunds, cache).
  // handle() does the same first thing on every call.
  void advance_to(util::TimePoint now) { settle(now); }

  // Direct access for in-process tests; the same data the /_sim/ endpoints expose. Job effects are
  // as of the last handle/advance_to/stats_json call.
  const SimConfig& config() const { return m_config; }
  // Replaces the fault probabilities and switches at run time (as POST /_sim/config does).
  void set_faults(const FaultConfig& faults) { m_config.faults = faults; }
  void set_zero_balance_402(bool on) { m_config.zero_balance_402 = on; }
  void set_failure_rate(double rate) { m_config.failure_rate = rate; }
  void set_rate_limit(int limit) { m_config.rate_limit = limit; }
  // The balance of the tenant with `key`, or nullopt for an unknown key.
  std::optional<Credits> balance(std::string_view key) const;
  // Sets a tenant's balance (top-up tests); false for an unknown key.
  bool set_balance(std::string_view key, Credits balance);
  // Webhooks (SimConfig::webhooks): the attempts due by `now` (jobs that ended by then queue theirs
  // first), and the answer each got (status 0: none); a 2xx answer counts as the job's end reported.
  bool webhooks_enabled() const { return m_webhooks.enabled(); }
  std::vector<WebhookAttempt> take_due_webhooks(util::TimePoint now);
  void webhook_answered(const WebhookAttempt& attempt, int status, util::TimePoint now);
  // The GET /_sim/stats document at `now` (documented in sim/README.md).
  Json stats_json(util::TimePoint now);

 private:
  struct Tenant {
    TenantConfig config;  // key, name and the live balance
    std::string id;       // ten_xxxxxx
    std::string key_id;   // key_xxxxxx
  };

  // What one creator lookup came to, shared by the single and the bulk endpoint.
  struct LookupOutcome {
    enum class Kind { cached, queued, insufficient_credits } kind = Kind::cached;
    Json creator;                // cached
    const Job* job = nullptr;    // queued
    bool deduplicated = false;   // queued: an in-flight job of this tenant was reused
    Credits charged = 0;         // queued
    Credits needed = 0;          // insufficient_credits: the price
  };

  // The request's context once the key is known.
  struct Call {
    const SimRequest& request;
    std::string path;  // percent-encoded, without the query
    std::vector<std::pair<std::string, std::string>> query;  // decoded
    std::size_t tenant = 0;
    util::TimePoint now;
  };

  SimResponse handle_api(const SimRequest& request, const std::string& path, const std::string& query,
                         util::TimePoint now);
  SimResponse dispatch(Call& call);
  std::optional<SimResponse> draw_fault();
  SimResponse handle_test_endpoint(const SimRequest& request, const std::string& path, util::TimePoint now);

  SimResponse get_account(Call& call);
  SimResponse get_creator(Call& call, std::string_view platform_segment, std::string_view handle_segment);
  SimResponse post_creators_bulk(Call& call);
  SimResponse get_job(Call& call, std::string_view id_segment);
  SimResponse post_jobs_bulk_status(Call& call);

  LookupOutcome lookup(std::size_t tenant, const CreatorId& creator, std::string_view handle,
                       const Includes& includes, util::TimePoint now, bool refuse_fresh);
  const Job& create_job(std::size_t tenant, const CreatorId& creator, Credits price, const Includes& includes,
                        util::TimePoint now);
  // The job `id` as `tenant` sees it at `now`, marking a first report of its end; not_found JSON for
  // unknown ids and other tenants' jobs. `found` tells which.
  Json job_view(std::size_t tenant, const std::string& id, util::TimePoint now, bool& found);
  Json creator_view(const CreatorId& creator, util::TimePoint scored_at, const Includes& includes) const;
  std::optional<util::TimePoint> cached_scored_at(const CreatorId& creator) const;

  // Applies the ends of every job that ended by `now`: the creator becomes cached, or the charge is
  // refunded. Called at the start of every request, so effects never wait for a poll.
  void settle(util::TimePoint now);
  void queue_webhook(const Job& job);

  SimConfig m_config;
  std::vector<Tenant> m_tenants;
  std::map<std::string, std::size_t, std::less<>> m_tenant_by_key;
  std::map<std::string, Job, std::less<>> m_jobs;
  std::vector<std::string> m_job_order;  // creation order, for stats
  std::map<std::pair<std::size_t, CreatorId>, std::string> m_in_flight;  // (tenant, creator) -> job id
  std::uint64_t m_request_serial = 0;  // counts /api/v1 requests that reached an endpoint
  std::multimap<util::TimePoint, std::string> m_unsettled;  // ends_at -> job id
  std::map<CreatorId, util::TimePoint> m_scored;             // creators scored by a done job
  std::map<CreatorId, std::string> m_first_handle;           // spelling shown in payloads
  std::map<std::string, RateWindow, std::less<>> m_windows;  // by key as sent, valid or not
  Stats m_stats;
  WebhookOutbox m_webhooks;
  Rng m_job_rng;
  Rng m_fault_rng;
};

}  // namespace sim
