#pragma once

// The simulator's webhook deliveries (creatorscore-v1.md, "Webhooks"), as a pure schedule on the API
// clock: when a job ends the model queues one delivery; the HTTP side (sim/webhook_sender.hpp) takes
// the attempts that are due, POSTs them signed, and reports each answer back. A non-2xx answer or
// none at all is retried after 30 s, 1 m, 5 m, 30 m, 2 h of API time, up to five attempts in all
// (X-CreatorScore-Attempt 1..5; the vendor lists five waits, but a fifth wait would precede a sixth
// attempt, which the attempt header's range rules out: the 2 h wait is never used).
// Knobs, each drawn per delivery from a stream of its own (so they leave the API's draws alone):
// `drop` never sends it (the vendor lost it), `duplicate` sends a second copy (same delivery id and
// body) right after the first 2xx, `bad_signature` signs every attempt of it wrongly, `delay` holds
// every first attempt back. Not thread-safe: the model's lock covers it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/payloads.hpp"
#include "sim/rng.hpp"
#include "sim/webhook_config.hpp"
#include "util/clock.hpp"

namespace sim {

inline constexpr int k_webhook_max_attempts = 5;

// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed.
util::Duration webhook_retry_wait(int attempt);

struct WebhookAttempt {
  std::string delivery_id;
  int attempt = 1;    // 1..5
  std::string event;  // score.completed or score.failed
  std::string job_id;
  std::string body;  // the same bytes on every attempt
  bool bad_signature = false;
  bool duplicate_copy = false;  // the extra copy `duplicate` sends: never retried
};

class WebhookOutbox {
 public:
  WebhookOutbox(WebhookConfig config, std::uint64_t seed);

  bool enabled() const { return !m_config.url.empty(); }
  const WebhookConfig& config() const { return m_config; }

  // Queues the delivery of `event` (its body) at API instant `ended`.
  void queue(const std::string& event, const std::string& job_id, const Json& body, util::TimePoint ended);

  // The attempts due by `now`, taken out of the schedule until report() is called for each.
  std::vector<WebhookAttempt> take_due(util::TimePoint now);

  // `status`: the HTTP status answered, 0 when none arrived (refused, timed out, cut).
  void report(const WebhookAttempt& attempt, int status, util::TimePoint now);

  // Counters for /_sim/stats' "webhooks" object: deliveries, attempts, delivered, failed_attempts,
  // retries, gave_up, dropped, duplicates_sent, bad_signature_attempts, delayed, in_progress,
  // attempts_by_status.
  Json stats() const;

 private:
  struct Pending {
    WebhookAttempt attempt;
    util::TimePoint due;
  };

  WebhookConfig m_config;
  Rng m_rng;
  std::vector<Pending> m_pending;  // not yet taken
  std::int64_t m_taken = 0;        // taken, not yet reported
  std::map<std::string, std::int64_t> m_counts;
  std::map<std::string, std::int64_t> m_by_status;
};

}  // namespace sim
