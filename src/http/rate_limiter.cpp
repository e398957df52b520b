#include "http/rate_limiter.hpp"

namespace http {

RateLimiter::RateLimiter(util::Clock& clock, std::size_t max_requests, util::Duration window)
    : m_clock(clock), m_max_requests(max_requests == 0 ? 1 : max_requests), m_window(window) {}

util::TimePoint RateLimiter::next_free() const { return free_at(m_clock.now()); }

util::TimePoint RateLimiter::free_at(util::TimePoint now) const {
  util::TimePoint free_at = now;
  if (m_sent.size() >= m_max_requests) {
    // The oldest send still inside the window must leave it first. A request at instant t and one
    // at t + window share no window, so the slot frees exactly one window after that send.
    const util::TimePoint oldest = m_sent[m_sent.size() - m_max_requests];
    free_at = std::max(free_at, oldest + m_window);
  }
  return std::max(free_at, m_blocked_until);
}

bool RateLimiter::acquire(bool* waited) {
  if (waited != nullptr) {
    *waited = false;
  }
  for (;;) {
    const util::TimePoint now = m_clock.now();
    while (!m_sent.empty() && m_sent.front() + m_window <= now) {
      m_sent.pop_front();
    }
    const util::TimePoint slot = free_at(now);
    if (slot <= now) {
      m_sent.push_back(now);
      return true;
    }
    if (waited != nullptr) {
      *waited = true;
    }
    if (!m_clock.sleep_until(slot)) {
      return false;
    }
  }
}

void RateLimiter::settle_last(util::TimePoint answered) {
  if (!m_sent.empty()) {
    m_sent.back() = std::max(m_sent.back(), answered);
  }
}

void RateLimiter::block_until(util::TimePoint instant) {
  m_blocked_until = std::max(m_blocked_until, instant);
}

}  // namespace http
