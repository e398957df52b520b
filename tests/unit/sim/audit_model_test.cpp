// sim::audit::Simulator (creatoraudit-sim's model): tracking with Idempotency-Key, 409, 422, the
// quota, listings and their cursors, one account with ETag, metrics and first refreshes.
#include <doctest/doctest.h>

#include <set>

#include "audit_test_support.hpp"
#include "sim/creatoraudit/accounts.hpp"

using sim::Json;
using test::audit_json;
using test::AuditDriver;
using namespace std::chrono_literals;

namespace {

sim::audit::AuditConfig quick_refresh() {
  sim::audit::AuditConfig config;
  config.min_refresh = 10min;
  config.max_refresh = 20min;
  config.listing_lag = 0s;
  return config;
}

std::string id_of(const sim::SimResponse& response) {
  return audit_json(response)["data"]["id"].get<std::string>();
}

}  // namespace

TEST_SUITE("sim::audit::Simulator accounts") {
  TEST_CASE("POST /accounts: 201 with the account; a replay of its key answers the same, creating nothing") {
    AuditDriver api;
    const sim::SimResponse created = api.track("tiktok", "@Ava.Makes", "key-1");
    REQUIRE(created.status == 201);
    const Json account = audit_json(created)["data"];
    CHECK(account["platform"] == "tiktok");
    CHECK(account["username"] == "ava.makes");
    CHECK(account["last_scrape_time"].is_null());
    CHECK(account["scrape_interval_hours"] == 24);
    CHECK(account["category"].is_null());
    CHECK(account["created_at"] == "2026-11-01T00:00:00Z");
    CHECK(account["id"].get<std::string>().size() == 36);
    CHECK(created.header("Location") == "/v2/accounts/" + account["id"].get<std::string>());

    api.advance(1h);
    const sim::SimResponse replay = api.track("tiktok", "@Ava.Makes", "key-1");
    CHECK(replay.status == 201);
    CHECK(replay.body == created.body);  // verbatim, last_scrape_time null as it was
    CHECK(replay.header("Idempotent-Replayed") == "true");
    CHECK(replay.header("X-Request-ID") != created.header("X-Request-ID"));
    const Json stats = api.stats();
    CHECK(stats["accounts_created"] == 1);
    CHECK(stats["idempotent_replays"] == 1);
    CHECK(stats["second_tracks"] == 0);
    CHECK(api.sim().accounts_named("Demo Agency", "tiktok", "AVA.makes").size() == 1);
  }

  TEST_CASE(
      "POST /accounts: a tracked username with a fresh key is 409 CONFLICT, counted as a second track") {
    AuditDriver api;
    REQUIRE(api.track("instagram", "ben.okafor", "k1").status == 201);
    const sim::SimResponse again = api.track("instagram", "@BEN.okafor", "k2");
    CHECK(again.status == 409);
    CHECK(again.header("Content-Type") == "application/problem+json");
    CHECK(audit_json(again)["code"] == "CONFLICT");
    CHECK(audit_json(again)["request_id"] == again.header("X-Request-ID"));
    CHECK(api.track("tiktok", "ben.okafor", "k3").status == 201);  // another platform, another account
    CHECK(api.stats()["second_tracks"] == 1);
    CHECK(api.stats()["duplicate_accounts"] == 0);
    // A 4xx is not kept: the key k2 is free for a later, different request.
    CHECK(api.track("instagram", "someone_else", "k2").status == 201);
  }

  TEST_CASE(
      "POST /accounts: --second-track existing answers 200 with it, duplicate creates a counted second") {
    sim::audit::AuditConfig config;
    config.second_track = sim::audit::SecondTrack::existing;
    AuditDriver api(config);
    const std::string first = id_of(api.track("tiktok", "dana", "k1"));
    const sim::SimResponse existing = api.track("tiktok", "Dana", "k2");
    CHECK(existing.status == 200);
    CHECK(id_of(existing) == first);
    CHECK(api.track("tiktok", "Dana", "k2").body == existing.body);  // a 2xx is kept and replayed

    config.second_track = sim::audit::SecondTrack::duplicate;
    AuditDriver lax(config);
    const std::string one = id_of(lax.track("tiktok", "dana", "k1"));
    const sim::SimResponse two = lax.track("tiktok", "dana", "k2");
    CHECK(two.status == 201);
    CHECK(id_of(two) != one);
    CHECK(lax.stats()["duplicate_accounts"] == 1);
    CHECK(lax.sim().accounts_named("Demo Agency", "tiktok", "dana").size() == 2);
  }

  TEST_CASE("POST /accounts: 422 VALIDATION_ERROR names the field; unknown usernames by prefix") {
    AuditDriver api;
    sim::SimResponse response = api.track("tiktok", "ghost_writer", "k1");
    CHECK(response.status == 422);
    Json body = audit_json(response);
    CHECK(body["code"] == "VALIDATION_ERROR");
    REQUIRE(body["errors"].size() == 1);
    CHECK(body["errors"][0]["field"] == "username");
    CHECK(body["errors"][0]["message"].get<std::string>().find("ghost_writer") != std::string::npos);
    CHECK(api.stats()["unknown_usernames"] == 1);
    CHECK(api.track("tiktok", "Missing_x", "k1").status == 422);
    CHECK(api.track("tiktok", "has space", "k1").status == 422);

    response = api.post("/v2/accounts", Json{{"platform", "youtube"}}, {{"Idempotency-Key", "k2"}});
    body = audit_json(response);
    REQUIRE(body["errors"].size() == 2);
    CHECK(body["errors"][0]["field"] == "platform");
    CHECK(body["errors"][1]["field"] == "username");
    CHECK(api.send("POST", "/v2/accounts", "{not json", {}).status == 400);
    CHECK(api.stats()["accounts_created"] == 0);

    sim::audit::AuditConfig config;
    config.missing_prefixes = {"nobody"};
    AuditDriver other(config);
    CHECK(other.track("tiktok", "ghost_writer", "k1").status == 201);
    CHECK(other.track("tiktok", "NobodyHere", "k2").status == 422);
  }

  TEST_CASE("POST /accounts: a key reused for another body is 422; a POST without a key is counted") {
    AuditDriver api;
    REQUIRE(api.track("tiktok", "ava", "k1").status == 201);
    const sim::SimResponse reused = api.track("tiktok", "ben", "k1");
    CHECK(reused.status == 422);
    CHECK(audit_json(reused)["errors"][0]["field"] == "Idempotency-Key");
    CHECK(api.stats()["idempotency_key_mismatches"] == 1);
    // The same JSON spelled differently is the same request.
    CHECK(api.send("POST", "/v2/accounts", R"({ "username": "ava", "platform": "tiktok" })",
                   {{"Idempotency-Key", "k1"}})
              .status == 201);
    CHECK(api.stats()["idempotent_replays"] == 1);
    CHECK(api.track("tiktok", "cleo", "").status == 201);
    CHECK(api.stats()["tracks_without_idempotency_key"] == 1);
  }

  TEST_CASE(
      "POST /accounts: the plan quota gives 403 QUOTA_EXCEEDED, not kept; raising it lets the key through") {
    sim::audit::AuditConfig config;
    config.quota = 2;
    config.tracked = {{"instagram", "already"}};
    AuditDriver api(config);
    REQUIRE(api.track("tiktok", "ava", "k1").status == 201);
    const sim::SimResponse refused = api.track("tiktok", "ben", "k2");
    CHECK(refused.status == 403);
    CHECK(audit_json(refused)["code"] == "QUOTA_EXCEEDED");
    CHECK(api.stats()["quota_exceeded"] == 1);
    CHECK(api.stats()["organizations"]["Demo Agency"]["accounts"] == 2);
    // A tracked account is still a 409, quota or not.
    CHECK(api.track("instagram", "already", "k3").status == 409);

    api.sim().set_quota(3);
    const sim::SimResponse later = api.track("tiktok", "ben", "k2");
    CHECK(later.status == 201);
    CHECK(later.header("Idempotent-Replayed").empty());
    CHECK(api.stats()["idempotent_replays"] == 0);
  }

  TEST_CASE("GET /accounts: pages in creation order; cursors are opaque and bound to their filters") {
    sim::audit::AuditConfig config = quick_refresh();
    config.other_accounts = 5;  // other_1 (instagram), other_2 (tiktok), ...
    AuditDriver api(config);
    sim::SimResponse page = api.get("/v2/accounts?limit=2");
    REQUIRE(page.status == 200);
    Json body = audit_json(page);
    CHECK(body["data"].size() == 2);
    CHECK(body["data"][0]["username"] == "other_1");
    CHECK(body["data"][0]["last_scrape_time"].is_string());  // pre-tracked accounts are refreshed
    CHECK(body["pagination"]["has_next"] == true);
    CHECK(body["pagination"]["limit"] == 2);
    CHECK_FALSE(body["pagination"].contains("total_count"));
    CHECK(body["filters"]["platform"].is_null());
    std::vector<std::string> names;
    std::string cursor = body["pagination"]["next_cursor"].get<std::string>();
    CHECK(cursor.find("other") == std::string::npos);
    while (true) {
      body = audit_json(api.get("/v2/accounts?limit=2&cursor=" + cursor));
      for (const Json& account : body["data"]) {
        names.push_back(account["username"].get<std::string>());
      }
      if (!body["pagination"]["has_next"].get<bool>()) {
        CHECK(body["pagination"]["next_cursor"].is_null());
        break;
      }
      cursor = body["pagination"]["next_cursor"].get<std::string>();
    }
    CHECK(names == std::vector<std::string>{"other_3", "other_4", "other_5"});

    body = audit_json(api.get("/v2/accounts?platform=instagram&limit=1"));
    CHECK(body["data"][0]["username"] == "other_1");
    CHECK(body["filters"]["platform"] == "instagram");
    cursor = body["pagination"]["next_cursor"].get<std::string>();
    CHECK(audit_json(api.get("/v2/accounts?platform=instagram&limit=1&cursor=" +
                             cursor))["data"][0]["username"] == "other_3");
    // The same cursor with another platform, or none, is refused.
    for (const std::string& target :
         {"/v2/accounts?platform=tiktok&cursor=" + cursor, "/v2/accounts?cursor=" + cursor,
          "/v2/accounts?platform=instagram&cursor=x" + cursor.substr(1)}) {
      const sim::SimResponse refused = api.get(target);
      CHECK(refused.status == 422);
      CHECK(audit_json(refused)["errors"][0]["field"] == "cursor");
    }
    CHECK(api.stats()["cursor_errors"] == 3);

    CHECK(api.get("/v2/accounts?limit=201").status == 422);
    CHECK(api.get("/v2/accounts?platform=youtube").status == 422);
    body = audit_json(api.get("/v2/accounts?include_total=true"));
    CHECK(body["pagination"]["total_count"] == 5);
    CHECK(body["pagination"]["limit"] == 50);
    CHECK(api.stats()["include_total_requests"] == 1);
  }

  TEST_CASE("GET /accounts: a new account shows only after the listing lag") {
    sim::audit::AuditConfig config;
    config.listing_lag = 5s;
    AuditDriver api(config);
    REQUIRE(api.track("tiktok", "ava", "k1").status == 201);
    CHECK(audit_json(api.get("/v2/accounts?platform=tiktok"))["data"].empty());
    api.advance(5s);
    CHECK(audit_json(api.get("/v2/accounts?platform=tiktok"))["data"].size() == 1);
  }

  TEST_CASE(
      "GET /accounts/{id}: ETag, 304 on If-None-Match until the first refresh, 404 across organizations") {
    sim::audit::AuditConfig config = quick_refresh();
    config.keys.push_back({"ca_other", "Other Org", sim::audit::KeyState::active});
    AuditDriver api(config);
    const std::string id = id_of(api.track("tiktok", "ava", "k1"));
    const sim::SimResponse first = api.get("/v2/accounts/" + id);
    REQUIRE(first.status == 200);
    const std::string etag = first.header("ETag");
    CHECK(etag.size() == 18);
    CHECK(etag.front() == '"');
    CHECK(audit_json(first)["data"]["last_scrape_time"].is_null());

    const sim::SimResponse unchanged = api.get("/v2/accounts/" + id, {{"If-None-Match", etag}});
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());
    CHECK(unchanged.header("ETag") == etag);
    CHECK(api.get("/v2/accounts/" + id, {{"If-None-Match", "\"nope\", W/" + etag}}).status == 304);
    CHECK(api.get("/v2/accounts/" + id, {{"If-None-Match", "\"nope\""}}).status == 200);
    CHECK(api.stats()["not_modified"] == 2);

    api.advance(20min);
    const sim::SimResponse refreshed = api.get("/v2/accounts/" + id, {{"If-None-Match", etag}});
    CHECK(refreshed.status == 200);
    CHECK(refreshed.header("ETag") != etag);
    CHECK(audit_json(refreshed)["data"]["last_scrape_time"].is_string());

    api.use_key("ca_other");
    CHECK(api.get("/v2/accounts/" + id).status == 404);
    CHECK(audit_json(api.get("/v2/accounts"))["data"].empty());
    CHECK(api.get("/v2/accounts/not-an-id").status == 404);
  }

  TEST_CASE(
      "first refresh: drawn per account within the bounds, from seed and account alone; then every "
      "interval") {
    sim::audit::AuditConfig config;
    config.min_refresh = 10min;
    config.max_refresh = 3h;
    std::set<std::int64_t> delays;
    for (int i = 0; i < 50; ++i) {
      const util::Duration delay =
          sim::audit::first_refresh_delay(config, "tiktok", "creator_" + std::to_string(i));
      CHECK(delay >= 10min);
      CHECK(delay <= 3h);
      delays.insert(delay.count());
    }
    CHECK(delays.size() > 40);
    sim::audit::AuditConfig reseeded = config;
    reseeded.seed = 2;
    CHECK(sim::audit::first_refresh_delay(config, "tiktok", "ava") ==
          sim::audit::first_refresh_delay(config, "tiktok", "ava"));
    CHECK(sim::audit::first_refresh_delay(config, "tiktok", "ava") !=
          sim::audit::first_refresh_delay(reseeded, "tiktok", "ava"));

    AuditDriver api(config);
    api.advance(7min);  // the delay counts from the track, whenever it comes
    const std::string id = id_of(api.track("tiktok", "ava", "k1"));
    const util::Duration delay = sim::audit::first_refresh_delay(config, "tiktok", "ava");
    api.advance(delay - 1ms);
    CHECK(audit_json(api.get("/v2/accounts/" + id))["data"]["last_scrape_time"].is_null());
    api.advance(1ms);
    const Json scraped = audit_json(api.get("/v2/accounts/" + id))["data"]["last_scrape_time"];
    api.advance(23h);
    CHECK(audit_json(api.get("/v2/accounts/" + id))["data"]["last_scrape_time"] == scraped);
    api.advance(1h);
    CHECK(audit_json(api.get("/v2/accounts/" + id))["data"]["last_scrape_time"] != scraped);
  }

  TEST_CASE("POST /accounts/metrics: truth for refreshed accounts, absent before, 422 naming an unknown id") {
    AuditDriver api(quick_refresh());
    const std::string ava = id_of(api.track("instagram", "ava", "k1"));
    const std::string ben = id_of(api.track("tiktok", "ben", "k2"));
    const Json request{{"period", "7d"}, {"account_ids", {ava, ben}}};
    Json body = audit_json(api.post("/v2/accounts/metrics", request));
    CHECK(body["data"].empty());
    CHECK(body["meta"]["period"] == "7d");

    api.advance(20min);
    api.advance(2 * 24h);
    body = audit_json(api.post("/v2/accounts/metrics", request));
    REQUIRE(body["data"].size() == 2);
    const Json& item = body["data"][0];
    CHECK(item["account_id"] == ava);
    CHECK(item["period"] == "7d");
    CHECK(item["end_date"] == "2026-11-02");
    CHECK(item["start_date"] == "2026-10-27");
    CHECK(body["meta"]["start_date"] == "2026-10-27");
    Json metrics = item;
    for (const char* name : {"account_id", "period", "start_date", "end_date"}) {
      metrics.erase(name);
    }
    CHECK(metrics == sim::audit::truth_metrics("instagram", "ava", "7d"));
    CHECK(item["saved_count"].is_number_integer());
    CHECK(body["data"][1]["saved_count"].is_null());
    CHECK(body["data"][1]["engagement_rate"].is_number());
    CHECK(sim::audit::truth_metrics("tiktok", "ben", "90d")["views"] !=
          sim::audit::truth_metrics("tiktok", "ben", "7d")["views"]);

    const sim::SimResponse unknown =
        api.post("/v2/accounts/metrics", Json{{"period", "30d"}, {"account_ids", {ava, "0000-nope", ben}}});
    CHECK(unknown.status == 422);
    const Json errors = audit_json(unknown)["errors"];
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]["field"] == "account_ids[1]");
    CHECK(errors[0]["message"].get<std::string>().find("0000-nope") != std::string::npos);

    Json too_many = Json::array();
    for (int i = 0; i < 201; ++i) {
      too_many.push_back(ava);
    }
    CHECK(api.post("/v2/accounts/metrics", Json{{"period", "30d"}, {"account_ids", too_many}}).status == 422);
    CHECK(api.post("/v2/accounts/metrics", Json{{"period", "1y"}, {"account_ids", {ava}}}).status == 422);
    CHECK(api.stats()["metrics_calls"] == 2);
    CHECK(api.stats()["metrics_ids_requested"] == 4);
  }

  TEST_CASE("POST /accounts/metrics: --unscraped-as-nulls lists a not yet refreshed account with nulls") {
    sim::audit::AuditConfig config = quick_refresh();
    config.unscraped_as_nulls = true;
    AuditDriver api(config);
    const std::string id = id_of(api.track("tiktok", "ava", "k1"));
    const Json body =
        audit_json(api.post("/v2/accounts/metrics", Json{{"period", "30d"}, {"account_ids", {id}}}));
    REQUIRE(body["data"].size() == 1);
    CHECK(body["data"][0]["views"].is_null());
    CHECK(body["data"][0]["followers"].is_null());
  }

  TEST_CASE("pre-tracked accounts: a share of the seed list, listed, refreshed, and 409 to a track") {
    sim::audit::AuditConfig config;
    for (int i = 0; i < 1000; ++i) {
      config.tracked.push_back({i % 2 == 0 ? "tiktok" : "instagram", "@Creator_" + std::to_string(i)});
    }
    config.tracked.push_back({"tiktok", "creator_0"});  // the same account twice counts once
    config.tracked_percent = 40;
    AuditDriver api(config);
    const auto tracked = api.sim().accounts_of("Demo Agency");
    CHECK(tracked.size() > 350);
    CHECK(tracked.size() < 450);
    for (const sim::audit::Account* account : tracked) {
      CHECK(sim::audit::kept_as_tracked(account->platform, account->username, 40));
      CHECK(account->pretracked);
    }
    const sim::audit::Account& first = *tracked.front();
    CHECK(api.track(first.platform, first.username, "k1").status == 409);
    const Json listed = audit_json(api.get("/v2/accounts?limit=200&platform=" + first.platform));
    CHECK(listed["data"][0]["username"] == first.username);
    CHECK(listed["data"][0]["last_scrape_time"].is_string());
  }

  TEST_CASE("parse_seed_accounts: platform,username lines; headers, comments and other platforms skipped") {
    const auto accounts = sim::audit::parse_seed_accounts(
        "platform,handle\n# comment\nTikTok, @ava ,extra\n\nyoutube,mrbeast\ninstagram,ben\r\nbroken\n");
    REQUIRE(accounts.size() == 2);
    CHECK(accounts[0].platform == "tiktok");
    CHECK(accounts[0].username == "@ava");
    CHECK(accounts[1].platform == "instagram");
    CHECK(accounts[1].username == "ben");
  }
}
