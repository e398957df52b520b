#include "http/redact.hpp"

#include <doctest/doctest.h>

TEST_SUITE("http::redact") {
  TEST_CASE("request_secrets: the values redacted_headers masks") {
    const http::Headers headers{
        {"x-api-key", " sk_live_A "}, {"Accept", "application/json"}, {"Authorization", "Bearer tok_B"}};
    CHECK(http::request_secrets(headers) == std::vector<std::string>{"sk_live_A", "Bearer tok_B", "tok_B"});
    CHECK(http::request_secrets({{"Accept", "x"}}).empty());
  }

  TEST_CASE("redact_secrets: the key written plainly or JSON-escaped becomes ***, nothing else changes") {
    const std::vector<std::string> key{"sk_live_SECRET/42"};
    CHECK(http::redact_secrets("no key here", key) == "no key here");
    CHECK(http::redact_secrets("key sk_live_SECRET/42 refused", key) == "key *** refused");
    CHECK(http::redact_secrets("sk_live_SECRET/42sk_live_SECRET/42", key) == "******");
    CHECK(http::redact_secrets(R"({"message":"bad key \u0073k_live_SECRET\/42"})", key) ==
          R"({"message":"bad key ***"})");
    CHECK(http::redact_secrets(R"("\u0073\u006B_live_SECRET/42")", key) == R"("***")");
    // A prefix of the key, or the key with a different byte, is left alone.
    CHECK(http::redact_secrets("sk_live_SECRET/4", key) == "sk_live_SECRET/4");
    CHECK(http::redact_secrets("sk_live_SECRET/43", key) == "sk_live_SECRET/43");
    CHECK(http::redact_secrets("\\u00", key) == "\\u00");  // a cut escape at the end
    // A key holding bytes JSON escapes with a backslash (", \, /, control bytes).
    CHECK(http::redact_secrets(R"({"m":"k\"q\\z\tw"})", {"k\"q\\z\tw"}) == R"({"m":"***"})");
    CHECK(http::redact_secrets("anything", {}) == "anything");
    CHECK(http::redact_secrets("a b", {""}) == "a b");
  }

  TEST_CASE("redact_response: body, body_problem and header values") {
    http::Response response{
        400, {{"X-Echo", "sk_A"}, {"sk_A", "name"}}, R"({"message":"sk_A"})", "about sk_A"};
    http::redact_response(response, {"sk_A"});
    CHECK(response.body == R"({"message":"***"})");
    CHECK(response.body_problem == "about ***");
    CHECK(response.headers[0].second == "***");
  }
}
