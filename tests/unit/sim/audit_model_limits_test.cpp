// sim::audit::Simulator (creatoraudit-sim's model): keys, content negotiation, X-Request-ID, the
// rate limit and its headers, faults, statistics and the test endpoints.
#include <doctest/doctest.h>

#include <set>

#include "audit_test_support.hpp"
#include "sim/creatoraudit/accounts.hpp"
#include "sim/creatoraudit/cursor.hpp"
#include "sim/creatoraudit/problems.hpp"
#include "sim/rate_window.hpp"

using sim::Json;
using test::audit_json;
using test::AuditDriver;
using namespace std::chrono_literals;

namespace {

sim::audit::AuditConfig with_rate_limit(int limit) {
  sim::audit::AuditConfig config;
  config.rate_limit = limit;
  return config;
}

}  // namespace

TEST_SUITE("sim::audit::Simulator limits") {
  TEST_CASE(
      "keys: whoami; 401 UNAUTHORIZED; 403 FORBIDDEN and INSUFFICIENT_SCOPE; health and meta need none") {
    sim::audit::AuditConfig config;
    config.keys.push_back({"ca_off", "Demo Agency", sim::audit::KeyState::disabled});
    config.keys.push_back({"ca_read", "Demo Agency", sim::audit::KeyState::read_only});
    config.keys.push_back({"ca_none", "Demo Agency", sim::audit::KeyState::no_scope});
    AuditDriver api(config);
    const sim::SimResponse whoami = api.get("/v2/whoami");
    REQUIRE(whoami.status == 200);
    const Json me = audit_json(whoami)["data"];
    CHECK(me["type"] == "whoami");
    CHECK(me["organization_id"].get<std::string>().size() == 36);
    CHECK(me["api_key_name"].is_string());

    const sim::SimResponse missing = api.get("/v2/whoami", {{"Authorization", ""}});
    CHECK(missing.status == 401);
    CHECK(audit_json(missing)["code"] == "UNAUTHORIZED");
    CHECK(missing.header("X-RateLimit-Limit").empty());  // no key, no window
    CHECK(api.get("/v2/whoami", {{"Authorization", "Basic abc"}}).status == 401);
    CHECK(api.get("/v2/whoami", {{"authorization", "bearer ca_test_demo"}}).status == 200);
    api.use_key("ca_wrong");
    CHECK(audit_json(api.get("/v2/whoami"))["code"] == "UNAUTHORIZED");

    api.use_key("ca_off");
    const sim::SimResponse off = api.get("/v2/whoami");
    CHECK(off.status == 403);
    CHECK(audit_json(off)["code"] == "FORBIDDEN");
    api.use_key("ca_read");
    CHECK(api.get("/v2/accounts").status == 200);
    CHECK(audit_json(api.track("tiktok", "ava", "k1"))["code"] == "INSUFFICIENT_SCOPE");
    api.use_key("ca_none");
    CHECK(api.get("/v2/whoami").status == 200);
    CHECK(audit_json(api.get("/v2/accounts"))["code"] == "INSUFFICIENT_SCOPE");

    api.use_key("nothing");
    CHECK(api.get("/v2/health", {{"Authorization", ""}}).status == 200);
    const sim::SimResponse meta = api.get("/v2/meta", {{"Authorization", ""}});
    CHECK(meta.status == 200);
    CHECK(audit_json(meta)["data"]["version"].is_string());
    CHECK(audit_json(meta)["data"]["openapi_url"].is_string());
    CHECK(audit_json(meta)["data"]["docs_url"].is_string());
  }

  TEST_CASE("every /v2 answer has an X-Request-ID, mirrored in problem bodies; problems are RFC 9457") {
    AuditDriver api;
    std::set<std::string> ids;
    for (const char* target :
         {"/v2/health", "/v2/whoami", "/v2/nothing", "/elsewhere", "/v2/accounts/x"}) {
      const sim::SimResponse response = api.get(target);
      CHECK_FALSE(response.header("X-Request-ID").empty());
      ids.insert(response.header("X-Request-ID"));
    }
    CHECK(ids.size() == 5);
    const sim::SimResponse missing = api.get("/v2/accounts/x");
    CHECK(missing.status == 404);
    const Json problem = audit_json(missing);
    CHECK(problem["type"].get<std::string>().starts_with("https://"));
    CHECK(problem["title"] == "Not Found");
    CHECK(problem["status"] == 404);
    CHECK(problem["code"] == "NOT_FOUND");
    CHECK(problem["detail"].is_string());
    CHECK(problem["request_id"] == missing.header("X-Request-ID"));
    const sim::SimResponse wrong_method = api.send("DELETE", "/v2/accounts", "", {});
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("Allow") == "GET, POST");
  }

  TEST_CASE("content negotiation: 415 for a write that is not JSON, 406 for an Accept that cannot be JSON") {
    AuditDriver api;
    const Json body{{"platform", "tiktok"}, {"username", "ava"}};
    const sim::SimResponse form = api.send("POST", "/v2/accounts", body.dump(),
                                           {{"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(form.status == 415);
    CHECK(audit_json(form)["code"] == "UNSUPPORTED_MEDIA_TYPE");
    CHECK(api.send("POST", "/v2/accounts", body.dump(), {{"Content-Type", "application/json; charset=utf-8"}})
              .status == 201);
    const sim::SimResponse xml = api.get("/v2/whoami", {{"Accept", "text/xml"}});
    CHECK(xml.status == 406);
    CHECK(audit_json(xml)["code"] == "NOT_ACCEPTABLE");
    CHECK(api.get("/v2/health", {{"Accept", "text/html"}}).status == 406);
    CHECK(api.stats()["accounts_created"] == 1);

    CHECK(sim::audit::accepts_json(""));
    CHECK(sim::audit::accepts_json("*/*"));
    CHECK(sim::audit::accepts_json("text/html, application/problem+json;q=0.5"));
    CHECK(sim::audit::accepts_json("application/*"));
    CHECK_FALSE(sim::audit::accepts_json("application/json;q=0"));
    CHECK_FALSE(sim::audit::accepts_json("text/csv"));
  }

  TEST_CASE(
      "rate limit: X-RateLimit-* on every keyed answer; 429 RATE_LIMITED with Retry-After; violations") {
    AuditDriver api(with_rate_limit(3));
    sim::SimResponse response = api.get("/v2/whoami");
    CHECK(response.header("X-RateLimit-Limit") == "3");
    CHECK(response.header("X-RateLimit-Remaining") == "2");
    CHECK(response.header("X-RateLimit-Reset") == "60");
    api.advance(10s);
    CHECK(api.get("/v2/whoami").header("X-RateLimit-Remaining") == "1");
    api.advance(10s);
    response = api.get("/v2/accounts");
    CHECK(response.status == 200);
    CHECK(response.header("X-RateLimit-Remaining") == "0");
    CHECK(response.header("X-RateLimit-Reset") == "40");  // until the first request leaves the window
    CHECK(api.stats()["requests_while_exhausted"] == 0);

    api.advance(39s);  // before the Reset it was told
    response = api.get("/v2/whoami");
    CHECK(response.status == 429);
    CHECK(audit_json(response)["code"] == "RATE_LIMITED");
    CHECK(response.header("Retry-After") == "1");
    CHECK(response.header("X-RateLimit-Remaining") == "0");
    Json stats = api.stats();
    CHECK(stats["requests_while_exhausted"] == 1);
    CHECK(stats["responses_429"] == 1);
    CHECK(stats["responses_4xx"] == 1);
    CHECK(stats["retry_after_violations"] == 0);

    api.advance(500ms);  // before the Retry-After
    CHECK(api.get("/v2/whoami").status == 429);
    CHECK(api.stats()["retry_after_violations"] == 1);
    api.advance(1s);
    response = api.get("/v2/whoami");
    CHECK(response.status == 200);
    CHECK(response.header("X-RateLimit-Remaining") == "0");
    stats = api.stats();
    CHECK(stats["max_requests_in_window"]["ca_test_demo"] == 5);  // 0..59.5 s and 10..60.5 s
    CHECK(stats["max_requests_in_any_window"] == 5);
    CHECK(stats["requests_while_exhausted"] == 2);
    CHECK(stats["requests_by_route"]["GET /v2/whoami"] == 5);
    CHECK(stats["requests_by_route"]["GET /v2/accounts"] == 1);
    CHECK(stats["requests_by_status"]["429"] == 2);

    AuditDriver unlimited(with_rate_limit(0));
    CHECK(unlimited.get("/v2/whoami").header("X-RateLimit-Limit").empty());
  }

  TEST_CASE("RateWindow: remaining and the wait until the oldest request leaves") {
    sim::RateWindow window;
    const util::TimePoint start{};
    CHECK(window.remaining(start, 2) == 2);
    CHECK(window.until_oldest_leaves(start) == 0ms);
    window.admit(start, 2);
    window.admit(start + 15s, 2);
    CHECK(window.remaining(start + 15s, 2) == 0);
    CHECK(window.until_oldest_leaves(start + 15s) == 45s);
    CHECK(window.remaining(start + 60s, 2) == 1);
    CHECK(window.until_oldest_leaves(start + 60s) == 15s);
  }

  TEST_CASE("faults: a drop after the write took effect; a retry with its key is a replay") {
    sim::audit::AuditConfig config;
    config.faults.fault_drop = 1.0;
    AuditDriver api(config);
    const sim::SimResponse dropped = api.track("tiktok", "ava", "k1");
    CHECK(dropped.drop_connection);
    CHECK(api.sim().accounts_named("Demo Agency", "tiktok", "ava").size() == 1);
    auto faults = config.faults;
    faults.fault_drop = 0.0;
    api.sim().set_faults(faults);
    const sim::SimResponse replay = api.track("tiktok", "ava", "k1");
    CHECK(replay.status == 201);
    CHECK(replay.header("Idempotent-Replayed") == "true");
    const Json stats = api.stats();
    CHECK(stats["faults"]["drop"] == 1);
    CHECK(stats["requests_by_status"]["dropped"] == 1);
    CHECK(stats["accounts_created"] == 1);
    CHECK(stats["duplicate_accounts"] == 0);
  }

  TEST_CASE(
      "faults: 500, 503, a drop before and malformed bodies change nothing; 503 Retry-After is enforced") {
    sim::audit::AuditConfig config;
    config.faults.fault_503 = 1.0;
    config.faults.retry_after_share = 1.0;
    config.faults.retry_after_max_s = 3;
    AuditDriver api(config);
    sim::SimResponse response = api.track("tiktok", "ava", "k1");
    CHECK(response.status == 503);
    CHECK(audit_json(response)["code"] == "SERVICE_UNAVAILABLE");
    const std::string retry_after = response.header("Retry-After");
    REQUIRE_FALSE(retry_after.empty());
    CHECK(std::stoi(retry_after) >= 1);
    CHECK(std::stoi(retry_after) <= 3);
    api.advance(std::chrono::seconds(std::stoi(retry_after)));
    api.track("tiktok", "ava", "k1");
    CHECK(api.stats()["retry_after_violations"] == 0);
    api.get("/v2/whoami");  // at once, before the second 503's Retry-After
    CHECK(api.stats()["retry_after_violations"] == 1);
    CHECK(api.stats()["faults"]["503_retry_after"] == 3);
    CHECK(api.stats()["responses_5xx"] == 3);

    auto faults = sim::audit::AuditFaults{};
    faults.fault_503 = 1.0;
    faults.retry_after_share = 0.0;
    api.sim().set_faults(faults);
    CHECK(api.track("tiktok", "ava", "k1").header("Retry-After").empty());
    faults = sim::audit::AuditFaults{};
    faults.fault_500 = 1.0;
    api.sim().set_faults(faults);
    CHECK(audit_json(api.track("tiktok", "ava", "k1"))["code"] == "INTERNAL_ERROR");
    faults = sim::audit::AuditFaults{};
    faults.fault_drop_before = 1.0;
    api.sim().set_faults(faults);
    CHECK(api.track("tiktok", "ava", "k1").drop_connection);
    faults = sim::audit::AuditFaults{};
    faults.fault_malformed = 1.0;
    api.sim().set_faults(faults);
    for (int i = 0; i < 5; ++i) {
      response = api.track("tiktok", "ava", "k1");
      CHECK(response.status == 200);
      CHECK(Json::parse(response.body, nullptr, false).is_discarded());
    }
    CHECK(api.sim().accounts_named("Demo Agency", "tiktok", "ava").empty());
    CHECK(api.get("/v2/health").status == 200);  // never faulted
    CHECK(api.stats()["accounts_created"] == 0);
  }

  TEST_CASE("faults: a slow answer takes effect at once and is sent slow_delay later") {
    sim::audit::AuditConfig config;
    config.faults.fault_slow = 1.0;
    config.faults.slow_delay = 300ms;
    AuditDriver api(config);
    const sim::SimResponse slow = api.track("tiktok", "ava", "k1");
    CHECK(slow.status == 201);
    CHECK(slow.delay == 300ms);
    CHECK(api.sim().accounts_named("Demo Agency", "tiktok", "ava").size() == 1);
    CHECK(api.stats()["faults"]["slow"] == 1);
    const sim::SimRequest off{"POST", "/_sim/config", {}, R"({"fault_slow": 0})"};
    CHECK(api.sim().handle(off, api.now()).status == 200);
    CHECK(api.get("/v2/whoami").delay == 0ms);
  }

  TEST_CASE("same config, same requests: byte-identical answers; ids and metrics survive other orders") {
    sim::audit::AuditConfig config;
    config.faults.fault_500 = 0.3;
    config.faults.fault_503 = 0.3;
    AuditDriver one(config);
    AuditDriver two(config);
    for (int i = 0; i < 20; ++i) {
      const sim::SimResponse a = one.track("tiktok", "creator_" + std::to_string(i), "k" + std::to_string(i));
      const sim::SimResponse b = two.track("tiktok", "creator_" + std::to_string(i), "k" + std::to_string(i));
      CHECK(a.status == b.status);
      CHECK(a.body == b.body);
      CHECK(a.headers == b.headers);
    }
    AuditDriver forward;
    AuditDriver backward;
    const std::string ava = audit_json(forward.track("tiktok", "ava", "k1"))["data"]["id"];
    backward.track("tiktok", "ben", "k9");
    CHECK(audit_json(backward.track("tiktok", "ava", "k2"))["data"]["id"] == ava);
  }

  TEST_CASE("test endpoints: config changes the quota at run time; accounts and truth for the tests") {
    AuditDriver api;
    const auto admin = [&](const std::string& method, const std::string& target, const std::string& body) {
      return api.sim().handle(sim::SimRequest{method, target, {}, body}, api.now());
    };
    sim::SimResponse response = admin("POST", "/_sim/config", R"({"quota": 1, "fault_503": 0})");
    REQUIRE(response.status == 200);
    CHECK(audit_json(response)["quota"] == 1);
    CHECK(admin("POST", "/_sim/config", R"({"quota": "many"})").status == 400);
    CHECK(admin("POST", "/_sim/config", R"({"bogus": 1})").status == 400);
    CHECK(admin("POST", "/_sim/config", R"({"second_track": "duplicate"})").status == 200);
    CHECK(api.sim().config().second_track == sim::audit::SecondTrack::duplicate);
    REQUIRE(api.track("tiktok", "ava", "k1").status == 201);
    CHECK(audit_json(api.track("tiktok", "ben", "k2"))["code"] == "QUOTA_EXCEEDED");

    const Json accounts = audit_json(admin("GET", "/_sim/accounts?period=7d", ""));
    REQUIRE(accounts["accounts"].size() == 1);
    CHECK(accounts["accounts"][0]["username"] == "ava");
    CHECK(accounts["accounts"][0]["metrics"] == sim::audit::truth_metrics("tiktok", "ava", "7d"));
    CHECK(accounts["accounts"][0]["refreshed"] == false);
    CHECK(accounts["accounts"][0]["first_refresh_at_ms"] ==
          sim::audit::first_refresh_delay(api.sim().config(), "tiktok", "ava").count());
    const Json truth =
        audit_json(admin("GET", "/_sim/truth?platform=instagram&username=%40Ghost_1&period=90d", ""));
    CHECK(truth["exists"] == false);
    CHECK(truth["username"] == "ghost_1");
    CHECK(truth["metrics"] == sim::audit::truth_metrics("instagram", "ghost_1", "90d"));
    CHECK(admin("GET", "/_sim/truth?platform=youtube&username=a", "").status == 400);
    const Json stats = audit_json(admin("GET", "/_sim/stats", ""));
    CHECK(stats["total_requests"] == 2);  // /_sim/ requests are not counted
    CHECK(stats["requests_by_route"]["POST /v2/accounts"] == 2);
    CHECK(stats["organizations"]["Demo Agency"]["quota"] == 1);

    CHECK(audit_json(admin("POST", "/_sim/advance", R"({"ms": 7200000})"))["now_ms"] == 7200000);
    CHECK(audit_json(admin("GET", "/_sim/time", ""))["now_ms"] == 7200000);
    CHECK(admin("POST", "/_sim/advance", R"({"ms": -1})").status == 400);
    const Json later = audit_json(admin("GET", "/_sim/accounts", ""));
    CHECK(later["accounts"][0]["refreshed"] == true);  // the default refresh is at most 2 h
  }

  TEST_CASE("helpers: keys, cursors, usernames, config checks") {
    const auto key = sim::audit::parse_key_spec("ca_x:Acme:read-only");
    REQUIRE(key);
    CHECK(key->organization == "Acme");
    CHECK(key->state == sim::audit::KeyState::read_only);
    CHECK(sim::audit::parse_key_spec("ca_x:Acme")->state == sim::audit::KeyState::active);
    CHECK_FALSE(sim::audit::parse_key_spec("ca_x"));
    CHECK_FALSE(sim::audit::parse_key_spec("ca_x:Acme:sleepy"));

    const std::string cursor = sim::audit::encode_cursor(7, 11, 42);
    REQUIRE(sim::audit::decode_cursor(7, cursor));
    CHECK(sim::audit::decode_cursor(7, cursor)->sequence == 42);
    CHECK(sim::audit::decode_cursor(7, cursor)->fingerprint == 11);
    CHECK_FALSE(sim::audit::decode_cursor(8, cursor));
    std::string altered = cursor;
    altered[20] = altered[20] == '0' ? '1' : '0';
    CHECK_FALSE(sim::audit::decode_cursor(7, altered));

    CHECK(sim::audit::canonical_username("@Ava.Makes") == "ava.makes");
    CHECK_FALSE(sim::audit::username_problem("ava.makes_1"));
    CHECK(sim::audit::username_problem(""));
    CHECK(sim::audit::username_problem(std::string(31, 'a')));
    CHECK(sim::audit::if_none_match_matches("*", "\"a\""));

    sim::audit::AuditConfig config;
    CHECK(sim::audit::validate_config(config).empty());
    config.min_refresh = 3h;
    CHECK_FALSE(sim::audit::validate_config(config).empty());
    config = {};
    config.keys.push_back(config.keys.front());
    CHECK_FALSE(sim::audit::validate_config(config).empty());
  }
}
