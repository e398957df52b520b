#include <doctest/doctest.h>

#include "http/client.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;

namespace {

const auto json_only = [](const http::Response& r) { return !r.body.empty() && r.body.front() == '{'; };

struct Stack {
  test::ManualClock clock;
  test::FakeTransport transport{&clock};
  http::RateLimiter limiter{clock, 120};
  http::Client client{transport, clock, limiter, http::RetryPolicy{}};
};

http::Request get(std::string key = "sk_secret") {
  return http::Request{http::Method::get, "https://api.test/api/v1/account", {{"X-API-Key", std::move(key)}}, {}};
}

}  // namespace

TEST_SUITE("http::Client") {
  TEST_CASE("send: a 429 is retried only after its Retry-After") {
    Stack s;
    s.transport.push(test::response(429, R"({"error":"rate_limit_exceeded"})", {{"Retry-After", "17"}}));
    s.transport.push(test::response(200, "{}"));
    auto result = s.client.send(get(), json_only);
    REQUIRE(result);
    REQUIRE(s.transport.sent_at().size() == 2);
    CHECK(s.transport.sent_at()[1] - s.transport.sent_at()[0] >= util::Duration(17s));
    CHECK(s.client.stats().responses_429 == 1);
    CHECK(s.client.stats().rate_limit_waits >= 1);
  }

  TEST_CASE("send: 401 is not retried") {
    Stack s;
    s.transport.push(test::response(401, R"({"error":"invalid_api_key","message":"no"})"));
    auto result = s.client.send(get(), json_only);
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(s.transport.requests().size() == 1);
  }

  TEST_CASE("send: malformed JSON is retried, then reported with its status") {
    Stack s;
    s.transport.set_handler([](const http::Request&) { return test::TransportResult(test::response(200, "<html>")); });
    auto result = s.client.send(get(), json_only);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::bad_body);
    CHECK(result.error().last_status == 200);
    CHECK(s.transport.requests().size() == 8);
  }

  TEST_CASE("send: a body dropped at the size cap is retried like malformed JSON, then reported with its status and why") {
    Stack s;
    const auto over_cap = [](int status) {
      http::Response response = test::response(status, "");
      response.body_problem = "the response body is larger than 8 MiB, the limit for one answer";
      return test::TransportResult(response);
    };
    s.transport.set_handler([&](const http::Request&) { return over_cap(200); });
    // No body check at all: the dropped body fails on its own.
    auto result = s.client.send(get(), nullptr);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::bad_body);
    CHECK(result.error().last_status == 200);
    CHECK(result.error().last_error == "the response body is larger than 8 MiB, the limit for one answer");
    CHECK(s.transport.requests().size() == 8);

    // A final 4xx is still the caller's to read by its status, as with any body that is not JSON.
    Stack t;
    t.transport.push(over_cap(401));
    auto refused = t.client.send(get(), json_only);
    REQUIRE(refused);
    CHECK(refused->status == 401);
    CHECK(t.transport.requests().size() == 1);
  }

  TEST_CASE("send: 503s then success; back-off waits grow") {
    Stack s;
    for (int i = 0; i < 4; ++i) {
      s.transport.push(test::response(503, R"({"error":"auth_unavailable"})"));
    }
    s.transport.push(test::response(200, "{}"));
    auto result = s.client.send(get(), json_only);
    REQUIRE(result);
    CHECK(s.transport.requests().size() == 5);
    CHECK(s.client.stats().retries == 4);
  }

  TEST_CASE("send: a dropped connection that never recovers ends as gave_up") {
    Stack s;
    s.transport.set_handler(
        [](const http::Request&) { return test::TransportResult(util::unexpected(http::Error{http::ErrorKind::dropped, "reset"})); });
    auto result = s.client.send(get(), json_only);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::gave_up);
    CHECK(result.error().last_status == 0);
  }

  TEST_CASE("send: a TLS failure is not retried") {
    Stack s;
    s.transport.push(util::unexpected(http::Error{http::ErrorKind::tls, "certificate"}));
    auto result = s.client.send(get(), json_only);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::fatal_error);
    CHECK(s.transport.requests().size() == 1);
  }

  TEST_CASE("send: a stop while backing off ends as interrupted") {
    Stack s;
    s.transport.set_handler([](const http::Request&) { return test::TransportResult(test::response(503, "{}")); });
    s.clock.stop_at(util::TimePoint{} + util::Duration(1ms));
    auto result = s.client.send(get(), json_only);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::interrupted);
  }

  TEST_CASE("send: the observer never sees the key") {
    Stack s;
    s.transport.push(test::response(200, "{}"));
    std::string seen;
    s.client.set_observer([&](const http::ExchangeEvent& event) {
      for (const auto& [name, value] : event.request->headers) {
        seen += name + ": " + value + "\n";
      }
    });
    REQUIRE(s.client.send(get("sk_live_TOPSECRET"), json_only));
    CHECK(seen.find("TOPSECRET") == std::string::npos);
    CHECK(seen.find("X-API-Key: ***") != std::string::npos);
  }
}
