#pragma once

// The one path every request takes: the client-side pacer (the shared rate limiter, or another
// http::Pacer), then the transport, then the retry policy (429 after Retry-After; 5xx, timeouts and
// dropped connections with capped, jittered exponential back-off; 401 and other 4xx returned as they
// are). Every wait goes through the util::Clock, so it is virtual in unit tests, divided by the time
// scale, and cut short by a stop. Whatever the server sends back has the request's key masked
// before anyone reads it (redact.hpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/pacer.hpp"
#include "http/rate_limiter.hpp"
#include "http/retry_policy.hpp"
#include "http/transport.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace http {

// Counters for the summary ("requests made, rate-limit waits") and for tests.
struct ClientStats {
  std::uint64_t requests_sent = 0;     // every attempt that reached the transport
  std::uint64_t retries = 0;           // attempts after the first, for any reason
  std::uint64_t responses_429 = 0;     // 429s received
  std::uint64_t rate_limit_waits = 0;  // waits for our own limiter or a Retry-After
};

// How a request ended when no acceptable response came back.
enum class FailureKind {
  gave_up,      // retryable faults outlasted the attempts; last_status/last_error say which
  bad_body,     // the body never passed the caller's check; last_status says with what status
  fatal_error,  // a transport error that is never retried (TLS, refused by policy)
  interrupted,  // a stop was requested while waiting, or while the request was under way (its
                // outcome is then unknown: last_error says so)
  deadline,     // the wait before the next attempt would have passed the deadline (set_deadline)
};

struct Failure {
  FailureKind kind = FailureKind::gave_up;
  int last_status = 0;     // the last HTTP status received, 0 if none
  std::string last_error;  // the last transport error or a description of the bad body
  std::string last_body;   // the last response's body, at most 4 KiB (to name the API's error code)
  Headers last_headers;    // the last response's headers (a request id to report), empty if none
  int attempts = 0;
};

// Events for verbose logs; the request's headers are already redacted when passed on.
struct ExchangeEvent {
  const Request* request = nullptr;
  const Response* response = nullptr;  // null when the transport failed
  const Error* error = nullptr;
  int attempt = 1;
  util::TimePoint started{};  // when the attempt was handed to the transport
  util::Duration elapsed{0};  // until its answer came back: the instant the rate limiter counts it from
};

// A wait the server asked for (Retry-After) that the client shortens to its cap, a wait of any
// kind it refuses because it would pass the deadline, or a retry after the host could not be
// reached (refused, DNS): said in the log, never done silently. The last at once, on the first
// attempt, rather than only when the retries run out half a minute later (curl --retry does alike).
struct WaitNotice {
  enum class Kind { retry_after_capped, past_deadline, unreachable };
  Kind kind = Kind::retry_after_capped;
  std::string message;         // one line for the log
  util::Duration asked{0};     // what the server asked for (Retry-After) or the back-off drawn
  util::Duration cap{0};       // RetryConfig::max_retry_after
  util::Duration waiting{0};   // what the client waits instead; 0 when it stops
};

// The notice's `code` in JSON logs: retry_after_capped, wait_past_deadline, host_unreachable.
std::string_view wait_notice_code(WaitNotice::Kind kind);

class Client {
 public:
  // `body_check` tells a response whose body is the JSON the API promised from one that is not
  // (a proxy's HTML page, a truncated body); a failing body is retried like a transient fault.
  using BodyCheck = std::function<bool(const Response&)>;
  using ExchangeObserver = std::function<void(const ExchangeEvent&)>;
  using WaitObserver = std::function<void(const WaitNotice&)>;

  // `limiter` paces every attempt: a RateLimiter (CreatorScore) or any other Pacer; it must
  // outlive the client, as must `transport` and `clock`.
  Client(Transport& transport, util::Clock& clock, Pacer& limiter, RetryPolicy policy);

  // Sends `request` until a response that is final for the retry policy arrives: any status but
  // 429/500/502/503/504 whose body passes `body_check`. Returns that response (401, 402, 404 ...
  // included: they are the caller's to interpret).
  util::Expected<Response, Failure> send(const Request& request, const BodyCheck& body_check);

  void set_observer(ExchangeObserver observer) { m_observer = std::move(observer); }
  void set_wait_observer(WaitObserver observer) { m_wait_observer = std::move(observer); }
  // From then on, a wait before a retry that would end past `deadline` is not made: send() fails
  // at once with FailureKind::deadline (curl --retry-max-time does the same).
  void set_deadline(std::optional<util::TimePoint> deadline) { m_deadline = deadline; }
  const ClientStats& stats() const { return m_stats; }

 private:
  Transport& m_transport;
  util::Clock& m_clock;
  Pacer& m_limiter;
  RetryPolicy m_policy;
  ExchangeObserver m_observer;
  WaitObserver m_wait_observer;
  std::optional<util::TimePoint> m_deadline;
  ClientStats m_stats;
};

}  // namespace http
