#include <doctest/doctest.h>

#include <vector>

#include "http/client.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;

namespace {

// A pacer that lets everything through and records what http::Client tells it.
class RecordingPacer final : public http::Pacer {
 public:
  bool acquire(bool* waited) override {
    if (waited != nullptr) {
      *waited = false;
    }
    events.push_back("acquire");
    return true;
  }
  void settle_last(util::TimePoint) override { events.push_back("settle"); }
  void block_until(util::TimePoint instant) override {
    events.push_back("block " + std::to_string(instant.since_epoch.count()));
  }
  void learn(const http::Response& response) override {
    events.push_back("learn " + std::to_string(response.status));
  }

  std::vector<std::string> events;
};

}  // namespace

TEST_SUITE("http::Pacer") {
  TEST_CASE("Client: a pacer other than the RateLimiter paces every attempt and learns every answer") {
    test::ManualClock clock;
    test::FakeTransport transport{&clock};
    RecordingPacer pacer;
    http::Client client{transport, clock, pacer, http::RetryPolicy{}};
    transport.push(test::response(429, "{}", {{"Retry-After", "3"}}));
    transport.push(util::unexpected(http::Error{http::ErrorKind::dropped, "reset"}));
    transport.push(test::response(200, "{}"));
    const http::Request request{http::Method::get, "https://api.test/x", {}, {}};
    REQUIRE(client.send(request, nullptr));
    // No learn for the attempt that got no answer.
    CHECK(pacer.events == std::vector<std::string>{"acquire", "settle", "learn 429", "block 3000", "acquire",
                                                   "settle", "acquire", "settle", "learn 200"});
  }

  TEST_CASE(
      "Client: a failure keeps the last answer's headers (its request id), none after a transport error") {
    test::ManualClock clock;
    test::FakeTransport transport{&clock};
    http::RateLimiter limiter{clock, 120};
    http::Client client{transport, clock, limiter, http::RetryPolicy{http::RetryConfig{2}}};
    transport.push(test::response(503, "{}", {{"X-Request-ID", "req_1"}}));
    transport.push(test::response(503, "{}", {{"X-Request-ID", "req_2"}}));
    const http::Request request{http::Method::get, "https://api.test/x", {}, {}};
    auto failed = client.send(request, nullptr);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().last_headers == http::Headers{{"X-Request-ID", "req_2"}});

    transport.push(test::response(503, "{}", {{"X-Request-ID", "req_3"}}));
    transport.push(util::unexpected(http::Error{http::ErrorKind::timeout, "timed out"}));
    auto unanswered = client.send(request, nullptr);
    REQUIRE_FALSE(unanswered);
    CHECK(unanswered.error().last_headers.empty());
  }

  TEST_CASE("redacted_headers: a bearer or basic credential keeps its scheme, never its secret") {
    const http::Headers redacted = http::redacted_headers({{"Authorization", "Bearer ca_live_secret"},
                                                           {"authorization", "basic dXNlcjpwYXNz"},
                                                           {"Authorization", "ca_live_secret with space"},
                                                           {"Authorization", "Bearer"},
                                                           {"X-API-Key", "sk_secret"},
                                                           {"Accept", "application/json"}});
    CHECK(redacted == http::Headers{{"Authorization", "Bearer ***"},
                                    {"authorization", "Basic ***"},
                                    {"Authorization", "***"},
                                    {"Authorization", "***"},
                                    {"X-API-Key", "***"},
                                    {"Accept", "application/json"}});
  }
}
