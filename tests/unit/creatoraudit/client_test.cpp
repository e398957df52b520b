#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "audit_test_support.hpp"
#include "creatoraudit/idempotency_key.hpp"

using namespace std::chrono_literals;
using creatoraudit::TrackOutcome;

namespace {

const std::string k_account =
    R"({"data":{"id":"acc-1","platform":"tiktok","username":"natgeo","category":null,)"
    R"("scrape_interval_hours":24,"created_at":"2026-06-14T09:30:00Z","last_scrape_time":null}})";
const std::string k_idem = "0b3f2c14-9a6d-4f1e-8b2a-1c2d3e4f5a6b";

std::string problem_body(int status, const std::string& code, const std::string& detail,
                         const std::string& errors = "") {
  return R"({"type":"about:blank","title":"t","status":)" + std::to_string(status) + R"(,"code":")" + code +
         R"(","detail":")" + detail + R"(","request_id":"req_body")" +
         (errors.empty() ? "" : ",\"errors\":" + errors) + "}";
}

creatoraudit::TrackResult track(audit_test::Stack& s) {
  auto result = s.client.track_account(core::Platform::tiktok, "natgeo", k_idem);
  REQUIRE(result);
  return *result;
}

}  // namespace

TEST_SUITE("creatoraudit::Client") {
  TEST_CASE("requests: bearer key, Accept and (on writes) Content-Type; /meta without the key") {
    audit_test::Stack s;
    s.transport.push(audit_test::answer(201, k_account));
    s.transport.push(
        audit_test::answer(200, R"({"data":{"organization_id":"org-1","api_key_name":"prod"}})"));
    s.transport.push(audit_test::answer(200, R"({"data":{"version":"2.1.0"}})"));
    REQUIRE(s.client.track_account(core::Platform::tiktok, "natgeo", k_idem));
    const auto me = s.client.whoami();
    REQUIRE(me);
    CHECK(me->organization_id == "org-1");
    const auto meta = s.client.meta();
    REQUIRE(meta);
    CHECK(meta->version == "2.1.0");

    const http::Request& post = s.request(0);
    CHECK(post.method == http::Method::post);
    CHECK(post.url == "https://api.test/v2/accounts");
    CHECK(audit_test::header_of(post, "Authorization") == std::string("Bearer ") + audit_test::k_key);
    CHECK(audit_test::header_of(post, "Accept") == "application/json");
    CHECK(audit_test::header_of(post, "Content-Type") == "application/json");
    CHECK(audit_test::header_of(post, "Idempotency-Key") == k_idem);
    CHECK(nlohmann::json::parse(post.body) == nlohmann::json{{"platform", "tiktok"}, {"username", "natgeo"}});
    CHECK(s.request(1).url == "https://api.test/v2/whoami");
    CHECK(audit_test::header_of(s.request(1), "Content-Type") == "<none>");
    CHECK(audit_test::header_of(s.request(1), "Accept") == "application/json");
    CHECK(audit_test::header_of(s.request(2), "Authorization") == "<none>");
  }

  TEST_CASE("Session: a base URL with a trailing slash; query parameters percent-encoded") {
    audit_test::Stack s;
    creatoraudit::Session slashed{s.http, "https://api.test/v2//", audit_test::k_key};
    s.transport.push(audit_test::answer(200, "{}"));
    creatoraudit::Call call;
    call.path = "/accounts";
    call.query = {{"platform", "tiktok"}, {"q", "a b&c=d/é"}};
    REQUIRE(slashed.send(call));
    CHECK(s.request(0).url == "https://api.test/v2/accounts?platform=tiktok&q=a%20b%26c%3Dd%2F%C3%A9");
  }

  TEST_CASE("verbose log events show the bearer key as `Bearer ***`") {
    audit_test::Stack s;
    std::string seen;
    s.http.set_observer([&](const http::ExchangeEvent& event) {
      for (const auto& [name, value] : event.request->headers) {
        seen += name + ": " + value + "\n";
      }
    });
    s.transport.push(audit_test::answer(200, R"({"data":{"organization_id":"o"}})"));
    REQUIRE(s.client.whoami());
    CHECK(seen.find("Authorization: Bearer ***\n") != std::string::npos);
    CHECK(seen.find(audit_test::k_key) == std::string::npos);
    const http::Headers other = http::redacted_headers({{"authorization", "Basic dXNlcjpwYXNz"},
                                                        {"Authorization", "sk_secret with space"},
                                                        {"Authorization", "bearer tok"}});
    CHECK(other == http::Headers{{"authorization", "Basic ***"},
                                 {"Authorization", "***"},
                                 {"Authorization", "Bearer ***"}});
  }

  TEST_CASE("track_account: each answer is a value; none of 409, 422, 403 is retried") {
    SUBCASE("201 created, 200 existing, a replay said so") {
      audit_test::Stack s;
      s.transport.push(audit_test::answer(201, k_account));
      s.transport.push(audit_test::answer(200, k_account));
      s.transport.push(audit_test::answer(201, k_account, {{"Idempotent-Replayed", "true"}}));
      const auto created = track(s);
      CHECK(created.outcome == TrackOutcome::created);
      CHECK(created.account.id == "acc-1");
      CHECK_FALSE(created.account.refreshed());
      CHECK(track(s).outcome == TrackOutcome::existing);
      CHECK(track(s).outcome == TrackOutcome::replayed);
    }
    SUBCASE("409 conflict") {
      audit_test::Stack s;
      s.transport.push(audit_test::answer(409, problem_body(409, "CONFLICT", "natgeo is tracked already")));
      const auto result = track(s);
      CHECK(result.outcome == TrackOutcome::conflict);
      CHECK(result.problem.code == "CONFLICT");
      CHECK(s.sent() == 1);
    }
    SUBCASE("422 with the errors message") {
      audit_test::Stack s;
      s.transport.push(audit_test::answer(
          422, problem_body(422, "VALIDATION_ERROR", "Invalid request",
                            R"([{"field":"username","message":"no TikTok account named natgeo"}])")));
      const auto result = track(s);
      CHECK(result.outcome == TrackOutcome::invalid);
      CHECK(result.message ==
            "HTTP 422 Unprocessable Content, VALIDATION_ERROR: Invalid request "
            "[username: no TikTok account named natgeo] (X-Request-ID req_422)");
      CHECK(s.sent() == 1);
    }
    SUBCASE("403 QUOTA_EXCEEDED") {
      audit_test::Stack s;
      s.transport.push(
          audit_test::answer(403, problem_body(403, "QUOTA_EXCEEDED", "Plan allows 50 accounts")));
      const auto result = track(s);
      CHECK(result.outcome == TrackOutcome::quota_exceeded);
      CHECK(result.message ==
            "HTTP 403 Forbidden, QUOTA_EXCEEDED: Plan allows 50 accounts (X-Request-ID req_403)");
      CHECK(s.sent() == 1);
    }
    SUBCASE("an empty or unsafe Idempotency-Key is refused before sending") {
      audit_test::Stack s;
      for (const std::string& key : {std::string(), std::string("a\r\nX-Evil: 1")}) {
        const auto result = s.client.track_account(core::Platform::tiktok, "natgeo", key);
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == creatoraudit::ApiErrorKind::bad_request);
      }
      CHECK(s.sent() == 0);
    }
  }

  TEST_CASE(
      "401 and 403 FORBIDDEN / INSUFFICIENT_SCOPE: key_rejected at once, naming code, detail, request id") {
    audit_test::Stack s;
    s.transport.push(
        audit_test::answer(401, problem_body(401, "UNAUTHORIZED", "Missing or invalid API key")));
    auto unauthorized = s.client.whoami();
    REQUIRE_FALSE(unauthorized);
    CHECK(unauthorized.error().kind == creatoraudit::ApiErrorKind::key_rejected);
    CHECK(unauthorized.error().message ==
          "CreatorAudit rejected the key at GET /whoami (HTTP 401 Unauthorized, UNAUTHORIZED: Missing or "
          "invalid "
          "API key (X-Request-ID req_401)): check CREATORAUDIT_API_KEY or --audit-key-file");
    CHECK(s.sent() == 1);

    s.transport.push(audit_test::answer(403, problem_body(403, "FORBIDDEN", "Subscription inactive")));
    auto forbidden = s.client.track_account(core::Platform::instagram, "natgeo", k_idem);
    REQUIRE_FALSE(forbidden);
    CHECK(forbidden.error().kind == creatoraudit::ApiErrorKind::key_rejected);
    CHECK(forbidden.error().problem.code == "FORBIDDEN");
    CHECK(forbidden.error().message.find("FORBIDDEN: Subscription inactive (X-Request-ID req_403)") !=
          std::string::npos);
    CHECK(s.sent() == 2);

    s.transport.push(
        audit_test::answer(403, problem_body(403, "INSUFFICIENT_SCOPE", "needs accounts:write")));
    auto scope = s.client.list_accounts(core::Platform::tiktok);
    REQUIRE_FALSE(scope);
    CHECK(scope.error().kind == creatoraudit::ApiErrorKind::key_rejected);
    CHECK(scope.error().message.find("INSUFFICIENT_SCOPE: needs accounts:write") != std::string::npos);
    CHECK(scope.error().message.find("lacks a scope") != std::string::npos);
    CHECK(s.sent() == 3);
  }

  TEST_CASE("429 and 503 wait Retry-After; without it they back off; the retry re-sends the same key") {
    audit_test::Stack s;
    s.transport.push(
        audit_test::answer(503, problem_body(503, "SERVICE_UNAVAILABLE", "down"), {{"Retry-After", "12"}}));
    s.transport.push(audit_test::answer(429, problem_body(429, "RATE_LIMITED", "slow down")));
    s.transport.push(util::unexpected(http::Error{http::ErrorKind::dropped, "connection reset"}));
    s.transport.push(audit_test::answer(500, "{}"));
    s.transport.push(audit_test::answer(201, k_account));
    CHECK(track(s).outcome == TrackOutcome::created);
    REQUIRE(s.sent() == 5);
    const auto& at = s.transport.sent_at();
    CHECK(at[1] - at[0] == util::Duration(12s));
    CHECK(at[2] - at[1] >= util::Duration(1s));  // a 429 without Retry-After waits at least a second
    CHECK(at[2] - at[1] <= util::Duration(2s));  // the second attempt's back-off ceiling
    for (std::size_t i = 0; i < 5; ++i) {
      CHECK(audit_test::header_of(s.request(i), "Idempotency-Key") == k_idem);
      CHECK(s.request(i).body == s.request(0).body);
    }
  }

  TEST_CASE("a Retry-After that would pass the run's deadline ends the call as `deadline`, not sent again") {
    audit_test::Stack s;
    s.http.set_deadline(s.clock.now() + util::Duration(30s));
    s.transport.push(
        audit_test::answer(503, problem_body(503, "SERVICE_UNAVAILABLE", "down"), {{"Retry-After", "60"}}));
    const auto who = s.client.whoami();
    REQUIRE_FALSE(who);
    CHECK(who.error().kind == creatoraudit::ApiErrorKind::deadline);
    CHECK(who.error().message.find("deadline") != std::string::npos);
    CHECK(s.sent() == 1);
  }

  TEST_CASE("failures after the retries name the code, the detail and the X-Request-ID") {
    SUBCASE("a problem document") {
      audit_test::Stack s;
      s.transport.set_handler([](const http::Request&) {
        return audit_test::answer(503, problem_body(503, "SERVICE_UNAVAILABLE", "maintenance"));
      });
      auto result = s.client.whoami();
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == creatoraudit::ApiErrorKind::unavailable);
      CHECK(result.error().message ==
            "CreatorAudit stayed unavailable: GET /whoami answered HTTP 503 Service Unavailable, "
            "SERVICE_UNAVAILABLE: maintenance (X-Request-ID req_503) after 8 attempts; try again later");
    }
    SUBCASE("a proxy's HTML page") {
      audit_test::Stack s;
      s.transport.set_handler(
          [](const http::Request&) { return audit_test::answer(502, "<html>Bad Gateway</html>"); });
      auto result = s.client.list_accounts(core::Platform::tiktok);
      REQUIRE_FALSE(result);
      CHECK(result.error().problem.status == 502);
      CHECK(result.error().problem.request_id == "req_502");
      CHECK(result.error().message ==
            "CreatorAudit stayed unavailable: GET /accounts answered HTTP 502 Bad Gateway (the body was no "
            "problem "
            "document) (X-Request-ID req_502) after 8 attempts; try again later");
    }
    SUBCASE("a 200 that is never JSON") {
      audit_test::Stack s;
      s.transport.set_handler([](const http::Request&) { return audit_test::answer(200, "<html>"); });
      auto result = s.client.whoami();
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == creatoraudit::ApiErrorKind::bad_response);
      CHECK(result.error().message ==
            "CreatorAudit's answer to GET /whoami was not the JSON promised: the response body is not the "
            "JSON the "
            "API promised (HTTP 200, X-Request-ID req_200, 8 attempts); try again later");
    }
    SUBCASE("no answer at all") {
      audit_test::Stack s;
      auto result = s.client.whoami();
      REQUIRE_FALSE(result);
      CHECK(result.error().message ==
            "could not reach CreatorAudit at api.test: no scripted response left after 8 attempts; check the "
            "network or --audit-base-url");
    }
    SUBCASE("a server that echoes the key has it masked") {
      audit_test::Stack s;
      s.transport.push(audit_test::answer(
          401, problem_body(401, "UNAUTHORIZED", std::string("key ") + audit_test::k_key + " is revoked")));
      auto result = s.client.whoami();
      REQUIRE_FALSE(result);
      CHECK(result.error().message.find(audit_test::k_key) == std::string::npos);
      CHECK(result.error().message.find("key *** is revoked") != std::string::npos);
    }
  }

  TEST_CASE("get_account: If-None-Match with the ETag held; 304 unchanged, 200 a new ETag, 404 not found") {
    audit_test::Stack s;
    s.transport.push(audit_test::answer(200, k_account, {{"ETag", "\"v1\""}}));
    s.transport.push(audit_test::answer(304, ""));
    s.transport.push(audit_test::answer(
        200, R"({"data":{"id":"acc-1","last_scrape_time":"2026-06-14T11:00:00Z"}})", {{"ETag", "W/\"v2\""}}));
    s.transport.push(audit_test::answer(404, problem_body(404, "NOT_FOUND", "no such account")));

    auto first = s.client.get_account("acc-1");
    REQUIRE(first);
    CHECK(first->outcome == creatoraudit::FetchOutcome::changed);
    CHECK(first->etag == "\"v1\"");
    CHECK_FALSE(first->account.refreshed());
    CHECK(audit_test::header_of(s.request(0), "If-None-Match") == "<none>");

    auto same = s.client.get_account("acc-1", first->etag);
    REQUIRE(same);
    CHECK(same->outcome == creatoraudit::FetchOutcome::unchanged);
    CHECK(same->etag == "\"v1\"");
    CHECK(audit_test::header_of(s.request(1), "If-None-Match") == "\"v1\"");
    CHECK(s.sent() == 2);  // an empty 304 is an answer, not a malformed body to retry

    auto changed = s.client.get_account("acc-1", same->etag);
    REQUIRE(changed);
    CHECK(changed->outcome == creatoraudit::FetchOutcome::changed);
    CHECK(changed->etag == "W/\"v2\"");
    CHECK(changed->account.refreshed());

    auto gone = s.client.get_account("acc/1 ?", changed->etag);
    REQUIRE(gone);
    CHECK(gone->outcome == creatoraudit::FetchOutcome::not_found);
    CHECK(gone->problem.code == "NOT_FOUND");
    CHECK(s.request(3).url == "https://api.test/v2/accounts/acc%2F1%20%3F");
    CHECK(s.sent() == 4);
  }

  TEST_CASE("metrics: period and ids in the body; a 422 names the ids to drop; other ids' items ignored") {
    audit_test::Stack s;
    s.transport.push(audit_test::answer(200, R"({"data":[
        {"account_id":"a1","period":"7d","views":10,"likes":null},
        {"account_id":"zz","period":"7d","views":99},
        {"account_id":"a2","period":"7d","views":null,"likes":null}],"meta":{"period":"7d"}})"));
    auto ok = s.client.metrics(creatoraudit::Period::days_7, {"a1", "a2", "a3"});
    REQUIRE(ok);
    CHECK_FALSE(ok->rejected);
    REQUIRE(ok->page.items.size() == 2);
    CHECK(ok->page.items[0].scraped());
    CHECK_FALSE(ok->page.items[1].scraped());  // every metric null: not scraped yet
    CHECK(nlohmann::json::parse(s.request(0).body) ==
          nlohmann::json{{"period", "7d"}, {"account_ids", {"a1", "a2", "a3"}}});
    CHECK(s.request(0).url == "https://api.test/v2/accounts/metrics");

    s.transport.push(audit_test::answer(
        422, problem_body(422, "VALIDATION_ERROR", "Unknown accounts",
                          R"([{"field":"account_ids[2]","message":"not found"},)"
                          R"({"field":"account_ids","message":"account a1 does not exist"},)"
                          R"({"field":"account_ids[9]","message":"out of range"}])")));
    auto rejected = s.client.metrics(creatoraudit::Period::days_30, {"a1", "a2", "a3"});
    REQUIRE(rejected);
    CHECK(rejected->rejected);
    CHECK(rejected->rejected_ids == std::vector<std::string>{"a1", "a3"});
    CHECK(rejected->message.find("VALIDATION_ERROR") != std::string::npos);
    CHECK(s.sent() == 2);

    s.transport.push(audit_test::answer(422, problem_body(422, "VALIDATION_ERROR", "some ids are unknown")));
    auto unnamed = s.client.metrics(creatoraudit::Period::days_90, {"a1"});
    REQUIRE(unnamed);
    CHECK(unnamed->rejected);
    CHECK(unnamed->rejected_ids.empty());

    const std::vector<std::string> too_many(201, "id");
    auto refused = s.client.metrics(creatoraudit::Period::days_30, too_many);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == creatoraudit::ApiErrorKind::bad_request);
    CHECK_FALSE(s.client.metrics(creatoraudit::Period::days_30, {}));
    CHECK(s.sent() == 3);
  }

  TEST_CASE("new_idempotency_key: random UUID v4, never the same twice") {
    std::set<std::string> keys;
    for (int i = 0; i < 2000; ++i) {
      const std::string key = creatoraudit::new_idempotency_key();
      REQUIRE(creatoraudit::is_uuid(key));
      CHECK(key[14] == '4');
      CHECK(std::string("89ab").find(key[19]) != std::string::npos);
      CHECK(key == util::to_lower(key));
      keys.insert(key);
    }
    CHECK(keys.size() == 2000);
    CHECK_FALSE(creatoraudit::is_uuid("0b3f2c14-9a6d-4f1e-8b2a-1c2d3e4f5a6"));
    CHECK_FALSE(creatoraudit::is_uuid("0b3f2c14x9a6d-4f1e-8b2a-1c2d3e4f5a6b"));
    CHECK(creatoraudit::is_uuid(k_idem));
  }

  TEST_CASE("period_name and parse_period: the API's spellings only") {
    CHECK(creatoraudit::period_name(creatoraudit::Period::days_30) == "30d");
    CHECK(creatoraudit::parse_period("90d") == creatoraudit::Period::days_90);
    CHECK_FALSE(creatoraudit::parse_period("30D"));
    CHECK_FALSE(creatoraudit::parse_period("custom"));
  }
}
