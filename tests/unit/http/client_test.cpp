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

TEST_SUITE("http::Client") {
  TEST_CASE("send: a key the server echoes is masked before anything reads it") {
    const std::string key = "sk_live_ECHOED";
    const std::string echo =
        R"j({"error":"invalid_request","message":"refused key sk_live_ECHOED (\u0073k_live_ECHOED)"})j";
    // A final answer: the caller gets the body with the key masked.
    Stack s;
    std::string observed;
    s.client.set_observer([&](const http::ExchangeEvent& event) {
      observed += event.response != nullptr ? event.response->body : event.error->message;
    });
    s.transport.push(test::response(400, echo, {{"X-Debug", "key=" + key}}));
    auto final_answer = s.client.send(get(key), json_only);
    REQUIRE(final_answer);
    CHECK(final_answer->body == R"j({"error":"invalid_request","message":"refused key *** (***)"})j");
    CHECK(final_answer->header("X-Debug") == "key=***");

    // Retried answers that end in a failure: last_body and last_error hold no key either.
    s.transport.set_handler(
        [&](const http::Request&) { return test::TransportResult(test::response(503, echo)); });
    auto gave_up = s.client.send(get(key), json_only);
    REQUIRE_FALSE(gave_up);
    CHECK(gave_up.error().last_body.find("ECHOED") == std::string::npos);
    s.transport.set_handler([&](const http::Request&) {
      return test::TransportResult(
          util::unexpected(http::Error{http::ErrorKind::dropped, "reset by " + key}));
    });
    auto dropped = s.client.send(get(key), json_only);
    REQUIRE_FALSE(dropped);
    CHECK(dropped.error().last_error == "reset by ***");
    CHECK(observed.find("ECHOED") == std::string::npos);
    CHECK(observed.find("***") != std::string::npos);
  }
}

TEST_SUITE("http::Client") {
  TEST_CASE("send: a Retry-After past the cap is waited at the cap, and the log is told both") {
    Stack s;
    std::vector<http::WaitNotice> notices;
    s.client.set_wait_observer([&](const http::WaitNotice& notice) { notices.push_back(notice); });
    s.transport.push(test::response(429, R"({"error":"rate_limit_exceeded"})", {{"Retry-After", "3600"}}));
    s.transport.push(test::response(200, "{}"));
    REQUIRE(s.client.send(get(), json_only));
    REQUIRE(s.transport.sent_at().size() == 2);
    CHECK(s.transport.sent_at()[1] - s.transport.sent_at()[0] == util::Duration(10min));
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].kind == http::WaitNotice::Kind::retry_after_capped);
    CHECK(notices[0].asked == util::Duration(1h));
    CHECK(notices[0].cap == util::Duration(10min));
    CHECK(notices[0].waiting == util::Duration(10min));
    CHECK(notices[0].message ==
          "the API asked to wait 1h (Retry-After) before retrying GET /api/v1/account; waiting 10m "
          "instead, the longest Retry-After honoured, then retrying (8 attempts at most)");
  }

  TEST_CASE("send: an unreachable host is said at once, on the first attempt, with the retry to come") {
    Stack s;
    std::vector<std::pair<http::WaitNotice, util::TimePoint>> notices;
    s.client.set_wait_observer(
        [&](const http::WaitNotice& notice) { notices.emplace_back(notice, s.clock.now()); });
    const http::Error refused{http::ErrorKind::connect, "Connection refused (api.test)"};
    s.transport.push(util::unexpected(refused));
    s.transport.push(util::unexpected(refused));
    s.transport.push(test::response(200, "{}"));
    REQUIRE(s.client.send(get(), json_only));
    REQUIRE(notices.size() == 2);
    CHECK(notices[0].first.kind == http::WaitNotice::Kind::unreachable);
    CHECK(notices[0].second == s.transport.sent_at()[0]);  // before any wait
    CHECK(http::wait_notice_code(notices[0].first.kind) == "host_unreachable");
    const std::string& message = notices[0].first.message;
    CHECK(message.rfind("cannot reach the API: Connection refused (api.test); retrying in ", 0) == 0);
    CHECK(message.find("(attempt 1 of 8 failed)") != std::string::npos);
    CHECK(notices[1].first.message.find("(attempt 2 of 8 failed)") != std::string::npos);
    CHECK(notices[0].first.waiting == s.transport.sent_at()[1] - s.transport.sent_at()[0]);

    // The last attempt's failure is the caller's error, not one more notice; a dropped connection
    // (the server was reached) is no "cannot reach".
    Stack t;
    std::vector<http::WaitNotice> more;
    t.client.set_wait_observer([&](const http::WaitNotice& notice) { more.push_back(notice); });
    for (int i = 0; i < 8; ++i) {
      t.transport.push(util::unexpected(refused));
    }
    CHECK_FALSE(t.client.send(get(), json_only));
    CHECK(more.size() == 7);
    Stack u;
    std::vector<http::WaitNotice> none;
    u.client.set_wait_observer([&](const http::WaitNotice& notice) { none.push_back(notice); });
    u.transport.push(util::unexpected(http::Error{http::ErrorKind::dropped, "connection dropped"}));
    u.transport.push(test::response(200, "{}"));
    CHECK(u.client.send(get(), json_only));
    CHECK(none.empty());
  }

  TEST_CASE("send: a wait that would pass the deadline is not made: it ends at once as deadline") {
    Stack s;
    std::vector<http::WaitNotice> notices;
    s.client.set_wait_observer([&](const http::WaitNotice& notice) { notices.push_back(notice); });
    s.client.set_deadline(s.clock.now() + util::Duration(5min));
    s.transport.push(test::response(429, R"({"error":"rate_limit_exceeded"})", {{"Retry-After", "3600"}}));
    const util::TimePoint before = s.clock.now();
    auto result = s.client.send(get(), json_only);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::deadline);
    CHECK(result.error().last_status == 429);
    CHECK(s.transport.requests().size() == 1);
    CHECK(s.clock.now() == before);  // no waiting at all
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].kind == http::WaitNotice::Kind::past_deadline);
    CHECK(notices[0].message ==
          "the API asked to wait 1h (Retry-After) before retrying GET /api/v1/account (capped at 10m), "
          "past the deadline: stopping now instead of waiting");

    // A wait that ends before the deadline is made as usual.
    Stack t;
    t.client.set_deadline(t.clock.now() + util::Duration(5min));
    t.transport.push(test::response(429, R"({"error":"rate_limit_exceeded"})", {{"Retry-After", "30"}}));
    t.transport.push(test::response(200, "{}"));
    CHECK(t.client.send(get(), json_only));
  }

  TEST_CASE("send: a transfer abandoned on a stop is interrupted, never retried") {
    Stack s;
    s.transport.set_handler([](const http::Request&) {
      return test::TransportResult(util::unexpected(http::Error{http::ErrorKind::interrupted, "abandoned"}));
    });
    auto result = s.client.send(get(), json_only);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == http::FailureKind::interrupted);
    CHECK(result.error().last_error == "abandoned");
    CHECK(s.transport.requests().size() == 1);
  }
}
