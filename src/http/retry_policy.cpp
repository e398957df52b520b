#include "http/retry_policy.hpp"

#include <cctype>
#include <ctime>
#include <string>

#include "util/text.hpp"

namespace http {

namespace {

using namespace std::chrono_literals;

// 429 is retried after Retry-After; these are the server's transient faults (creatorscore-v1.md:
// queue_failed 500, auth_unavailable 503) and the gateways' in front of it.
bool is_transient_status(int status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

// A Retry-After of 0 must not become a hot loop against a struggling server.
constexpr util::Duration k_min_retry_after = 1s;

}  // namespace

RetryPolicy::RetryPolicy(RetryConfig config, std::uint64_t jitter_seed)
    : m_config(config), m_rng_state(jitter_seed == 0 ? 0x9e3779b97f4a7c15ULL : jitter_seed) {}

RetryDecision RetryPolicy::decide(const AttemptOutcome& outcome, int attempt) {
  RetryDecision decision;
  const bool rate_limited = outcome.status == 429;
  const bool retryable = rate_limited || is_transient_status(outcome.status) ||
                         (outcome.status == 0 && outcome.transport_retryable) ||
                         (outcome.status != 0 && !outcome.body_ok && outcome.status < 400);
  if (!retryable || attempt >= m_config.max_attempts) {
    return decision;
  }
  decision.retry = true;
  if (outcome.retry_after && (rate_limited || outcome.status == 503)) {
    decision.delay = std::min(std::max(*outcome.retry_after, k_min_retry_after), m_config.max_retry_after);
    decision.rate_limited = true;
    decision.asked = *outcome.retry_after;
    decision.capped = *outcome.retry_after > m_config.max_retry_after;
    return decision;
  }
  // Full jitter (uniform in [0, cap]) spreads clients apart after a shared outage.
  util::Duration ceiling = m_config.base_delay;
  for (int i = 1; i < attempt && ceiling < m_config.max_delay; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, m_config.max_delay);
  m_rng_state ^= m_rng_state << 13;
  m_rng_state ^= m_rng_state >> 7;
  m_rng_state ^= m_rng_state << 17;
  const auto span = static_cast<std::uint64_t>(ceiling.count()) + 1;
  decision.delay = util::Duration(static_cast<long long>(m_rng_state % span));
  if (rate_limited) {
    decision.delay = std::max(decision.delay, k_min_retry_after);
    decision.rate_limited = true;
  }
  return decision;
}

std::optional<util::Duration> parse_retry_after(std::string_view value, std::int64_t now_unix_seconds) {
  const std::string_view text = util::trim(value);
  if (text.empty()) {
    return std::nullopt;
  }
  bool all_digits = true;
  for (char c : text) {
    all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  }
  // Ten years and more are all "too long": capped before converting so nothing overflows.
  constexpr std::int64_t k_too_long_seconds = std::int64_t{10} * 365 * 24 * 3600;
  if (all_digits) {
    if (text.size() > 9) {
      return util::Duration(std::chrono::seconds(k_too_long_seconds));
    }
    return util::Duration(std::chrono::seconds(std::stoll(std::string(text))));
  }
  std::tm parts{};
  const std::string copy(text);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  const std::int64_t at = timegm(&parts);
  if (at <= now_unix_seconds) {
    return util::Duration(0);
  }
  // at > now here, so at - k_too_long cannot overflow where at - now could (a clock far off).
  if (now_unix_seconds < at - k_too_long_seconds) {
    return util::Duration(std::chrono::seconds(k_too_long_seconds));
  }
  return util::Duration(std::chrono::seconds(at - now_unix_seconds));
}

}  // namespace http
