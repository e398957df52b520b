#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "util/clock.hpp"

TEST_SUITE("util/clock") {
  TEST_CASE("RealClock: two processes at the same time scale share one time line") {
    // A resumed run reads instants the previous invocation stored; at scale F they must be in its
    // past, not F times the previous run's length in its future.
    const util::RealClock first(600.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // 60 s of API time
    const util::RealClock second(600.0);
    const util::Duration gap = second.now() - first.now();
    CHECK(gap > util::Duration(-10'000));  // was -60 s: each clock anchored at its own start
    CHECK(gap < util::Duration(10'000));
  }

  TEST_CASE("RealClock: at scale 1 it reads Unix time") {
    const util::RealClock clock(1.0);
    const auto unix_ms = std::chrono::duration_cast<util::Duration>(std::chrono::system_clock::now().time_since_epoch());
    CHECK(std::chrono::abs(clock.now().since_epoch - unix_ms) < util::Duration(1'000));
  }
}
