#pragma once

// The per-key rate limit of the CreatorScore API (shared/api/creatorscore-v1.md, "Rate limit": 120
// requests per rolling 60 s per key, beyond that 429 with Retry-After), plus what the tests want to
// know about the client: the most requests it ever sent within 60 s, and whether it came back before
// the Retry-After it was given.

#include <cstdint>
#include <deque>

#include "util/clock.hpp"

namespace sim {

class RateWindow {
 public:
  static constexpr util::Duration k_window{60'000};

  struct Decision {
    bool allowed = true;
    // Whole seconds to wait, >= 1, when !allowed: until the oldest admitted request leaves the
    // window, rounded up.
    std::int64_t retry_after_seconds = 0;
    // The request arrived before the Retry-After last given to this key had passed.
    bool violation = false;
  };

  // Counts a request at `now` and decides it under `limit` (0 = unlimited). Admitted requests fill
  // the window; refused ones do not (a client that waits as told always gets through), but every
  // request, refused or not, counts towards max_in_window(). `now` should not go backwards.
  Decision admit(util::TimePoint now, int limit);

  // What a limit-announcing API (creatoraudit-sim's X-RateLimit-* headers) tells the client at
  // `now` under `limit` (> 0): the requests it may still send in the window, and how long until the
  // oldest admitted request leaves the window (zero when the window holds none).
  int remaining(util::TimePoint now, int limit) const;
  util::Duration until_oldest_leaves(util::TimePoint now) const;

  // The largest number of requests (admitted or refused) seen in any rolling 60 s window.
  int max_in_window() const { return m_max_seen; }

 private:
  std::deque<util::TimePoint> m_admitted;
  std::deque<util::TimePoint> m_seen;
  int m_max_seen = 0;
  // The instant before which this key was told not to come back, once it got a 429.
  bool m_has_retry_until = false;
  util::TimePoint m_retry_until;
};

}  // namespace sim
