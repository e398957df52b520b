#pragma once

// Whether and when to retry: one pure function of what happened and the attempt number, so the
// whole table is tested without a network (tests/unit/http/retry_policy_test.cpp).

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/clock.hpp"

namespace http {

struct RetryConfig {
  int max_attempts = 8;                                      // first try included
  util::Duration base_delay = std::chrono::seconds(1);       // back-off before the 2nd attempt
  util::Duration max_delay = std::chrono::seconds(60);       // back-off cap
  util::Duration max_retry_after = std::chrono::minutes(10); // a longer Retry-After is capped
};

// What one attempt produced, as far as retrying is concerned.
struct AttemptOutcome {
  int status = 0;                 // HTTP status, 0 when the transport failed
  bool transport_retryable = false;  // timeout, dropped, connect: true; TLS, refused: false
  bool body_ok = true;            // the body was the JSON promised
  std::optional<util::Duration> retry_after;  // parsed Retry-After of a 429/503
};

struct RetryDecision {
  bool retry = false;
  util::Duration delay{0};
  bool rate_limited = false;  // the wait is a Retry-After (counts as a rate-limit wait)
  // The Retry-After asked for was longer than max_retry_after: `delay` is the cap. The log says so
  // (http::WaitNotice); the man page documents the cap.
  bool capped = false;
  util::Duration asked{0};  // the Retry-After as sent, when there was one
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryConfig config = {}, std::uint64_t jitter_seed = 0x5eed);

  // `attempt` is 1 for the first try. Full jitter: the back-off delay is uniform in
  // [0, min(max_delay, base_delay * 2^(attempt-1))].
  RetryDecision decide(const AttemptOutcome& outcome, int attempt);

  const RetryConfig& config() const { return m_config; }

 private:
  RetryConfig m_config;
  std::uint64_t m_rng_state;
};

// Parses a Retry-After value: delta-seconds, or an HTTP date (IMF-fixdate) relative to
// `now_unix_seconds`. Returns nullopt for garbage; a date in the past gives zero.
std::optional<util::Duration> parse_retry_after(std::string_view value, std::int64_t now_unix_seconds);

}  // namespace http
