#pragma once

// A virtual clock for unit tests: time moves only when code sleeps or the test advances it, so a
// 90-minute run takes milliseconds and every timestamp is exact.

#include <optional>

#include "util/clock.hpp"

namespace test {

// The instant `since_start` after a ManualClock's start (TimePoint{}), for tests that name instants.
inline util::TimePoint at(util::Duration since_start) { return util::TimePoint{} + since_start; }

class ManualClock final : public util::Clock {
 public:
  util::TimePoint now() const override { return m_now; }

  // Sleeping jumps straight to the deadline (never backwards), after which the stop hook, if any,
  // may request a stop; this is how tests simulate Ctrl-C at a given instant.
  bool sleep_until(util::TimePoint deadline) override {
    if (m_stop) {
      return false;
    }
    if (deadline > m_now) {
      m_now = deadline;
    }
    ++m_sleeps;
    if (m_stop_at && m_now >= *m_stop_at) {
      m_stop = true;
    }
    return !m_stop;
  }

  bool stop_requested() const override { return m_stop; }

  void advance(util::Duration duration) { m_now = m_now + duration; }
  void request_stop() { m_stop = true; }
  void stop_at(util::TimePoint instant) { m_stop_at = instant; }
  // As if a new process started after the stop.
  void clear_stop() {
    m_stop = false;
    m_stop_at.reset();
  }
  int sleeps() const { return m_sleeps; }

 private:
  util::TimePoint m_now{};
  bool m_stop = false;
  std::optional<util::TimePoint> m_stop_at;
  int m_sleeps = 0;
};

}  // namespace test
