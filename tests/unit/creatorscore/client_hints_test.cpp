// What creatorscore::Client says when the base URL is wrong: a 404 on the account request (the
// first request of every command that checks the key) names the path it asked for and asks
// whether --base-url is right.

#include <doctest/doctest.h>

#include <string>

#include "creatorscore/client.hpp"
#include "http/client.hpp"
#include "http/rate_limiter.hpp"
#include "http/retry_policy.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"

namespace {

struct HintedClient {
  explicit HintedClient(std::string base)
      : limiter(clock, 120),
        http_client(transport, clock, limiter, http::RetryPolicy{}),
        client(http_client, std::move(base), "sk_test_demo") {}

  test::ManualClock clock;
  test::FakeTransport transport{&clock};
  http::RateLimiter limiter;
  http::Client http_client;
  creatorscore::Client client;
};

}  // namespace

TEST_SUITE("creatorscore::Client hints") {
  TEST_CASE("account: a 404 says nothing serves the API there and asks whether --base-url is right") {
    HintedClient h("https://user:secret@api.test/v2");
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
    HintedClient h("https://api.test");
    h.transport.push(test::response(202, "{}"));
    const auto account = h.client.account();
    REQUIRE_FALSE(account);
    CHECK(account.error().message == "GET /api/v1/account answered HTTP 202");
  }
}
