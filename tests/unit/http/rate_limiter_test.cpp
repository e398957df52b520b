#include <doctest/doctest.h>

#include <vector>

#include "http/rate_limiter.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;

namespace {

// The largest number of instants inside any half-open window [t, t + window).
std::size_t busiest_window(const std::vector<util::TimePoint>& instants, util::Duration window) {
  std::size_t best = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < instants.size(); ++last) {
    while (instants[last] - instants[first] >= window) {
      ++first;
    }
    best = std::max(best, last - first + 1);
  }
  return best;
}

}  // namespace

TEST_SUITE("http::RateLimiter") {
  TEST_CASE("acquire: never lets a 121st request into any 60 s window") {
    test::ManualClock clock;
    http::RateLimiter limiter(clock, 120);
    std::vector<util::TimePoint> sent;
    for (int i = 0; i < 5000; ++i) {
      REQUIRE(limiter.acquire());
      sent.push_back(clock.now());
      if (i % 7 == 0) {
        clock.advance(130ms);  // irregular traffic, sometimes bursting, sometimes not
      }
    }
    CHECK(busiest_window(sent, 60s) == 120);
    // It waits no longer than it must: 5000 requests at 120/min take about 41 minutes and 40 s.
    CHECK(clock.now() - sent.front() <= util::Duration(42min));
  }

  TEST_CASE("acquire: a burst of 120 goes at once, the 121st waits a full window") {
    test::ManualClock clock;
    http::RateLimiter limiter(clock, 120);
    for (int i = 0; i < 120; ++i) {
      bool waited = true;
      REQUIRE(limiter.acquire(&waited));
      CHECK_FALSE(waited);
    }
    CHECK(clock.now() == util::TimePoint{});
    bool waited = false;
    REQUIRE(limiter.acquire(&waited));
    CHECK(waited);
    CHECK(clock.now() == util::TimePoint{} + util::Duration(60s));
  }

  TEST_CASE("block_until: holds every request back until a Retry-After has passed") {
    test::ManualClock clock;
    http::RateLimiter limiter(clock, 120);
    limiter.block_until(util::TimePoint{} + util::Duration(30s));
    REQUIRE(limiter.acquire());
    CHECK(clock.now() == util::TimePoint{} + util::Duration(30s));
  }

  TEST_CASE("acquire: a stop during the wait records nothing and says so") {
    test::ManualClock clock;
    http::RateLimiter limiter(clock, 1);
    REQUIRE(limiter.acquire());
    clock.request_stop();
    CHECK_FALSE(limiter.acquire());
  }
}
