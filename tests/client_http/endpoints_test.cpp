// Every endpoint of creatorscore-v1.md through creatorscore::Client over real HTTP against a
// creatorscore-sim child process; the simulator's own counters confirm what reached it.

#include <doctest/doctest.h>

#include <cctype>

#include "creatorscore/decode.hpp"
#include "harness.hpp"

using namespace client_http;
using core::Platform;
using creatorscore::ItemOutcome;
using creatorscore::JobState;

namespace {

json parse(const std::string& text) {
  json document = json::parse(text, nullptr, false);
  REQUIRE(document.is_object());
  return document;
}

}  // namespace

TEST_SUITE("client_http: endpoints") {
  TEST_CASE("GET /account: tenant, key, balance and the per_platform_credits pricing shape") {
    SimProcess sim(k_scale, sim_flags({"--tenant", "sk_test_demo:Acme Talent:250"}));
    Stack stack(sim);
    SimAdmin admin(sim);

    auto account = stack.api().account();
    REQUIRE_MESSAGE(account, (account ? "" : account.error().message));
    CHECK(account->tenant_name == "Acme Talent");
    CHECK(account->tenant_id.rfind("ten_", 0) == 0);
    CHECK(account->key_id.rfind("key_", 0) == 0);
    CHECK(account->key_label == "Simulator key");
    CHECK(account->key_created_at == "2026-10-02T00:00:00Z");
    CHECK_FALSE(account->key_last_used_at.empty());
    CHECK(account->balance == 250);
    // The simulator serves the per-platform shape (the flat fresh_score_credits shape is not
    // simulated): every price comes from the account, none from the fallback table.
    CHECK(account->pricing.from_account);
    CHECK(account->pricing.fresh_credits.size() == core::k_all_platforms.size());
    CHECK(account->pricing.price(Platform::youtube) == 3);
    CHECK(account->pricing.price(Platform::twitch) == 2);
    CHECK(account->pricing.price(Platform::kick) == 2);
    CHECK(account->pricing.price(Platform::x) == 1);
    CHECK(account->pricing.price(Platform::tiktok) == 1);
    CHECK(account->cache_freshness_days == 30);

    REQUIRE(stack.exchanges().size() == 1);
    CHECK(stack.exchanges()[0].url == sim.base_url() + "/api/v1/account");
    CHECK(stack.exchanges()[0].status == 200);
    CHECK(stack.exchanges()[0].api_key_header == "***");
    json stats = admin.stats();
    CHECK(stats["requests_by_route"] == json{{"GET /api/v1/account", 1}});
    CHECK(stats["requests_by_status"] == json{{"200", 1}});
    CHECK(stats["credits_charged_total"] == 0);
  }

  TEST_CASE("GET /creators/{p}/{h}: a cached creator is 200 with its payload and the include fields, free") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string handle = pick_handle(Platform::tiktok, "Cached_Star", true);

    auto item = stack.api().lookup({Platform::tiktok, handle}, {"narrative", "velocity"});
    REQUIRE_MESSAGE(item, (item ? "" : item.error().message));
    CHECK(item->outcome == ItemOutcome::cached);
    CHECK(item->job_id.empty());
    CHECK(item->error_code.empty());
    const json creator = parse(item->creator_json);
    CHECK(creator["platform"] == "tiktok");
    CHECK(creator["handle"] == handle);
    CHECK(creator["score"].get<int>() >= 1);
    CHECK(creator["score"].get<int>() <= 100);
    CHECK(creator.contains("agents"));
    CHECK(creator.contains("narrative"));
    CHECK(creator.contains("velocity"));
    CHECK_FALSE(creator.contains("risk_flags"));

    REQUIRE(stack.exchanges().size() == 1);
    CHECK(stack.exchanges()[0].url ==
          sim.base_url() + "/api/v1/creators/tiktok/" + handle + "?include=narrative,velocity");
    json stats = admin.stats();
    CHECK(stats["requests_by_route"] == json{{"GET /api/v1/creators/{platform}/{handle}", 1}});
    CHECK(stats["requests_by_status"] == json{{"200", 1}});
    CHECK(stats["credits_charged_by_creator"] == json::object());
    CHECK(stats["balances"][k_key]["balance"] == 1000);
  }

  TEST_CASE("GET /creators/{p}/{h}: a fresh creator is 202 queued and charged once; a URL-encoded handle "
            "arrives intact; asking again while in flight is deduplicated and free") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    // '?', '#', '&', '=', '+', '%' and a non-ASCII letter: each must be percent-encoded in the path.
    const std::string handle = pick_handle(Platform::youtube, "Zo\xc3\xab+Co?&=#%_", false);

    auto first = stack.api().lookup({Platform::youtube, handle});
    REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
    CHECK(first->outcome == ItemOutcome::queued);
    CHECK(first->job_id.size() == 36);
    REQUIRE(first->eta.has_value());
    CHECK(first->eta->count() > 0);
    CHECK_FALSE(first->deduplicated);
    CHECK(first->credits_charged == 3);
    REQUIRE(stack.exchanges().size() == 1);
    CHECK(stack.exchanges()[0].status == 202);
    CHECK(stack.exchanges()[0].url.find("Zo%C3%AB%2BCo%3F%26%3D%23%25_") != std::string::npos);

    auto again = stack.api().lookup({Platform::youtube, handle});
    REQUIRE(again);
    CHECK(again->outcome == ItemOutcome::queued);
    CHECK(again->job_id == first->job_id);
    CHECK(again->deduplicated);
    CHECK(again->credits_charged == 0);

    json stats = admin.stats();
    const std::string key = creator_key(Platform::youtube, handle);
    CHECK(stats["requests_by_status"] == json{{"202", 2}});
    CHECK(stats["credits_charged_by_creator"] == json{{key, 3}});
    CHECK(stats["balances"][k_key]["balance"] == 997);
    REQUIRE(stats["jobs"].size() == 1);
    CHECK(stats["jobs"][0]["creator"] == key);

    // The finished job shows the handle exactly as sent: nothing was lost in the encoding.
    admin.wait_for_job_end(first->job_id);
    auto done = stack.api().job(first->job_id);
    REQUIRE(done);
    REQUIRE(done->state == JobState::done);
    CHECK(parse(done->creator_json)["handle"] == handle);
  }

  TEST_CASE("POST /creators/bulk: cached, queued and per-item errors in request order; in-batch duplicates "
            "(same spelling, other case) charged once") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string cached = pick_handle(Platform::instagram, "insta_", true);
    const std::string fresh_yt = pick_handle(Platform::youtube, "TubeFresh", false);
    const std::string fresh_tt = pick_handle(Platform::tiktok, "TokFresh", false);
    const std::string fresh_x = pick_handle(Platform::x, "jack", false);
    std::string upper_tt = fresh_tt;
    for (char& c : upper_tt) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }

    auto result = stack.api().submit_bulk({{Platform::instagram, cached},
                                           {Platform::youtube, fresh_yt},
                                           {Platform::tiktok, fresh_tt},
                                           {Platform::tiktok, upper_tt},
                                           {Platform::x, fresh_x},
                                           {Platform::x, fresh_x},
                                           {Platform::tiktok, "@leading_at"}});
    REQUIRE_MESSAGE(result, (result ? "" : result.error().message));
    const auto& r = result->results;
    REQUIRE(r.size() == 7);
    CHECK(r[0].outcome == ItemOutcome::cached);
    CHECK(r[0].handle == cached);
    CHECK(parse(r[0].creator_json)["platform"] == "instagram");

    CHECK(r[1].outcome == ItemOutcome::queued);
    CHECK(r[1].platform == "youtube");
    CHECK(r[1].credits_charged == 3);
    CHECK_FALSE(r[1].deduplicated);
    REQUIRE(r[1].eta.has_value());

    CHECK(r[2].outcome == ItemOutcome::queued);
    CHECK(r[2].credits_charged == 1);
    CHECK_FALSE(r[2].deduplicated);
    CHECK(r[3].outcome == ItemOutcome::queued);
    CHECK(r[3].handle == upper_tt);  // echoed as submitted
    CHECK(r[3].job_id == r[2].job_id);
    CHECK(r[3].deduplicated);
    CHECK(r[3].credits_charged == 0);

    CHECK(r[4].outcome == ItemOutcome::queued);
    CHECK(r[4].credits_charged == 1);
    CHECK(r[5].job_id == r[4].job_id);
    CHECK(r[5].deduplicated);
    CHECK(r[5].credits_charged == 0);

    CHECK(r[6].outcome == ItemOutcome::error);
    CHECK(r[6].error_code == "invalid_handle");
    CHECK_FALSE(r[6].message.empty());

    CHECK(result->credits_spent == 5);
    CHECK(result->credits_remaining == 995);

    json stats = admin.stats();
    CHECK(stats["requests_by_route"] == json{{"POST /api/v1/creators/bulk", 1}});
    CHECK(stats["requests_by_status"] == json{{"200", 1}});
    CHECK(stats["credits_charged_by_creator"] == json{{creator_key(Platform::youtube, fresh_yt), 3},
                                                      {creator_key(Platform::tiktok, fresh_tt), 1},
                                                      {creator_key(Platform::x, fresh_x), 1}});
    CHECK(stats["jobs"].size() == 3);
    CHECK(stats["balances"][k_key]["balance"] == 995);
  }

  TEST_CASE("POST /creators/bulk: a creator already in flight comes back deduplicated:true with its job, "
            "without a second charge") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string twitch = pick_handle(Platform::twitch, "streamer", false);
    const std::string tiktok = pick_handle(Platform::tiktok, "dancer", false);

    auto first = stack.api().submit_bulk({{Platform::twitch, twitch}, {Platform::tiktok, tiktok}});
    REQUIRE(first);
    REQUIRE(first->results.size() == 2);
    CHECK(first->credits_spent == 3);

    auto second = stack.api().submit_bulk({{Platform::tiktok, tiktok}, {Platform::twitch, twitch}});
    REQUIRE(second);
    REQUIRE(second->results.size() == 2);
    for (const auto& item : second->results) {
      CHECK(item.outcome == ItemOutcome::queued);
      CHECK(item.deduplicated);
      CHECK(item.credits_charged == 0);
    }
    CHECK(second->results[0].job_id == first->results[1].job_id);
    CHECK(second->results[1].job_id == first->results[0].job_id);
    CHECK(second->credits_spent == 0);
    CHECK(second->credits_remaining == 997);

    json stats = admin.stats();
    CHECK(stats["credits_charged_by_creator"] ==
          json{{creator_key(Platform::twitch, twitch), 2}, {creator_key(Platform::tiktok, tiktok), 1}});
    CHECK(stats["credits_charged_total"] == 3);
    CHECK(stats["jobs"].size() == 2);
    CHECK(stats["requests_by_status"] == json{{"200", 2}});
  }

  TEST_CASE("GET /jobs/{id}: 202 while in flight, 200 done with the creator, which is then cached for free") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string handle = pick_handle(Platform::kick, "kicker", false);

    auto queued = stack.api().lookup({Platform::kick, handle});
    REQUIRE(queued);
    REQUIRE(queued->outcome == ItemOutcome::queued);

    auto in_flight = stack.api().job(queued->job_id);
    REQUIRE_MESSAGE(in_flight, (in_flight ? "" : in_flight.error().message));
    CHECK((in_flight->state == JobState::queued || in_flight->state == JobState::processing));
    CHECK(in_flight->job_id == queued->job_id);
    REQUIRE(in_flight->eta.has_value());
    CHECK(in_flight->eta->count() > 0);
    REQUIRE(in_flight->progress.has_value());
    CHECK(*in_flight->progress < 100);
    CHECK(in_flight->creator_json.empty());
    CHECK(stack.exchanges().back().status == 202);

    admin.wait_for_job_end(queued->job_id);
    auto done = stack.api().job(queued->job_id);
    REQUIRE(done);
    CHECK(done->state == JobState::done);
    CHECK(done->progress == 100);
    CHECK_FALSE(done->completed_at.empty());
    const json creator = parse(done->creator_json);
    CHECK(creator["platform"] == "kick");
    CHECK(creator["handle"] == handle);
    CHECK(stack.exchanges().back().status == 200);

    // Scored now: the next lookup is served from the cache for nothing.
    auto cached = stack.api().lookup({Platform::kick, handle});
    REQUIRE(cached);
    CHECK(cached->outcome == ItemOutcome::cached);
    json stats = admin.stats();
    CHECK(stats["requests_by_route"] ==
          json{{"GET /api/v1/creators/{platform}/{handle}", 2}, {"GET /api/v1/jobs/{job_id}", 2}});
    CHECK(stats["requests_by_status"] == json{{"200", 2}, {"202", 2}});
    CHECK(stats["credits_charged_by_creator"] == json{{creator_key(Platform::kick, handle), 2}});
    CHECK(stats["balances"][k_key]["balance"] == 998);
  }

  TEST_CASE("GET /jobs/{id}: a failed job is 200 failed with its error, and its credits are refunded") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string handle = "missing_channel";

    auto queued = stack.api().lookup({Platform::youtube, handle});
    REQUIRE(queued);
    REQUIRE(queued->outcome == ItemOutcome::queued);
    CHECK(queued->credits_charged == 3);
    CHECK(admin.stats()["balances"][k_key]["balance"] == 997);

    admin.wait_for_job_end(queued->job_id);
    auto failed = stack.api().job(queued->job_id);
    REQUIRE_MESSAGE(failed, (failed ? "" : failed.error().message));
    CHECK(failed->state == JobState::failed);
    CHECK(failed->error == "profile_unavailable");
    CHECK(failed->creator_json.empty());
    CHECK(stack.exchanges().back().status == 200);

    CHECK(balance_of(stack) == 1000);
    json stats = admin.stats();
    const std::string key = creator_key(Platform::youtube, handle);
    CHECK(stats["credits_charged_by_creator"] == json{{key, 3}});
    CHECK(stats["credits_refunded_by_creator"] == json{{key, 3}});
    CHECK(stats["balances"][k_key]["balance"] == 1000);
  }

  TEST_CASE("GET /jobs/{id}: 404 not_found for an unknown id and for another tenant's job") {
    SimProcess sim(k_scale, sim_flags({"--tenant", "sk_test_demo:Demo Agency:1000", "--tenant",
                                       "sk_test_other:Other Agency:1000"}));
    Stack stack(sim);
    Stack other(sim, "sk_test_other");
    SimAdmin admin(sim);

    const std::string unknown = "00000000-0000-4000-8000-000000000000";
    auto missing = stack.api().job(unknown);
    REQUIRE_MESSAGE(missing, (missing ? "" : missing.error().message));
    CHECK(missing->state == JobState::not_found);
    CHECK(missing->job_id == unknown);
    CHECK(missing->error == "No job with this id for this API key's tenant.");
    CHECK(stack.exchanges().back().status == 404);

    auto theirs = other.api().lookup({Platform::tiktok, pick_handle(Platform::tiktok, "theirs", false)});
    REQUIRE(theirs);
    REQUIRE(theirs->outcome == ItemOutcome::queued);
    auto foreign = stack.api().job(theirs->job_id);
    REQUIRE(foreign);
    CHECK(foreign->state == JobState::not_found);
    CHECK(foreign->job_id == theirs->job_id);
    CHECK(stack.exchanges().back().status == 404);
    // The owner still sees it in flight.
    auto own = other.api().job(theirs->job_id);
    REQUIRE(own);
    CHECK((own->state == JobState::queued || own->state == JobState::processing));

    json stats = admin.stats();
    CHECK(stats["requests_by_status"] == json{{"202", 2}, {"404", 2}});
  }

  TEST_CASE("POST /jobs/bulk-status: done, failed, in flight and not_found in one call, with the summary") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string done_handle = pick_handle(Platform::tiktok, "done_", false);
    const std::string later_handle = pick_handle(Platform::tiktok, "later_", false);

    auto submitted = stack.api().submit_bulk({{Platform::tiktok, done_handle}, {Platform::tiktok, "ghost_account"}});
    REQUIRE(submitted);
    REQUIRE(submitted->results.size() == 2);
    const std::string done_id = submitted->results[0].job_id;
    const std::string failed_id = submitted->results[1].job_id;
    admin.wait_for_job_end(done_id);
    admin.wait_for_job_end(failed_id);
    auto later = stack.api().lookup({Platform::tiktok, later_handle});
    REQUIRE(later);
    const std::string flight_id = later->job_id;
    const std::string unknown = "ffffffff-ffff-4fff-bfff-ffffffffffff";
    const std::vector<std::string> ids = {done_id, failed_id, flight_id, unknown};

    auto jobs = stack.api().bulk_status(ids);
    REQUIRE_MESSAGE(jobs, (jobs ? "" : jobs.error().message));
    REQUIRE(jobs->size() == 4);
    CHECK((*jobs)[0].job_id == done_id);
    CHECK((*jobs)[0].state == JobState::done);
    CHECK(parse((*jobs)[0].creator_json)["handle"] == done_handle);
    CHECK((*jobs)[1].job_id == failed_id);
    CHECK((*jobs)[1].state == JobState::failed);
    CHECK((*jobs)[1].error == "profile_unavailable");
    CHECK((*jobs)[2].job_id == flight_id);
    CHECK(((*jobs)[2].state == JobState::queued || (*jobs)[2].state == JobState::processing));
    CHECK((*jobs)[2].eta.has_value());
    CHECK((*jobs)[3].job_id == unknown);
    CHECK((*jobs)[3].state == JobState::not_found);

    // The typed client drops the summary; the same request through the raw http::Client shows it.
    const http::Request raw{http::Method::post,
                            sim.base_url() + "/api/v1/jobs/bulk-status",
                            {{"X-API-Key", k_key}, {"Content-Type", "application/json"}},
                            json{{"job_ids", ids}}.dump()};
    auto response = stack.http().send(raw, [](const http::Response& r) { return creatorscore::is_json_object(r.body); });
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(parse(response->body)["summary"] ==
          json{{"total", 4}, {"done", 1}, {"in_flight", 1}, {"failed", 1}, {"not_found", 1}});

    json stats = admin.stats();
    CHECK(stats["requests_by_route"]["POST /api/v1/jobs/bulk-status"] == 2);
    CHECK(stats["balances"][k_key]["balance"] == 998);  // two tiktok scores paid, the failed one refunded
    CHECK(stats["credits_refunded_by_creator"] == json{{creator_key(Platform::tiktok, "ghost_account"), 1}});
  }
}
