#include "creatoraudit/header_pacer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "util/text.hpp"

namespace creatoraudit {

namespace {

// X-RateLimit-Reset above this is a Unix time (2001-09-09), below it a number of seconds.
constexpr double k_unix_time_floor = 1e9;

std::int64_t system_unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

util::Duration seconds_as_duration(double seconds, util::Duration cap) {
  const double capped = std::min(seconds, std::chrono::duration<double>(cap).count());
  return std::chrono::duration_cast<util::Duration>(std::chrono::duration<double>(std::max(capped, 0.0)));
}

}  // namespace

std::optional<double> parse_rate_limit_number(std::string_view value) {
  const std::string_view text = util::trim(value);
  if (text.empty() || text.size() > 20) {
    return std::nullopt;
  }
  bool dot = false;
  for (char c : text) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  if (text.front() == '.' || text.back() == '.') {
    return std::nullopt;
  }
  return std::stod(std::string(text));
}

HeaderPacer::HeaderPacer(util::Clock& clock, HeaderPacerConfig config)
    : m_clock(clock), m_config(std::move(config)) {
  if (!m_config.unix_now) {
    m_config.unix_now = system_unix_now;
  }
}

util::TimePoint HeaderPacer::next_free() const {
  util::TimePoint at = m_blocked_until;
  if (!m_learnt.remaining) {
    // Nothing learnt (or the window just reopened and no answer has said more): one at a time.
    if (m_sent_any) {
      at = std::max(at, m_last_answer + m_config.unlearnt_interval);
    }
  } else if (*m_learnt.remaining == 0) {
    at = std::max(at, m_learnt.reset_at ? *m_learnt.reset_at : m_last_answer + m_config.unlearnt_interval);
  } else {
    at = std::max(at, m_last_answer + m_spacing);
  }
  return at;
}

bool HeaderPacer::acquire(bool* waited) {
  if (waited != nullptr) {
    *waited = false;
  }
  for (;;) {
    const util::TimePoint slot = next_free();
    if (slot <= m_clock.now()) {
      break;
    }
    if (waited != nullptr) {
      *waited = true;
    }
    if (!m_clock.sleep_until(slot)) {
      return false;
    }
  }
  m_sent_any = true;
  if (m_learnt.remaining) {
    if (*m_learnt.remaining > 0) {
      --*m_learnt.remaining;  // until the answer says otherwise
    } else {
      // Reset has passed: the window has room again, how much the next answer will say.
      m_learnt.remaining.reset();
    }
  }
  return true;
}

void HeaderPacer::settle_last(util::TimePoint answered) { m_last_answer = std::max(m_last_answer, answered); }

void HeaderPacer::block_until(util::TimePoint instant) {
  m_blocked_until = std::max(m_blocked_until, instant);
}

void HeaderPacer::learn(const http::Response& response) {
  const auto number = [&](std::string_view name) -> std::optional<double> {
    const auto value = response.header(name);
    return value ? parse_rate_limit_number(*value) : std::nullopt;
  };
  constexpr double k_count_cap = 1e12;  // a count past this is hostile; keep the arithmetic sane
  if (const auto limit = number("X-RateLimit-Limit"); limit && *limit >= 1) {
    m_learnt.limit = static_cast<long long>(std::min(*limit, k_count_cap));
  }
  const auto remaining = number("X-RateLimit-Remaining");
  if (!remaining) {
    return;  // an answer without the headers (GET /meta, a proxy's page) teaches nothing
  }
  m_learnt.remaining = static_cast<long long>(std::min(std::floor(*remaining), k_count_cap));
  m_learnt.reset_at.reset();
  util::Duration until_reset{0};
  if (const auto reset = number("X-RateLimit-Reset")) {
    const double seconds =
        *reset > k_unix_time_floor ? *reset - static_cast<double>(m_config.unix_now()) : *reset;
    until_reset = seconds_as_duration(seconds, m_config.max_reset_wait);
    m_learnt.reset_at = m_last_answer + until_reset;
  }
  const long long left = *m_learnt.remaining;
  const long long low = m_learnt.limit ? std::max<long long>(1, *m_learnt.limit / 4) : 4;
  // Spread what is left over the time until Reset: r requests in r + 1 equal steps end before it.
  m_spacing = left > 0 && left <= low ? util::Duration(until_reset.count() / (left + 1)) : util::Duration(0);
}

}  // namespace creatoraudit
