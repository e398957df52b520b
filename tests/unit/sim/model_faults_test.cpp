// sim::Simulator: rate limiting, faults, determinism and the /_sim/ test endpoints.
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

TEST_SUITE("sim::Simulator") {
  TEST_CASE("hostile answers: done without a creator, one job id for a whole batch, formula text") {
    const std::string a = handle_where(Platform::tiktok, false, 0);
    const std::string b = handle_where(Platform::tiktok, false, 1);
    const std::string cached = handle_where(Platform::tiktok, true, 0);
    sim::SimConfig config;
    config.hostile.done_without_creator = true;
    config.hostile.reuse_job_ids = true;
    config.hostile.formula_text = true;
    SimDriver api(config);
    const Json submitted =
        json_of(api.post("/api/v1/creators/bulk", bulk_body({{"tiktok", a}, {"tiktok", cached}, {"tiktok", b}})));
    const Json& results = submitted["results"];
    const std::string job = results[0]["job_id"].get<std::string>();
    CHECK(job.front() == '=');
    CHECK(results[2]["job_id"] == job);                   // b is told a's job id
    CHECK(results[2]["credits_charged"] == 1);             // yet pays for a job of its own
    CHECK(api.stats()["credits_charged_total"] == 2);
    CHECK(results[1]["creator"]["score"] == "=1+1");       // formula text where a number belongs
    CHECK(results[1]["creator"]["followers"] == "1e999");
    CHECK(results[1]["creator"]["handle"] == cached);      // whom it is about is kept
    api.advance(91min);
    const Json jobs = json_of(api.post("/api/v1/jobs/bulk-status", Json{{"job_ids", {job}}}));
    CHECK(jobs["jobs"][0]["status"] == "done");
    CHECK(jobs["jobs"][0]["creator"].is_null());
    CHECK(json_of(api.get("/api/v1/jobs/" + job))["creator"].is_null());
  }

  TEST_CASE("handle: the 121st request in 60 s gets 429 with Retry-After; early returns are violations") {
    SimDriver api;
    for (int i = 0; i < 120; ++i) {
      REQUIRE(api.get("/api/v1/account").status == 200);
      api.advance(100ms);  // 120 requests over 12 s
    }
    // Now at 12 s: the first request (at 0 s) leaves the window at 60 s.
    sim::SimResponse response = api.get("/api/v1/account");
    CHECK(response.status == 429);
    CHECK(json_of(response)["error"] == "rate_limit_exceeded");
    CHECK(response.header("Retry-After") == "48");
    CHECK(api.stats()["retry_after_violations"] == 0);

    api.advance(10s);
    CHECK(api.get("/api/v1/account").status == 429);  // came back too early
    CHECK(api.stats()["retry_after_violations"] == 1);

    api.advance(38s);  // 60 s: the first slot has freed
    CHECK(api.get("/api/v1/account").status == 200);
    const Json stats = api.stats();
    CHECK(stats["responses_429"] == 2);
    CHECK(stats["retry_after_violations"] == 1);
    CHECK(stats["max_requests_in_window"][test::k_demo_key] == 122);
    CHECK(stats["requests_by_status"]["429"] == 2);
    CHECK(stats["requests_by_route"]["GET /api/v1/account"] == 123);
  }

  TEST_CASE("handle: Retry-After is at least 1 and errors count against the window") {
    sim::SimConfig config;
    config.rate_limit = 2;
    SimDriver api(config);
    CHECK(api.get("/api/v1/creators/myspace/x").status == 400);
    CHECK(api.get("/api/v1/jobs/unknown").status == 404);
    api.advance(59'999ms);
    const sim::SimResponse response = api.get("/api/v1/account");
    CHECK(response.status == 429);
    CHECK(response.header("retry-after") == "1");
    // Unknown keys have a window of their own.
    CHECK(api.get("/api/v1/account", "sk_other").status == 401);
  }

  TEST_CASE("handle: the same seed gives the same responses, another seed other job ids") {
    const auto run = [](std::uint64_t seed) {
      sim::SimConfig config;
      config.seed = seed;
      config.failure_rate = 0.3;
      config.faults.fault_500 = 0.2;
      SimDriver api(config);
      std::string transcript;
      for (int i = 0; i < 30; ++i) {
        const sim::SimResponse response =
            api.get("/api/v1/creators/twitch/" + handle_where(Platform::twitch, i % 3 == 0, i));
        transcript += std::to_string(response.status) + response.body + "\n";
        api.advance(7min);
      }
      return transcript;
    };
    CHECK(run(42) == run(42));
    CHECK(run(42) != run(43));
  }

  TEST_CASE("handle: faults answer 500, 503, a drop or a malformed body and never charge") {
    for (const char* kind : {"500", "503", "drop", "malformed"}) {
      CAPTURE(kind);
      sim::SimConfig config;
      std::string which = kind;
      config.faults.fault_500 = which == "500" ? 1.0 : 0.0;
      config.faults.fault_503 = which == "503" ? 1.0 : 0.0;
      config.faults.fault_drop = which == "drop" ? 1.0 : 0.0;
      config.faults.fault_malformed = which == "malformed" ? 1.0 : 0.0;
      SimDriver api(config);
      const std::string handle = handle_where(Platform::youtube, false);
      const sim::SimResponse single = api.get("/api/v1/creators/youtube/" + handle);
      const sim::SimResponse bulk = api.post("/api/v1/creators/bulk", bulk_body({{"youtube", handle}}));
      for (const sim::SimResponse* response : {&single, &bulk}) {
        if (which == "500") {
          CHECK(response->status == 500);
          CHECK(json_of(*response)["error"] == "queue_failed");
        } else if (which == "503") {
          CHECK(response->status == 503);
          CHECK(json_of(*response)["error"] == "auth_unavailable");
        } else if (which == "drop") {
          CHECK(response->drop_connection);
        } else {
          CHECK(response->status == 200);
          CHECK(Json::parse(response->body, nullptr, false).is_discarded());
        }
      }
      CHECK(api.balance() == 1000);
      const Json stats = api.stats();
      CHECK(stats["jobs"].empty());
      CHECK(stats["credits_charged_total"] == 0);
      CHECK(stats["faults"][which] == 2);
      // Faults come after authentication: a missing key is still a 401.
      CHECK(api.get("/api/v1/account", "").status == 401);

      api.sim().set_faults(sim::FaultConfig{});
      CHECK(api.get("/api/v1/creators/youtube/" + handle).status == 202);
      CHECK(api.balance() == 997);
    }
  }

  TEST_CASE("handle: fault_slow delays a normally processed response") {
    sim::SimConfig config;
    config.faults.fault_slow = 1.0;
    config.faults.slow_delay = 1500ms;
    SimDriver api(config);
    const sim::SimResponse response = api.get("/api/v1/creators/tiktok/" + handle_where(Platform::tiktok, false));
    CHECK(response.status == 202);
    CHECK(response.delay == 1500ms);
    CHECK(api.balance() == 999);
  }

  TEST_CASE("handle: fault_huge_body and fault_deep_json answer hostile 200s that change no state") {
    sim::SimConfig config;
    config.faults.fault_huge_body = 1.0;
    SimDriver api(config);
    const std::string handle = handle_where(Platform::tiktok, false);
    sim::SimResponse response = api.get("/api/v1/creators/tiktok/" + handle);
    CHECK(response.status == 200);
    CHECK(response.streamed_size == sim::k_huge_body_bytes);
    CHECK_FALSE(response.streamed_sized);
    CHECK(response.body == R"({"padding":")");
    CHECK(response.body_suffix == R"("})");

    CHECK(api.post("/_sim/config", Json{{"fault_huge_body", 0}, {"fault_deep_json", 1}, {"huge_body_sized", true}}, "")
              .status == 200);
    CHECK(api.sim().config().faults.huge_body_sized);
    response = api.get("/api/v1/creators/tiktok/" + handle);
    CHECK(response.status == 200);
    CHECK(response.streamed_size == 0);
    CHECK(response.body.size() == std::string(R"({"results":})").size() + 2 * sim::k_deep_json_levels);
    CHECK(response.body.starts_with(R"({"results":[[[)"));
    CHECK(response.body.ends_with("]]]}"));

    CHECK(api.balance() == 1000);
    const Json stats = api.stats();
    CHECK(stats["jobs"].empty());
    CHECK(stats["faults"] == Json{{"deep_json", 1}, {"huge_body", 1}});
  }

  TEST_CASE("handle: rate limiting is decided before faults, and a 429 is never a fault") {
    sim::SimConfig config;
    config.rate_limit = 1;
    config.faults.fault_503 = 1.0;
    SimDriver api(config);
    CHECK(api.get("/api/v1/account").status == 503);
    CHECK(api.get("/api/v1/account").status == 429);
  }

  TEST_CASE("handle: the /_sim/ endpoints report stats and time and change credits and config") {
    SimDriver api;
    api.advance(1234ms);
    CHECK(json_of(api.get("/_sim/time", "")) == Json{{"now_ms", 1234}});

    sim::SimResponse response = api.post("/_sim/credits", Json{{"key", "sk_test_demo"}, {"balance", 7}}, "");
    CHECK(response.status == 200);
    CHECK(api.balance() == 7);
    CHECK(api.post("/_sim/credits", Json{{"key", "nobody"}, {"balance", 7}}, "").status == 404);
    CHECK(api.post("/_sim/credits", Json{{"key", "sk_test_demo"}}, "").status == 400);

    response = api.post("/_sim/config", Json{{"fault_503", 1.0}, {"slow_delay", "3s"}, {"zero_balance_402", true}}, "");
    CHECK(response.status == 200);
    CHECK(json_of(response)["fault_503"] == 1.0);
    CHECK(json_of(response)["slow_delay_ms"] == 3000);
    CHECK(api.get("/api/v1/account").status == 503);
    CHECK(api.post("/_sim/config", Json{{"fault_503", 0}}, "").status == 200);
    CHECK(api.get("/api/v1/account").status == 200);
    CHECK(api.post("/_sim/config", Json{{"fault_503", 2}}, "").status == 400);
    CHECK(api.post("/_sim/config", Json{{"bogus", 1}}, "").status == 400);
    CHECK(api.sim().config().faults.fault_503 == 0.0);

    const Json stats = json_of(api.get("/_sim/stats", ""));
    for (const char* field : {"now_ms", "total_requests", "requests_by_route", "requests_by_status", "responses_429",
                              "retry_after_violations", "faults", "credits_charged_by_creator",
                              "credits_refunded_by_creator", "credits_charged_total", "credits_refunded_total",
                              "max_requests_in_window", "balances", "jobs"}) {
      CAPTURE(field);
      CHECK(stats.contains(field));
    }
    // Test endpoints are not API traffic.
    CHECK(stats["total_requests"] == 2);
    CHECK(stats["balances"]["sk_test_demo"] == Json{{"tenant", "Demo Agency"}, {"balance", 7}});
  }


  TEST_CASE("handle: every prefix of a request body or target gets an answer, never a throw") {
    SimDriver api;
    const std::string body = bulk_body({{"tiktok", "alix"}, {"youtube", "MrBeast"}}).dump();
    for (std::size_t n = 0; n <= body.size(); ++n) {
      const sim::SimResponse response = api.post_raw("/api/v1/creators/bulk", body.substr(0, n));
      CHECK((response.status == 200 || response.status == 400));
    }
    const std::string target = "/api/v1/creators/tiktok/%E2%9C%93x?include=narrative%2";
    for (std::size_t n = 0; n <= target.size(); ++n) {
      const sim::SimResponse response = api.get(target.substr(0, n));
      CHECK(response.status != 500);
      CHECK_FALSE(Json::parse(response.body, nullptr, false).is_discarded());
    }
    // Invalid UTF-8 in an echoed field still gives valid JSON.
    const sim::SimResponse response =
        api.post_raw("/api/v1/creators/bulk", "{\"creators\":[{\"platform\":\"my\xffspace\",\"handle\":\"a\"}]}");
    CHECK(response.status / 100 != 5);
  }
}

TEST_SUITE("sim::Simulator") {
  TEST_CASE("fault_429: a 429 with the configured Retry-After, nothing charged") {
    sim::SimConfig config;
    config.faults.fault_429 = 1.0;
    config.faults.fault_retry_after = 2h;
    SimDriver api(config);
    const sim::SimResponse response =
        api.post("/api/v1/creators/bulk", test::bulk_body({{"youtube", "fresh_one"}}));
    CHECK(response.status == 429);
    CHECK(json_of(response)["error"] == "rate_limit_exceeded");
    CHECK(response.header("Retry-After") == "7200");
    CHECK(api.balance() == 1000);
    CHECK(api.stats()["faults"]["429"] == 1);
  }

  TEST_CASE("echo_key: every error and message text ends with the caller's key") {
    sim::SimConfig config;
    config.faults.echo_key = true;
    SimDriver api(config);
    const sim::SimResponse refused = api.get("/api/v1/creators/myspace/x");
    CHECK(refused.status == 400);
    CHECK(json_of(refused)["error"].get<std::string>().ends_with("(key sk_test_demo)"));
    CHECK(json_of(refused)["message"].get<std::string>().ends_with("(key sk_test_demo)"));
    // A per-item error inside a 200.
    const Json submitted =
        json_of(api.post("/api/v1/creators/bulk", test::bulk_body({{"tiktok", "has space"}})));
    CHECK(submitted["results"][0]["error"].get<std::string>().find("sk_test_demo") != std::string::npos);
    // An answer with no such text is untouched.
    CHECK(api.get("/api/v1/account").body.find("sk_test_demo") == std::string::npos);
  }
}
