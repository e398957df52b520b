// The credit accounting rules of creatorscore-v1.md, as the client sees them (account balance,
// credits_charged, summaries) and as the simulator booked them (/_sim/stats).

#include <doctest/doctest.h>

#include "harness.hpp"

using namespace client_http;
using core::Platform;
using creatorscore::ItemOutcome;
using creatorscore::JobState;

TEST_SUITE("client_http: credits") {
  TEST_CASE("credits: a fresh score charges its platform's price once (youtube 3, twitch 2, tiktok 1); a cached "
            "one and a repeat while in flight are free; once scored it is cached for free") {
    SimProcess sim(k_scale, sim_flags({"--tenant", "sk_test_demo:Demo Agency:20"}));
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string yt = pick_handle(Platform::youtube, "price_yt_", false);
    const std::string tw = pick_handle(Platform::twitch, "price_tw_", false);
    const std::string tt = pick_handle(Platform::tiktok, "price_tt_", false);
    const std::string cached = pick_handle(Platform::youtube, "price_cached_", true);

    CHECK(balance_of(stack) == 20);
    struct Case {
      Platform platform;
      std::string handle;
      int price;
      long long balance_after;
    };
    std::vector<std::string> jobs;
    for (const Case& c : {Case{Platform::youtube, yt, 3, 17}, Case{Platform::twitch, tw, 2, 15},
                          Case{Platform::tiktok, tt, 1, 14}}) {
      CAPTURE(c.handle);
      auto item = stack.api().lookup({c.platform, c.handle});
      REQUIRE(item);
      CHECK(item->outcome == ItemOutcome::queued);
      CHECK(item->credits_charged == c.price);
      CHECK(balance_of(stack) == c.balance_after);
      jobs.push_back(item->job_id);
    }

    auto cached_item = stack.api().lookup({Platform::youtube, cached});
    REQUIRE(cached_item);
    CHECK(cached_item->outcome == ItemOutcome::cached);
    auto repeat = stack.api().submit_bulk({{Platform::youtube, yt}, {Platform::twitch, tw}, {Platform::tiktok, tt}});
    REQUIRE(repeat);
    CHECK(repeat->credits_spent == 0);
    CHECK(balance_of(stack) == 14);

    for (const std::string& id : jobs) {
      admin.wait_for_job_end(id);
    }
    auto done = stack.api().bulk_status(jobs);
    REQUIRE(done);
    for (const auto& job : *done) {
      CHECK(job.state == JobState::done);
    }
    auto again = stack.api().submit_bulk({{Platform::youtube, yt}, {Platform::twitch, tw}, {Platform::tiktok, tt}});
    REQUIRE(again);
    for (const auto& item : again->results) {
      CHECK(item.outcome == ItemOutcome::cached);
    }
    CHECK(again->credits_spent == 0);
    CHECK(again->credits_remaining == 14);

    json stats = admin.stats();
    CHECK(stats["credits_charged_by_creator"] == json{{creator_key(Platform::youtube, yt), 3},
                                                      {creator_key(Platform::twitch, tw), 2},
                                                      {creator_key(Platform::tiktok, tt), 1}});
    CHECK(stats["credits_charged_total"] == 6);
    CHECK(stats["credits_refunded_total"] == 0);
    CHECK(stats["balances"][k_key]["balance"] == 14);
  }

  TEST_CASE("credits: failed jobs are refunded, in a lookup and in a bulk, and the balance comes back") {
    SimProcess sim(k_scale, sim_flags({"--tenant", "sk_test_demo:Demo Agency:10", "--failure-rate", "0"}));
    Stack stack(sim);
    SimAdmin admin(sim);
    const std::string ok = pick_handle(Platform::twitch, "fine_", false);

    auto single = stack.api().lookup({Platform::youtube, "missing_person"});
    REQUIRE(single);
    REQUIRE(single->outcome == ItemOutcome::queued);
    auto bulk = stack.api().submit_bulk({{Platform::twitch, "ghost_streamer"}, {Platform::twitch, ok}});
    REQUIRE(bulk);
    CHECK(bulk->credits_spent == 4);
    CHECK(bulk->credits_remaining == 3);
    CHECK(balance_of(stack) == 3);

    for (const std::string& id : {single->job_id, bulk->results[0].job_id, bulk->results[1].job_id}) {
      admin.wait_for_job_end(id);
    }
    auto jobs = stack.api().bulk_status({single->job_id, bulk->results[0].job_id, bulk->results[1].job_id});
    REQUIRE(jobs);
    REQUIRE(jobs->size() == 3);
    CHECK((*jobs)[0].state == JobState::failed);
    CHECK((*jobs)[1].state == JobState::failed);
    CHECK((*jobs)[2].state == JobState::done);
    // 10 - 3 - 2 - 2 + 3 + 2: only the done score stays paid.
    CHECK(balance_of(stack) == 8);

    json stats = admin.stats();
    CHECK(stats["credits_charged_total"] == 7);
    CHECK(stats["credits_refunded_total"] == 5);
    CHECK(stats["credits_refunded_by_creator"] == json{{creator_key(Platform::youtube, "missing_person"), 3},
                                                       {creator_key(Platform::twitch, "ghost_streamer"), 2}});
    CHECK(stats["balances"][k_key]["balance"] == 8);
  }
}
