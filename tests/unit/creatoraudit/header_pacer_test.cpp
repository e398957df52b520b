#include <doctest/doctest.h>

#include "audit_test_support.hpp"

using namespace std::chrono_literals;

namespace {

// One exchange through the pacer alone, as http::Client drives it: acquire, answer, learn.
util::TimePoint exchange(test::ManualClock& clock, creatoraudit::HeaderPacer& pacer, http::Headers headers,
                         util::Duration latency = 0ms) {
  REQUIRE(pacer.acquire());
  const util::TimePoint sent = clock.now();
  clock.advance(latency);
  pacer.settle_last(clock.now());
  pacer.learn(test::response(200, "{}", std::move(headers)));
  return sent;
}

}  // namespace

TEST_SUITE("creatoraudit::HeaderPacer") {
  TEST_CASE("acquire: never sends while Remaining is 0 before Reset has passed") {
    test::ManualClock clock;
    creatoraudit::HeaderPacer pacer(clock, audit_test::fixed_unix_time());
    exchange(clock, pacer, audit_test::limit_headers(0, 30, 60), 200ms);
    const util::TimePoint answered = clock.now();
    const util::TimePoint next = exchange(clock, pacer, audit_test::limit_headers(59, 0, 60));
    CHECK(next == answered + 30s);
    // Reset as a Unix time: the same wait, from that clock.
    exchange(clock, pacer, audit_test::limit_headers(0, audit_test::k_unix_now + 45, 60));
    const util::TimePoint answered2 = clock.now();
    CHECK(exchange(clock, pacer, audit_test::limit_headers(10, 0, 60)) == answered2 + 45s);
  }

  TEST_CASE("acquire: after Reset it trusts the next answer's Remaining, not a full window") {
    test::ManualClock clock;
    creatoraudit::HeaderPacer pacer(clock, audit_test::fixed_unix_time());
    exchange(clock, pacer, audit_test::limit_headers(0, 10, 60));
    // Reset passed: one request goes; its answer says the window is still full.
    const util::TimePoint probe = exchange(clock, pacer, audit_test::limit_headers(0, 5, 60));
    CHECK(probe == test::at(10s));
    CHECK(exchange(clock, pacer, audit_test::limit_headers(30, 0, 60)) == test::at(15s));
    CHECK(pacer.learnt().limit == 60);
  }

  TEST_CASE("acquire: while plenty remains it does not wait; as Remaining nears zero it spreads the rest") {
    test::ManualClock clock;
    creatoraudit::HeaderPacer pacer(clock, audit_test::fixed_unix_time());
    exchange(clock, pacer, audit_test::limit_headers(80, 60, 100));
    CHECK(exchange(clock, pacer, audit_test::limit_headers(79, 60, 100)) == test::at(0s));
    CHECK(exchange(clock, pacer, audit_test::limit_headers(78, 60, 100)) == test::at(0s));
    // 19 left of 100 with 40 s to the reset: 40 s / 20 = 2 s between requests.
    exchange(clock, pacer, audit_test::limit_headers(19, 40, 100));
    const util::TimePoint answered = clock.now();
    CHECK(exchange(clock, pacer, audit_test::limit_headers(18, 38, 100)) == answered + 2s);
    // The slower the closer to zero: 1 left, 10 s to go: 5 s.
    exchange(clock, pacer, audit_test::limit_headers(1, 10, 100));
    const util::TimePoint answered2 = clock.now();
    CHECK(exchange(clock, pacer, audit_test::limit_headers(0, 5, 100)) == answered2 + 5s);
    CHECK(exchange(clock, pacer, audit_test::limit_headers(50, 0, 100)) == answered2 + 10s);
  }

  TEST_CASE("acquire: before any header, one request at a time, a second apart") {
    test::ManualClock clock;
    creatoraudit::HeaderPacer pacer(clock, audit_test::fixed_unix_time());
    CHECK(exchange(clock, pacer, {}, 300ms) == test::at(0s));  // the first goes at once
    CHECK(exchange(clock, pacer, {}, 300ms) == test::at(1300ms));
    CHECK(exchange(clock, pacer, {}) == test::at(2600ms));
    CHECK_FALSE(pacer.learnt().remaining);
  }

  TEST_CASE("block_until and hostile headers: Retry-After holds requests back; garbage teaches nothing") {
    test::ManualClock clock;
    creatoraudit::HeaderPacer pacer(clock, audit_test::fixed_unix_time());
    exchange(clock, pacer, audit_test::limit_headers(50, 0, 100));
    pacer.block_until(test::at(20s));
    CHECK(exchange(clock, pacer, {{"X-RateLimit-Remaining", "-3"}, {"X-RateLimit-Reset", "soon"}}) ==
          test::at(20s));
    CHECK(pacer.learnt().remaining == 49);  // 50 less the request sent since
    // An absurd Reset is capped at an hour.
    exchange(clock, pacer, audit_test::limit_headers(0, 999'999'999, 100));
    const util::TimePoint answered = clock.now();
    CHECK(exchange(clock, pacer, audit_test::limit_headers(5, 0, 100)) == answered + 1h);
    CHECK(creatoraudit::parse_rate_limit_number(" 12 ") == 12.0);
    CHECK(creatoraudit::parse_rate_limit_number("1.5") == 1.5);
    for (const char* bad : {"", "-1", "1e9", "abc", ".", "1.", "1.2.3", "99999999999999999999999"}) {
      CAPTURE(bad);
      CHECK_FALSE(creatoraudit::parse_rate_limit_number(bad));
    }
  }

  TEST_CASE("acquire: a stop during a wait returns false and records nothing") {
    test::ManualClock clock;
    creatoraudit::HeaderPacer pacer(clock, audit_test::fixed_unix_time());
    exchange(clock, pacer, audit_test::limit_headers(0, 30, 60));
    clock.request_stop();
    CHECK_FALSE(pacer.acquire());
    CHECK(pacer.learnt().remaining == 0);
  }

  TEST_CASE("through http::Client: a 429's headers and Retry-After both hold the next request back") {
    audit_test::Stack s;
    auto limited = audit_test::limit_headers(0, 40, 10);
    limited.emplace_back("Retry-After", "25");
    s.transport.push(audit_test::answer(429, R"({"code":"RATE_LIMITED"})", limited));
    s.transport.push(
        audit_test::answer(200, R"({"data":{"organization_id":"o"}})", audit_test::limit_headers(9, 0, 10)));
    REQUIRE(s.client.whoami());
    REQUIRE(s.transport.sent_at().size() == 2);
    CHECK(s.transport.sent_at()[1] - s.transport.sent_at()[0] ==
          util::Duration(40s));  // Reset, past Retry-After
  }
}
