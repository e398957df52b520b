#pragma once

// At most N requests in any rolling window (120 per 60 s by default), shared by every request the
// process sends: the key check, submits, polls and retries alike (PRODUCT.md, "Edge cases").

#include <cstddef>
#include <deque>

#include "http/pacer.hpp"
#include "util/clock.hpp"

namespace http {

class RateLimiter final : public Pacer {
 public:
  RateLimiter(util::Clock& clock, std::size_t max_requests,
              util::Duration window = std::chrono::seconds(60));

  // Waits (through the clock) until one more request fits the window, then records it as sent
  // now. Returns false, recording nothing, when the wait was cut short by a stop.
  // `waited` is set to whether any wait was needed.
  bool acquire(bool* waited = nullptr) override;

  // Moves the last recorded request to `answered`, the instant its response arrived. The server
  // counts a request when it arrives, anywhere between acquire() and the answer; counting it from
  // the answer keeps N+1 requests out of the server's window whatever the network delay.
  void settle_last(util::TimePoint answered) override;

  // Holds every request back until `instant` (a Retry-After), without recording one.
  void block_until(util::TimePoint instant) override;

  // When the next request could go without waiting.
  util::TimePoint next_free() const;

  std::size_t max_requests() const { return m_max_requests; }

 private:
  util::TimePoint free_at(util::TimePoint now) const;

  util::Clock& m_clock;
  std::size_t m_max_requests;
  util::Duration m_window;
  std::deque<util::TimePoint> m_sent;  // send instants inside the current window, oldest first
  util::TimePoint m_blocked_until{};
};

}  // namespace http
