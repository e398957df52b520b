#include "http/client.hpp"

#include <chrono>

#include "http/redact.hpp"
#include "util/duration.hpp"

namespace http {

namespace {

std::int64_t unix_now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "POST /api/v1/creators/bulk": the request without scheme, host or query.
std::string describe(const Request& request) {
  std::string_view path = request.url;
  if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path = path.substr(scheme + 3);
    const auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  path = path.substr(0, path.find('?'));
  return (request.method == Method::get ? "GET " : "POST ") + std::string(path);
}

// What the log says of a wait the client shortens (a Retry-After past the cap) or refuses (one
// past the deadline); nullopt for an ordinary wait.
std::optional<WaitNotice> wait_notice(const RetryDecision& decision, const RetryConfig& config,
                                      const Request& request, bool past_deadline) {
  if (!decision.capped && !past_deadline) {
    return std::nullopt;
  }
  WaitNotice notice;
  notice.cap = config.max_retry_after;
  notice.asked = decision.rate_limited ? decision.asked : decision.delay;
  const std::string asked = decision.rate_limited
                                ? "the API asked to wait " + util::format_duration(notice.asked) +
                                      " (Retry-After) before retrying " + describe(request)
                                : "retrying " + describe(request) + " would wait " +
                                      util::format_duration(notice.asked);
  const std::string cap = util::format_duration(notice.cap);
  if (past_deadline) {
    notice.kind = WaitNotice::Kind::past_deadline;
    notice.message = asked + (decision.capped ? " (capped at " + cap + ")" : "") +
                     ", past the deadline: stopping now instead of waiting";
  } else {
    notice.kind = WaitNotice::Kind::retry_after_capped;
    notice.waiting = decision.delay;
    notice.message = asked + "; waiting " + cap + " instead, the longest Retry-After honoured, then " +
                     "retrying (" + std::to_string(config.max_attempts) + " attempts at most)";
  }
  return notice;
}

// The host could not be reached (refused, DNS) and the client will try again: said at once, with
// what it does next, so a person does not watch a silent terminal until the last attempt.
WaitNotice unreachable_notice(const Error& error, const RetryDecision& decision, const RetryConfig& config,
                              int attempt) {
  WaitNotice notice;
  notice.kind = WaitNotice::Kind::unreachable;
  notice.asked = decision.delay;
  notice.waiting = decision.delay;
  notice.message = "cannot reach the API: " + error.message + "; retrying in " +
                   util::format_duration(decision.delay) + " (attempt " + std::to_string(attempt) + " of " +
                   std::to_string(config.max_attempts) + " failed)";
  return notice;
}

bool is_retryable_transport_error(ErrorKind kind) {
  return kind == ErrorKind::connect || kind == ErrorKind::timeout || kind == ErrorKind::dropped ||
         kind == ErrorKind::other;
}

}  // namespace

std::string_view wait_notice_code(WaitNotice::Kind kind) {
  switch (kind) {
    case WaitNotice::Kind::retry_after_capped: return "retry_after_capped";
    case WaitNotice::Kind::past_deadline: return "wait_past_deadline";
    case WaitNotice::Kind::unreachable: return "host_unreachable";
  }
  return "wait";
}

Client::Client(Transport& transport, util::Clock& clock, Pacer& limiter, RetryPolicy policy)
    : m_transport(transport), m_clock(clock), m_limiter(limiter), m_policy(policy) {}

util::Expected<Response, Failure> Client::send(const Request& request, const BodyCheck& body_check) {
  Failure failure;
  const Request redacted{request.method, request.url, redacted_headers(request.headers), {}};
  const std::vector<std::string> secrets = request_secrets(request.headers);
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
    // A server may send the key back: nothing it sent is read before the key is masked, so no
    // error line, log, state file or output can show it (http/redact.hpp).
    if (result) {
      redact_response(*result, secrets);
    } else if (!secrets.empty()) {
      Error error = result.error();
      redact_in_place(error.message, secrets);
      result = util::unexpected(std::move(error));
    }
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

    if (!result && result.error().kind == ErrorKind::interrupted) {
      // Abandoned on a stop: not retried, and the caller learns its outcome is unknown.
      failure.kind = FailureKind::interrupted;
      return util::unexpected(failure);
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
    const bool past_deadline = m_deadline && m_clock.now() + decision.delay > *m_deadline;
    if (const auto notice = wait_notice(decision, m_policy.config(), request, past_deadline);
        notice && m_wait_observer) {
      m_wait_observer(*notice);
    } else if (!result && result.error().kind == ErrorKind::connect && !past_deadline && m_wait_observer) {
      m_wait_observer(unreachable_notice(result.error(), decision, m_policy.config(), attempt));
    }
    if (past_deadline) {
      failure.kind = FailureKind::deadline;
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
