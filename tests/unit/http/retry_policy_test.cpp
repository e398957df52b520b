#include <doctest/doctest.h>

#include <limits>
#include <vector>

#include "http/retry_policy.hpp"

using namespace std::chrono_literals;
using http::AttemptOutcome;

TEST_SUITE("http::RetryPolicy") {
  TEST_CASE("decide: which outcomes are retried") {
    struct Row {
      const char* what;
      AttemptOutcome outcome;
      bool retry;
    };
    const Row table[] = {
        {"200 with JSON", {200, false, true, {}}, false},
        {"202 with JSON", {202, false, true, {}}, false},
        {"200 with a body that is not JSON", {200, false, false, {}}, true},
        {"400 invalid_handle", {400, false, true, {}}, false},
        {"401 invalid_api_key", {401, false, true, {}}, false},
        {"402 insufficient_credits", {402, false, true, {}}, false},
        {"404 job not found", {404, false, true, {}}, false},
        {"401 with an HTML body", {401, false, false, {}}, false},
        {"429 with Retry-After", {429, false, true, util::Duration(5s)}, true},
        {"429 without Retry-After", {429, false, true, {}}, true},
        {"500 queue_failed", {500, false, true, {}}, true},
        {"502", {502, false, false, {}}, true},
        {"503 auth_unavailable", {503, false, true, {}}, true},
        {"504", {504, false, false, {}}, true},
        {"timeout or dropped connection", {0, true, true, {}}, true},
        {"TLS failure", {0, false, true, {}}, false},
    };
    for (const Row& row : table) {
      http::RetryPolicy policy;
      CAPTURE(row.what);
      CHECK(policy.decide(row.outcome, 1).retry == row.retry);
    }
  }

  TEST_CASE("decide: 429 waits exactly its Retry-After, at least 1 s, at most the cap") {
    http::RetryPolicy policy;
    const auto seven = policy.decide({429, false, true, util::Duration(7s)}, 1);
    CHECK(seven.delay == util::Duration(7s));
    CHECK(seven.rate_limited);
    CHECK(policy.decide({429, false, true, util::Duration(0s)}, 1).delay == util::Duration(1s));
    CHECK(policy.decide({429, false, true, util::Duration(std::chrono::hours(24 * 3650))}, 1).delay ==
          policy.config().max_retry_after);
  }

  TEST_CASE("decide: back-off grows, is capped, and stays within full jitter") {
    http::RetryConfig config;
    config.max_attempts = 20;
    http::RetryPolicy policy(config, 42);
    util::Duration largest_early{0};
    util::Duration largest_late{0};
    for (int trial = 0; trial < 200; ++trial) {
      for (int attempt = 1; attempt < 20; ++attempt) {
        const auto decision = policy.decide({503, false, true, {}}, attempt);
        REQUIRE(decision.retry);
        util::Duration ceiling = config.base_delay;
        for (int i = 1; i < attempt && ceiling < config.max_delay; ++i) {
          ceiling *= 2;
        }
        ceiling = std::min(ceiling, config.max_delay);
        CHECK(decision.delay >= util::Duration(0));
        CHECK(decision.delay <= ceiling);
        if (attempt == 1) {
          largest_early = std::max(largest_early, decision.delay);
        }
        if (attempt == 19) {
          largest_late = std::max(largest_late, decision.delay);
        }
      }
    }
    CHECK(largest_early <= config.base_delay);
    CHECK(largest_late > util::Duration(30s));  // grew far beyond the first delay...
    CHECK(largest_late <= config.max_delay);     // ...but never past the cap
  }

  TEST_CASE("decide: the jitter follows its seed (one seed per process keeps clients out of step)") {
    const auto delays = [](std::uint64_t seed) {
      http::RetryPolicy policy({}, seed);
      std::vector<util::Duration> out;
      for (int attempt = 1; attempt <= 6; ++attempt) {
        out.push_back(policy.decide(http::AttemptOutcome{503, false, true, std::nullopt}, attempt).delay);
      }
      return out;
    };
    CHECK(delays(1) == delays(1));
    CHECK(delays(1) != delays(2));
  }

  TEST_CASE("decide: gives up after max_attempts") {
    http::RetryPolicy policy;
    CHECK(policy.decide({503, false, true, {}}, policy.config().max_attempts - 1).retry);
    CHECK_FALSE(policy.decide({503, false, true, {}}, policy.config().max_attempts).retry);
  }

  TEST_CASE("parse_retry_after: seconds, HTTP dates and garbage") {
    const std::int64_t now = 1445412480;  // Wed, 21 Oct 2015 07:28:00 GMT
    CHECK(http::parse_retry_after("120", now) == util::Duration(120s));
    CHECK(http::parse_retry_after(" 0 ", now) == util::Duration(0s));
    CHECK(http::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == util::Duration(30s));
    CHECK(http::parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == util::Duration(0s));
    CHECK(http::parse_retry_after("315360000000", now) > util::Duration(std::chrono::hours(24 * 365)));
    CHECK_FALSE(http::parse_retry_after("soon", now));
    CHECK_FALSE(http::parse_retry_after("", now));
    CHECK_FALSE(http::parse_retry_after("-5", now));
    CHECK_FALSE(http::parse_retry_after("1.5", now));
  }

  TEST_CASE("parse_retry_after: an HTTP date against a clock far in the past is capped, not overflowed") {
    // Found by fuzz.durations: the seconds between them overflowed when turned into milliseconds.
    const std::int64_t far_past = std::numeric_limits<std::int64_t>::min() / 2;
    const auto wait = http::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", far_past);
    REQUIRE(wait);
    CHECK(*wait == util::Duration(std::chrono::hours(24 * 365 * 10)));
    CHECK(http::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", 0) ==
          util::Duration(std::chrono::hours(24 * 365 * 10)));
  }
}

TEST_SUITE("http::RetryPolicy") {
  TEST_CASE("decide: a Retry-After past the cap is marked capped, with what was asked") {
    http::RetryPolicy policy;
    const auto capped = policy.decide({429, false, true, util::Duration(std::chrono::hours(1))}, 1);
    CHECK(capped.capped);
    CHECK(capped.asked == util::Duration(std::chrono::hours(1)));
    CHECK(capped.delay == std::chrono::minutes(10));
    const auto at_cap = policy.decide({503, false, true, util::Duration(std::chrono::minutes(10))}, 1);
    CHECK_FALSE(at_cap.capped);
    CHECK(at_cap.delay == std::chrono::minutes(10));
  }
}
