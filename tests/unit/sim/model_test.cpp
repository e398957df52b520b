// sim::Simulator: the five endpoints, accounting, jobs and creator payloads.
#include <doctest/doctest.h>

#include <set>

#include "sim/api_time.hpp"
#include "sim/model.hpp"
#include "sim_test_support.hpp"
#include "util/text.hpp"

using core::Platform;
using sim::Json;
using test::bulk_body;
using test::handle_where;
using test::json_of;
using test::SimDriver;
using namespace std::chrono_literals;

namespace {

sim::SimConfig config_with_balance(sim::Credits balance) {
  sim::SimConfig config;
  config.tenants = {{"sk_test_demo", "Demo Agency", balance}};
  return config;
}

sim::SimConfig two_tenants() {
  sim::SimConfig config;
  config.tenants = {{"sk_a", "Agency A", 100}, {"sk_b", "Agency B", 100}};
  return config;
}

}  // namespace

TEST_SUITE("sim::Simulator") {
  TEST_CASE("handle: GET /account shows tenant, balance and the per-platform price table") {
    SimDriver api;
    const sim::SimResponse response = api.get("/api/v1/account");
    REQUIRE(response.status == 200);
    CHECK(response.header("content-type") == "application/json");
    const Json body = json_of(response);
    CHECK(body["tenant"]["name"] == "Demo Agency");
    CHECK(body["tenant"]["id"].get<std::string>().starts_with("ten_"));
    CHECK(body["api_key"]["id"].get<std::string>().starts_with("key_"));
    CHECK(body["credits"]["balance"] == 1000);
    const Json& prices = body["pricing"]["per_platform_credits"];
    CHECK(prices.size() == 12);
    CHECK(prices["tiktok"] == 1);
    CHECK(prices["twitter"] == 1);
    CHECK(prices["x"] == 1);
    CHECK(prices["twitch"] == 2);
    CHECK(prices["kick"] == 2);
    CHECK(prices["youtube"] == 3);
    CHECK(body["pricing"]["cached_score_credits"] == 0);
    CHECK(body["pricing"]["cache_freshness_days"] == 30);
  }

  TEST_CASE("handle: 401 missing_api_key and invalid_api_key; header names are case-insensitive") {
    SimDriver api;
    sim::SimResponse response = api.get("/api/v1/account", "");
    CHECK(response.status == 401);
    CHECK(json_of(response) == Json{{"error", "missing_api_key"}, {"message", "Send your API key in the X-API-Key header."}});

    response = api.get("/api/v1/account", "sk_wrong");
    CHECK(response.status == 401);
    CHECK(json_of(response)["error"] == "invalid_api_key");
    CHECK(json_of(response)["message"] == "API key not found or revoked.");

    sim::SimRequest request{"GET", "/api/v1/account", {{"x-api-KEY", "sk_test_demo"}}, ""};
    CHECK(api.sim().handle(request, api.now()).status == 200);
  }

  TEST_CASE("handle: unknown paths are 404, wrong methods 405") {
    SimDriver api;
    CHECK(api.get("/api/v1/nothing").status == 404);
    CHECK(json_of(api.get("/api/v1/nothing"))["error"] == "not_found");
    CHECK(api.get("/elsewhere", "").status == 404);
    const sim::SimResponse response = api.get("/api/v1/creators/bulk");
    CHECK(response.status == 405);
    CHECK(response.header("Allow") == "POST");
    CHECK(api.post("/api/v1/account", Json::object()).status == 405);
  }

  TEST_CASE("handle: a pre-cached creator is served free with 200, include fields on request") {
    SimDriver api;
    const std::string handle = handle_where(Platform::tiktok, true);
    sim::SimResponse response = api.get("/api/v1/creators/tiktok/" + handle);
    REQUIRE(response.status == 200);
    Json body = json_of(response);
    CHECK(body["status"] == "cached");
    const Json creator = body["creator"];
    CHECK(creator["platform"] == "tiktok");
    CHECK(creator["handle"] == handle);
    CHECK(creator["score"].get<int>() >= 1);
    CHECK(creator["score"].get<int>() <= 100);
    CHECK(creator["agents"].size() == 7);
    CHECK(creator["knockouts"].is_array());
    CHECK(creator["public_profile_url"] == "https://creatorscore.io/profile/tiktok/" + handle);
    CHECK_FALSE(creator.contains("narrative"));
    CHECK(api.balance() == 1000);

    response = api.get("/api/v1/creators/tiktok/" + handle + "?include=narrative,velocity,risk_flags,detailed_analysis");
    body = json_of(response);
    CHECK(body["creator"]["narrative"].is_string());
    CHECK(body["creator"]["velocity"].contains("30d"));
    CHECK(body["creator"]["velocity"].contains("90d"));
    CHECK(body["creator"]["risk_flags"].size() <= 10);
    CHECK(body["creator"]["detailed_analysis"].is_object());
    Json without_includes = body["creator"];
    for (const char* field : {"narrative", "velocity", "risk_flags", "detailed_analysis"}) {
      without_includes.erase(field);
    }
    CHECK(without_includes == creator);
    CHECK(api.balance() == 1000);
  }

  TEST_CASE("handle: an uncached creator is queued with 202 and charged its platform's price") {
    SimDriver api;
    const std::string handle = handle_where(Platform::youtube, false);
    const sim::SimResponse response = api.get("/api/v1/creators/youtube/" + handle);
    REQUIRE(response.status == 202);
    const Json body = json_of(response);
    CHECK(body["status"] == "queued");
    const std::string job_id = body["job_id"].get<std::string>();
    CHECK(job_id.size() == 36);
    CHECK(body["poll_url"] == "/api/v1/jobs/" + job_id);
    CHECK(body["deduplicated"] == false);
    CHECK(body["credits_charged"] == 3);
    CHECK(body["eta_seconds"].get<std::int64_t>() > 0);
    CHECK(api.balance() == 997);
    const Json stats = api.stats();
    CHECK(stats["credits_charged_by_creator"]["youtube:" + handle] == 3);
  }

  TEST_CASE("handle: 400 unsupported_platform and invalid_handle charge nothing") {
    SimDriver api;
    sim::SimResponse response = api.get("/api/v1/creators/myspace/tom");
    CHECK(response.status == 400);
    CHECK(json_of(response) == Json{{"error", "unsupported_platform"}, {"message", "Platform 'myspace' is not supported."}});
    for (const std::string& target : std::vector<std::string>{"/api/v1/creators/tiktok/", "/api/v1/creators/tiktok", "/api/v1/creators/tiktok/a%20b",
                                     "/api/v1/creators/tiktok/a%2Fb", "/api/v1/creators/tiktok/a/b",
                                     "/api/v1/creators/tiktok/%40handle",
                                     "/api/v1/creators/tiktok/" + std::string(101, 'a')}) {
      CAPTURE(target);
      response = api.get(target);
      CHECK(response.status == 400);
      CHECK(json_of(response)["error"] == "invalid_handle");
    }
    CHECK(api.get("/api/v1/creators/tiktok/" + std::string(100, 'a')).status / 100 == 2);
    CHECK(api.balance() >= 999);
  }

  TEST_CASE("handle: single lookup 402 insufficient_credits when the balance cannot pay") {
    SimDriver api(config_with_balance(2));
    const sim::SimResponse response = api.get("/api/v1/creators/youtube/" + handle_where(Platform::youtube, false));
    CHECK(response.status == 402);
    CHECK(json_of(response)["error"] == "insufficient_credits");
    CHECK(api.balance() == 2);
    CHECK(api.get("/api/v1/creators/youtube/" + handle_where(Platform::youtube, true)).status == 200);
  }

  TEST_CASE("handle: bulk returns one result per item in order and a summary") {
    SimDriver api;
    const std::string cached = handle_where(Platform::instagram, true);
    const std::string fresh = handle_where(Platform::twitch, false);
    const sim::SimResponse response = api.post(
        "/api/v1/creators/bulk",
        bulk_body({{"instagram", cached}, {"twitch", fresh}, {"myspace", "tom"}, {"tiktok", "bad handle"}}));
    REQUIRE(response.status == 200);
    const Json body = json_of(response);
    const Json& results = body["results"];
    REQUIRE(results.size() == 4);
    CHECK(results[0]["status"] == "cached");
    CHECK(results[0]["platform"] == "instagram");
    CHECK(results[0]["handle"] == cached);
    CHECK(results[0]["creator"]["handle"] == cached);
    CHECK(results[1]["status"] == "queued");
    CHECK(results[1]["credits_charged"] == 2);
    CHECK(results[1]["deduplicated"] == false);
    CHECK(results[1]["job_id"].is_string());
    CHECK(results[1]["eta_seconds"].is_number_integer());
    CHECK(results[2]["status"] == "error");
    CHECK(results[2]["error"] == "unsupported_platform");
    CHECK(results[2]["platform"] == "myspace");
    CHECK(results[3]["error"] == "invalid_handle");
    CHECK(body["summary"] == Json{{"total", 4}, {"cached", 1}, {"queued", 1}, {"errored", 2}, {"credits_spent", 2},
                                  {"credits_remaining", 998}});
  }

  TEST_CASE("handle: bulk 400 invalid_request for malformed bodies and more than 100 items") {
    SimDriver api;
    Json big = Json::array();
    for (int i = 0; i < 101; ++i) {
      big.push_back(Json{{"platform", "tiktok"}, {"handle", "h" + std::to_string(i)}});
    }
    for (const std::string& body : std::vector<std::string>{std::string("{not json"), std::string("[]"), std::string("{}"),
                                   std::string(R"({"creators": []})"), std::string(R"({"creators": "tiktok"})"),
                                   std::string(R"({"creators": [{"platform": "tiktok"}]})"),
                                   std::string(R"({"creators": [{"platform": "tiktok", "handle": 5}]})"),
                                   std::string(R"({"creators": [7]})"), Json{{"creators", big}}.dump()}) {
      CAPTURE(body);
      const sim::SimResponse response = api.post_raw("/api/v1/creators/bulk", body);
      CHECK(response.status == 400);
      CHECK(json_of(response)["error"] == "invalid_request");
    }
    big.erase(big.size() - 1);
    CHECK(api.post("/api/v1/creators/bulk", Json{{"creators", big}}).status == 200);
    CHECK(api.stats()["jobs"].size() > 0);
  }

  TEST_CASE("handle: bulk refuses the item that cannot be paid and every later uncached one") {
    SimDriver api(config_with_balance(4));
    const std::string y1 = handle_where(Platform::youtube, false, 0);
    const std::string y2 = handle_where(Platform::youtube, false, 1);
    const std::string t1 = handle_where(Platform::tiktok, false, 0);
    const std::string c1 = handle_where(Platform::tiktok, true, 0);
    const Json body = json_of(api.post("/api/v1/creators/bulk", bulk_body({{"youtube", y1},
                                                                           {"youtube", y2},
                                                                           {"tiktok", c1},
                                                                           {"tiktok", t1}})));
    const Json& results = body["results"];
    CHECK(results[0]["status"] == "queued");
    CHECK(results[1]["status"] == "error");
    CHECK(results[1]["error"] == "insufficient_credits");
    CHECK(results[1]["message"] == "Balance too low for this item (needs 3 credits, 1 left).");
    CHECK(results[2]["status"] == "cached");
    // One credit is left and t1 costs one, but the batch already ran out: refused too.
    CHECK(results[3]["error"] == "insufficient_credits");
    CHECK(body["summary"]["credits_spent"] == 3);
    CHECK(body["summary"]["credits_remaining"] == 1);
    CHECK(body["summary"]["errored"] == 2);
    CHECK(api.balance() == 1);
  }

  TEST_CASE("handle: in-batch duplicates (case, twitter = x) are charged once and share the job") {
    SimDriver api;
    const std::string handle = handle_where(Platform::x, false, 0, "Jack_");
    const Json body = json_of(api.post("/api/v1/creators/bulk", bulk_body({{"twitter", handle},
                                                                           {"x", util::to_lower(handle)},
                                                                           {"X", "JACK_" + handle.substr(5)}})));
    const Json& results = body["results"];
    REQUIRE(results.size() == 3);
    CHECK(results[0]["status"] == "queued");
    CHECK(results[0]["deduplicated"] == false);
    CHECK(results[0]["credits_charged"] == 1);
    for (int i : {1, 2}) {
      CHECK(results[i]["status"] == "queued");
      CHECK(results[i]["job_id"] == results[0]["job_id"]);
      CHECK(results[i]["deduplicated"] == true);
      CHECK(results[i]["credits_charged"] == 0);
    }
    CHECK(results[0]["platform"] == "twitter");
    CHECK(results[1]["handle"] == util::to_lower(handle));
    CHECK(body["summary"]["credits_spent"] == 1);
    CHECK(api.balance() == 999);
    CHECK(api.stats()["credits_charged_by_creator"]["x:" + util::to_lower(handle)] == 1);
  }

  TEST_CASE("handle: a creator with a job in flight is deduplicated across requests at no charge") {
    SimDriver api;
    const std::string handle = handle_where(Platform::tiktok, false);
    const Json first = json_of(api.get("/api/v1/creators/tiktok/" + handle));
    api.advance(5min);
    const sim::SimResponse again = api.get("/api/v1/creators/TikTok/" + util::to_lower(handle));
    CHECK(again.status == 202);
    const Json second = json_of(again);
    CHECK(second["job_id"] == first["job_id"]);
    CHECK(second["deduplicated"] == true);
    CHECK(second["credits_charged"] == 0);
    const Json bulk = json_of(api.post("/api/v1/creators/bulk", bulk_body({{"tiktok", handle}})));
    CHECK(bulk["results"][0]["deduplicated"] == true);
    CHECK(bulk["summary"]["credits_spent"] == 0);
    CHECK(api.balance() == 999);
  }

  TEST_CASE("handle: dedup_within_batch_only charges a later request for a creator in flight again") {
    sim::SimConfig config;
    config.dedup_within_batch_only = true;
    SimDriver api(config);
    const std::string handle = handle_where(Platform::tiktok, false);
    const Json first =
        json_of(api.post("/api/v1/creators/bulk", bulk_body({{"tiktok", handle}, {"tiktok", handle}})));
    CHECK(first["results"][1]["deduplicated"] == true);  // inside one request: still one charge
    CHECK(first["summary"]["credits_spent"] == 1);
    api.advance(1min);
    const Json second = json_of(api.post("/api/v1/creators/bulk", bulk_body({{"tiktok", handle}})));
    CHECK(second["results"][0]["status"] == "queued");
    CHECK(second["results"][0]["deduplicated"] == false);
    CHECK(second["results"][0]["job_id"] != first["results"][0]["job_id"]);
    CHECK(second["summary"]["credits_spent"] == 1);
    CHECK(api.stats()["credits_charged_by_creator"]["tiktok:" + util::to_lower(handle)] == 2);
  }

  TEST_CASE("handle: a job goes queued, processing, done; then the creator is cached and free") {
    sim::SimConfig config;
    config.min_job = 20min;
    config.max_job = 20min;
    SimDriver api(config);
    const std::string handle = handle_where(Platform::instagram, false);
    const Json queued = json_of(api.get("/api/v1/creators/instagram/" + handle + "?include=narrative"));
    const std::string id = queued["job_id"].get<std::string>();

    sim::SimResponse response = api.get("/api/v1/jobs/" + id);
    CHECK(response.status == 202);
    Json body = json_of(response);
    CHECK(body["status"] == "queued");
    CHECK(body["progress"] == 0);
    CHECK(body["progress_message"] == "Waiting in queue");
    CHECK(body["created_at"] == "2026-11-01T00:00:00Z");

    api.advance(10min);
    body = json_of(api.get("/api/v1/jobs/" + id));
    CHECK(body["status"] == "processing");
    CHECK(body["progress"] == 50);
    api.advance(5min);
    const Json later = json_of(api.get("/api/v1/jobs/" + id));
    CHECK(later["progress"].get<int>() > body["progress"].get<int>());
    CHECK(later["progress"].get<int>() <= 99);

    api.advance(5min);
    response = api.get("/api/v1/jobs/" + id);
    CHECK(response.status == 200);
    body = json_of(response);
    CHECK(body["status"] == "done");
    CHECK(body["progress"] == 100);
    CHECK(body["completed_at"] == "2026-11-01T00:20:00Z");
    CHECK(body["creator"]["handle"] == handle);
    CHECK(body["creator"]["last_scored_at"] == "2026-11-01T00:20:00Z");
    CHECK(body["creator"]["narrative"].is_string());

    const sim::SimResponse cached = api.get("/api/v1/creators/instagram/" + handle);
    CHECK(cached.status == 200);
    CHECK(json_of(cached)["creator"] == [&] {
      Json c = body["creator"];
      c.erase("narrative");
      return c;
    }());
    CHECK(api.balance() == 999);
    const Json stats = api.stats();
    CHECK(stats["jobs"][0]["status"] == "done");
    CHECK(stats["jobs"][0]["completes_at_ms"] == 20 * 60 * 1000);
    CHECK(stats["jobs"][0]["first_reported_done_at_ms"] == 20 * 60 * 1000);
  }

  TEST_CASE("handle: missing_ and ghost_ creators fail with profile_unavailable and are refunded") {
    SimDriver api;
    const Json queued = json_of(api.post("/api/v1/creators/bulk", bulk_body({{"youtube", "missing_person"},
                                                                             {"tiktok", "Ghost_Writer"}})));
    CHECK(queued["summary"]["queued"] == 2);
    CHECK(api.balance() == 996);
    const Json stats_before = api.stats();
    CHECK(stats_before["jobs"][0]["first_reported_done_at_ms"].is_null());
    api.advance(90min);
    // The refund happens when the job fails, polled or not.
    CHECK(api.balance() == 1000);
    const sim::SimResponse response = api.get("/api/v1/jobs/" + queued["results"][0]["job_id"].get<std::string>());
    CHECK(response.status == 200);
    const Json body = json_of(response);
    CHECK(body["status"] == "failed");
    CHECK(body["error"] == "profile_unavailable");
    CHECK(body["failed_at"].is_string());
    CHECK(body["progress"].get<int>() < 100);
    CHECK_FALSE(body.contains("creator"));
    const Json stats = api.stats();
    CHECK(stats["credits_refunded_by_creator"]["youtube:missing_person"] == 3);
    CHECK(stats["credits_charged_by_creator"]["youtube:missing_person"] == 3);
    CHECK(stats["credits_refunded_total"] == 4);
    CHECK(stats["credits_charged_total"] == 4);
    // Failed is not cached: a new lookup is a new, charged job.
    CHECK(json_of(api.get("/api/v1/creators/youtube/missing_person"))["credits_charged"] == 3);
  }

  TEST_CASE("handle: failure_rate 1 fails every job and refunds it") {
    sim::SimConfig config;
    config.failure_rate = 1.0;
    SimDriver api(config);
    const Json queued = json_of(api.get("/api/v1/creators/tiktok/" + handle_where(Platform::tiktok, false)));
    api.advance(2h);
    const Json body = json_of(api.get("/api/v1/jobs/" + queued["job_id"].get<std::string>()));
    CHECK(body["status"] == "failed");
    CHECK(api.balance() == 1000);
  }

  TEST_CASE("handle: GET /jobs 404 not_found for unknown ids and for another tenant's job") {
    SimDriver api(two_tenants());
    sim::SimResponse response = api.get("/api/v1/jobs/00000000-0000-4000-8000-000000000000", "sk_a");
    CHECK(response.status == 404);
    CHECK(json_of(response) == Json{{"job_id", "00000000-0000-4000-8000-000000000000"},
                                    {"status", "not_found"},
                                    {"message", "No job with this id for this API key's tenant."}});
    const Json queued = json_of(api.get("/api/v1/creators/tiktok/" + handle_where(Platform::tiktok, false), "sk_a"));
    const std::string id = queued["job_id"].get<std::string>();
    CHECK(api.get("/api/v1/jobs/" + id, "sk_a").status == 202);
    CHECK(api.get("/api/v1/jobs/" + id, "sk_b").status == 404);
    const Json bulk = json_of(api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", {id}}}, "sk_b"));
    CHECK(bulk["jobs"][0]["status"] == "not_found");
    // Tenants do not share in-flight jobs: B pays for its own.
    const Json other = json_of(api.get("/api/v1/creators/tiktok/" + handle_where(Platform::tiktok, false), "sk_b"));
    CHECK(other["deduplicated"] == false);
    CHECK(other["job_id"] != id);
    CHECK(api.balance("sk_a") == 99);
    CHECK(api.balance("sk_b") == 99);
  }

  TEST_CASE("handle: POST /jobs/bulk-status reports every id in order with a summary") {
    SimDriver api;
    const Json queued = json_of(api.post("/api/v1/creators/bulk",
                                         bulk_body({{"tiktok", handle_where(Platform::tiktok, false, 0)},
                                                    {"tiktok", "missing_one"}})));
    const std::string ok = queued["results"][0]["job_id"].get<std::string>();
    const std::string doomed = queued["results"][1]["job_id"].get<std::string>();
    Json body = json_of(api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", {ok, doomed, "nope"}}}));
    CHECK(body["jobs"].size() == 3);
    CHECK(body["jobs"][2] == Json{{"job_id", "nope"}, {"status", "not_found"},
                                  {"message", "No job with this id for this API key's tenant."}});
    CHECK(body["summary"] == Json{{"total", 3}, {"done", 0}, {"in_flight", 2}, {"failed", 0}, {"not_found", 1}});
    api.advance(91min);
    const sim::SimResponse response = api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", {ok, doomed}}});
    CHECK(response.status == 200);
    body = json_of(response);
    CHECK(body["jobs"][0]["status"] == "done");
    CHECK(body["jobs"][0]["creator"].is_object());
    CHECK(body["jobs"][1]["status"] == "failed");
    CHECK(body["summary"] == Json{{"total", 2}, {"done", 1}, {"in_flight", 0}, {"failed", 1}, {"not_found", 0}});

    Json many = Json::array();
    for (int i = 0; i < 101; ++i) {
      many.push_back("id" + std::to_string(i));
    }
    CHECK(api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", many}}).status == 400);
    CHECK(api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", Json::array()}}).status == 400);
    CHECK(api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", {1, 2}}}).status == 400);
    CHECK(json_of(api.post_raw("/api/v1/jobs/bulk-status", "{"))["error"] == "invalid_request");
  }

  TEST_CASE("handle: zero_balance_402 answers whole requests with 402 at balance 0") {
    sim::SimConfig config = config_with_balance(0);
    SimDriver per_item(config);
    const Json body = json_of(per_item.post("/api/v1/creators/bulk",
                                            bulk_body({{"tiktok", handle_where(Platform::tiktok, false)}})));
    CHECK(body["results"][0]["error"] == "insufficient_credits");

    config.zero_balance_402 = true;
    SimDriver api(config);
    sim::SimResponse response =
        api.post("/api/v1/creators/bulk", bulk_body({{"tiktok", handle_where(Platform::tiktok, false)}}));
    CHECK(response.status == 402);
    CHECK(json_of(response) == Json{{"error", "insufficient_credits"},
                                    {"message", "Your credit balance is 0. Buy a credit pack to continue."}});
    CHECK(api.get("/api/v1/creators/tiktok/" + handle_where(Platform::tiktok, true)).status == 402);
    REQUIRE(api.sim().set_balance(test::k_demo_key, 5));
    CHECK(api.post("/api/v1/creators/bulk", bulk_body({{"tiktok", "abc"}})).status == 200);
  }

  TEST_CASE("handle: eta_seconds is non-negative and deliberately not the exact remaining time") {
    SimDriver api;
    int inexact = 0;
    for (int i = 0; i < 20; ++i) {
      const std::string handle = handle_where(Platform::tiktok, false, i);
      const Json queued = json_of(api.get("/api/v1/creators/tiktok/" + handle));
      const std::string id = queued["job_id"].get<std::string>();
      const Json stats = api.stats();
      const Json& job = stats["jobs"][static_cast<std::size_t>(i)];
      const std::int64_t remaining_s = (job["completes_at_ms"].get<std::int64_t>() - api.now().since_epoch.count()) / 1000;
      const std::int64_t eta = queued["eta_seconds"].get<std::int64_t>();
      CHECK(eta >= 0);
      CHECK(eta >= remaining_s * 70 / 100);
      CHECK(eta <= remaining_s * 140 / 100);
      inexact += eta != remaining_s ? 1 : 0;
    }
    CHECK(inexact == 20);
    api.advance(3h);
    CHECK(api.stats()["jobs"][0]["status"] == "done");
  }

  TEST_CASE("handle: payloads are deterministic per creator and show the first spelling") {
    SimDriver api;
    const std::string handle = handle_where(Platform::x, true, 0, "Some_Creator");
    const Json first = json_of(api.get("/api/v1/creators/twitter/" + handle))["creator"];
    const Json second = json_of(api.get("/api/v1/creators/x/" + util::to_lower(handle)))["creator"];
    CHECK(first == second);
    CHECK(first["platform"] == "x");
    CHECK(first["handle"] == handle);
    CHECK(first["public_profile_url"] == "https://creatorscore.io/profile/x/" + handle);

    SimDriver other;
    CHECK(json_of(other.get("/api/v1/creators/x/" + handle))["creator"] == first);
  }

  TEST_CASE("handle: about 1 in 15 display names start like a spreadsheet formula") {
    int formula_like = 0;
    int knockouts = 0;
    std::set<std::string> tiers;
    for (int i = 0; i < 3000; ++i) {
      const Json creator = sim::creator_payload(sim::make_creator_id(Platform::tiktok, "user" + std::to_string(i)),
                                                "user" + std::to_string(i), util::TimePoint{}, sim::Includes{});
      const char first = creator["display_name"].get<std::string>().front();
      formula_like += (first == '=' || first == '+' || first == '-' || first == '@') ? 1 : 0;
      knockouts += creator["knockouts"].empty() ? 0 : 1;
      tiers.insert(creator["tier"].get<std::string>());
      const int score = creator["score"].get<int>();
      const std::string tier = creator["tier"].get<std::string>();
      CHECK(tier == (score >= 80 ? "Excellent" : score >= 65 ? "Good" : score >= 50 ? "Fair" : "Poor"));
    }
    CHECK(formula_like > 3000 / 15 / 2);
    CHECK(formula_like < 3000 / 15 * 2);
    CHECK(knockouts > 100);
    CHECK(knockouts < 600);
    CHECK(tiers.size() == 4);
  }
}
