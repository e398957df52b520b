#include "sim/rate_window.hpp"

#include <algorithm>

namespace sim {

namespace {

// A request at `t` is inside the window of `now` when now - 60 s < t <= now.
void expire(std::deque<util::TimePoint>& times, util::TimePoint now) {
  while (!times.empty() && times.front() <= now - RateWindow::k_window) {
    times.pop_front();
  }
}

}  // namespace

RateWindow::Decision RateWindow::admit(util::TimePoint now, int limit) {
  Decision decision;
  if (m_has_retry_until && now < m_retry_until) {
    decision.violation = true;
  }

  expire(m_seen, now);
  m_seen.push_back(now);
  m_max_seen = std::max(m_max_seen, static_cast<int>(m_seen.size()));

  expire(m_admitted, now);
  if (limit > 0 && static_cast<int>(m_admitted.size()) >= limit) {
    const util::Duration wait = m_admitted.front() + k_window - now;
    decision.allowed = false;
    decision.retry_after_seconds = std::max<std::int64_t>(1, (wait.count() + 999) / 1000);
    m_has_retry_until = true;
    m_retry_until = now + util::Duration(decision.retry_after_seconds * 1000);
    return decision;
  }
  m_admitted.push_back(now);
  return decision;
}

int RateWindow::remaining(util::TimePoint now, int limit) const {
  const auto inside = std::count_if(m_admitted.begin(), m_admitted.end(),
                                    [now](util::TimePoint at) { return at > now - k_window; });
  return std::max(0, limit - static_cast<int>(inside));
}

util::Duration RateWindow::until_oldest_leaves(util::TimePoint now) const {
  for (const util::TimePoint at : m_admitted) {
    if (at > now - k_window) {
      return at + k_window - now;
    }
  }
  return util::Duration(0);
}

}  // namespace sim
