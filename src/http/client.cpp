#include "http/client.hpp"

#include <chrono>

namespace http {

namespace {

std::int64_t unix_now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_retryable_transport_error(ErrorKind kind) {
  return kind == ErrorKind::connect || kind == ErrorKind::timeout || kind == ErrorKind::dropped ||
         kind == ErrorKind::other;
}

}  // namespace

Client::Client(Transport& transport, util::Clock& clock, Pacer& limiter, RetryPolicy policy)
    : m_transport(transport), m_clock(clock), m_limiter(limiter), m_policy(policy) {}

util::Expected<Response, Failure> Client::send(const Request& request, const BodyCheck& body_check) {
  Failure failure;
  const Request redacted{request.method, request.url, redacted_headers(request.headers), {}};
  for (int attempt = 1;; ++attempt) {
    failure.attempts = attempt;
    bool waited = false;
    if (!m_limiter.acquire(&waited)) {
      failure.kind = FailureKind::interrupted;
      return util::unexpected(failure);
    }
    if (waited) {
      ++m_stats.rate_limit_waits;
    }
    if (attempt > 1) {
      ++m_stats.retries;
    }
    ++m_stats.requests_sent;
    const util::TimePoint started = m_clock.now();
    auto result = m_transport.send(request);
    const util::TimePoint answered = m_clock.now();
    m_limiter.settle_last(answered);

    AttemptOutcome outcome;
    if (result) {
      m_limiter.learn(*result);
      outcome.status = result->status;
      // A body dropped at the size cap is a malformed answer: retried, then reported with its status.
      outcome.body_ok = result->body_problem.empty() && (!body_check || body_check(*result));
      if (result->status == 429) {
        ++m_stats.responses_429;
      }
      if (const auto retry_after = result->header("Retry-After")) {
        outcome.retry_after = parse_retry_after(*retry_after, unix_now_seconds());
      }
      failure.last_status = result->status;
      failure.last_body = result->body.substr(0, 4096);
      failure.last_headers = result->headers;
      failure.last_error = outcome.body_ok                  ? ""
                           : !result->body_problem.empty() ? result->body_problem
                                                           : "the response body is not the JSON the API promised";
    } else {
      outcome.transport_retryable = is_retryable_transport_error(result.error().kind);
      failure.last_status = 0;
      failure.last_body.clear();
      failure.last_headers.clear();
      failure.last_error = result.error().message;
    }
    if (m_observer) {
      ExchangeEvent event;
      event.request = &redacted;
      event.response = result ? &*result : nullptr;
      event.error = result ? nullptr : &result.error();
      event.attempt = attempt;
      event.started = started;
      event.elapsed = answered - started;
      m_observer(event);
    }

    const RetryDecision decision = m_policy.decide(outcome, attempt);
    if (!decision.retry) {
      if (result) {
        const bool server_trouble = outcome.status == 429 || outcome.status >= 500;
        // A final 4xx is the caller's to interpret even when its body is not JSON (a proxy's
        // page): the status alone says what happened.
        if (!server_trouble && (outcome.body_ok || outcome.status >= 400)) {
          return std::move(*result);
        }
        failure.kind = !outcome.body_ok && !server_trouble ? FailureKind::bad_body : FailureKind::gave_up;
      } else {
        failure.kind = outcome.transport_retryable ? FailureKind::gave_up : FailureKind::fatal_error;
      }
      return util::unexpected(failure);
    }
    if (decision.rate_limited) {
      ++m_stats.rate_limit_waits;
      m_limiter.block_until(m_clock.now() + decision.delay);
    }
    if (!m_clock.sleep_for(decision.delay)) {
      failure.kind = FailureKind::interrupted;
      return util::unexpected(failure);
    }
  }
}

}  // namespace http
