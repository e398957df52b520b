// The paths creatorscore::Client builds: whatever a handle or a job id holds, the request goes to
// the endpoint meant (GET /creators/{platform}/{handle}, GET /jobs/{job_id}), never to another one;
// and what it says when the base URL is wrong (a 404 on the account request).

#include <doctest/doctest.h>

#include <string>

#include "creatorscore/client.hpp"
#include "http/client.hpp"
#include "http/rate_limiter.hpp"
#include "http/retry_policy.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

namespace {

constexpr const char* k_base = "http://127.0.0.1:1";

struct ClientUnderTest {
  explicit ClientUnderTest(std::string base = k_base)
      : limiter(clock, 120),
        http_client(transport, clock, limiter, http::RetryPolicy{}),
        client(http_client, std::move(base), "sk_test_demo") {
    transport.set_handler(
        [](const http::Request&) { return test::response(404, R"({"error":"not_found"})"); });
  }

  // The path (after the base URL) of the one request the call made.
  std::string path_sent() {
    REQUIRE(transport.requests().size() == 1u);
    const std::string url = transport.requests()[0].url;
    REQUIRE(url.rfind(k_base, 0) == 0);
    return url.substr(std::string(k_base).size());
  }

  test::ManualClock clock;
  test::FakeTransport transport{&clock};
  http::RateLimiter limiter;
  http::Client http_client;
  creatorscore::Client client;
};

}  // namespace

TEST_SUITE("creatorscore::Client paths") {
  TEST_CASE("lookup: a handle of dots alone is sent as %2E segments, never as a step up or in place") {
    const struct {
      const char* handle;
      const char* path;
    } cases[] = {
        {".", "/api/v1/creators/tiktok/%2E"},
        {"..", "/api/v1/creators/tiktok/%2E%2E"},
        {"...", "/api/v1/creators/tiktok/%2E%2E%2E"},
        {"a.b", "/api/v1/creators/tiktok/a.b"},       // dots among other characters name no step
        {"..a", "/api/v1/creators/tiktok/..a"},
        {"%2e%2e", "/api/v1/creators/tiktok/%252e%252e"},  // a server decoding once gets `%2e%2e`
        {"../../admin", "/api/v1/creators/tiktok/..%2F..%2Fadmin"},
        {"a?b#c", "/api/v1/creators/tiktok/a%3Fb%23c"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.handle);
      ClientUnderTest api;
      (void)api.client.lookup({core::Platform::tiktok, c.handle}, {"narrative"});
      CHECK(api.path_sent() == std::string(c.path) + "?include=narrative");
    }
  }

  TEST_CASE("job: an id of dots alone is sent as %2E segments; an empty id sends nothing") {
    for (const auto& [id, path] : {std::pair{"..", "/api/v1/jobs/%2E%2E"}, std::pair{".", "/api/v1/jobs/%2E"},
                                   std::pair{"j-1.2", "/api/v1/jobs/j-1.2"}}) {
      CAPTURE(id);
      ClientUnderTest api;
      (void)api.client.job(id);
      CHECK(api.path_sent() == path);
    }
    ClientUnderTest api;
    const auto job = api.client.job("");
    REQUIRE_FALSE(job.has_value());
    CHECK(job.error().kind == creatorscore::ApiErrorKind::refused);
    CHECK(job.error().message == "cannot ask the API about an empty job id; nothing was sent");
    const auto item = api.client.lookup({core::Platform::x, ""});
    REQUIRE_FALSE(item.has_value());
    CHECK(item.error().message == "cannot ask the API about an empty handle; nothing was sent");
    CHECK(api.transport.requests().empty());
  }
}

TEST_SUITE("creatorscore::Client hints") {
  TEST_CASE("account: a 404 says nothing serves the API there and asks whether --base-url is right") {
    ClientUnderTest h("https://user:secret@api.test/v2");
    h.transport.push(test::response(404, "<html>Not Found</html>"));
    const auto account = h.client.account();
    REQUIRE_FALSE(account);
    CHECK(h.transport.requests().size() == 1u);
    CHECK(account.error().http_status == 404);
    CHECK(account.error().message ==
          "GET /v2/api/v1/account answered HTTP 404: no CreatorScore API there; is --base-url right? It is "
          "the API's root, to which /api/v1/... is added (for example https://creatorscore.io)");
  }

  TEST_CASE("account: another unexpected status keeps its plain message") {
    ClientUnderTest h("https://api.test");
    h.transport.push(test::response(202, "{}"));
    const auto account = h.client.account();
    REQUIRE_FALSE(account);
    CHECK(account.error().message == "GET /api/v1/account answered HTTP 202");
  }
}
