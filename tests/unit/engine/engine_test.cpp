#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "creatorscore/client.hpp"
#include "creatorscore/batch_planner.hpp"
#include "creatorscore/score_provider.hpp"
#include "engine/engine.hpp"
#include "creatorscore/poll_scheduler.hpp"
#include "http/client.hpp"
#include "sim/model.hpp"
#include "support/manual_clock.hpp"
#include "support/sim_stack.hpp"
#include "support/lookup_records.hpp"

using test::count_status;
using test::numbered_lookups;
using namespace std::chrono_literals;
using core::LookupStatus;

namespace {

// Records events so tests can check what a person would be told. With `watched` set, also checks
// every Progress it is given against the records counted afresh (the engine keeps its counts from
// the records each request touched).
struct RecordingObserver : engine::Observer {
  int batches = 0;
  int polls = 0;
  std::vector<std::string> warnings;
  const std::vector<state::LookupRecord>* watched = nullptr;
  int progress_checked = 0;
  int progress_wrong = 0;
  void on_batch(const engine::BatchEvent&, const engine::Progress& progress) override {
    ++batches;
    check(progress);
  }
  void on_poll_round(const engine::PollEvent&, const engine::Progress& progress) override {
    ++polls;
    check(progress);
  }
  void on_progress(const engine::Progress& progress) override { check(progress); }
  void on_warning(const std::string& message) override { warnings.push_back(message); }

  void check(const engine::Progress& p) {
    if (watched == nullptr) {
      return;
    }
    const auto& r = *watched;
    ++progress_checked;
    const bool right = p.unique == r.size() && p.cached == count_status(r, LookupStatus::cached) &&
                       p.scored == count_status(r, LookupStatus::scored) &&
                       p.failed == count_status(r, LookupStatus::failed) &&
                       p.not_found == count_status(r, LookupStatus::not_found) &&
                       p.errors == count_status(r, LookupStatus::error) + count_status(r, LookupStatus::invalid) &&
                       p.in_flight == count_status(r, LookupStatus::pending) &&
                       p.unsubmitted == count_status(r, LookupStatus::unsubmitted) &&
                       p.skipped == count_status(r, LookupStatus::skipped);
    if (!right) {
      ++progress_wrong;
    }
  }
};

// The whole stack on a virtual clock against the in-process simulator.
struct SimHarness : test::SimStack {
  explicit SimHarness(sim::SimConfig config = {}, std::size_t client_rate_limit = 120)
      : test::SimStack(std::move(config), client_rate_limit) {}

  engine::RunOutcome run(std::vector<state::LookupRecord>& records, creatorscore::ScoreRunConfig config = {}) {
    engine::Engine engine(clock, observer, config);
    creatorscore::ScoreProvider score(engine, api, store, clock, observer, config, records);
    score.set_stats_source([this] { return http_client.stats(); });
    auto outcome = creatorscore::run_alone(engine, score);
    progress = engine.progress();
    return outcome;
  }

  state::MemoryStore store;
  RecordingObserver observer;
  engine::Progress progress;
};

// The largest number of instants inside any half-open 60 s window.
std::size_t busiest_minute(std::vector<util::TimePoint> instants) {
  std::sort(instants.begin(), instants.end());
  std::size_t best = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < instants.size(); ++last) {
    while (instants[last] - instants[first] >= util::Duration(60s)) {
      ++first;
    }
    best = std::max(best, last - first + 1);
  }
  return best;
}

}  // namespace

TEST_SUITE("engine::Engine") {
  TEST_CASE("run: every lookup ends, each uncached creator charged exactly once") {
    SimHarness h;
    auto records = numbered_lookups(250);
    const auto outcome = h.run(records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(count_status(records, LookupStatus::cached) + count_status(records, LookupStatus::scored) == 250);
    const auto stats = h.stats();
    std::int64_t charged = 0;
    for (const auto& [creator, credits] : stats["credits_charged_by_creator"].items()) {
      CHECK(credits.get<int>() == 1);  // tiktok costs 1; more would mean a second charge
      charged += credits.get<int>();
    }
    CHECK(charged == static_cast<std::int64_t>(count_status(records, LookupStatus::scored)));
    CHECK(h.progress.credits_spent == charged);
    CHECK(h.transport.count("POST /api/v1/creators/bulk") == 3);  // ceil(250 / 100)
  }

  TEST_CASE("run: at most 100 creators per submit and 100 ids per poll") {
    SimHarness h;
    auto records = numbered_lookups(450);
    h.run(records);
    const auto stats = h.stats();
    // Every request the simulator saw was well-formed: no 400 invalid_request for size.
    CHECK(stats["requests_by_status"].value("400", 0) == 0);
    CHECK(h.transport.count("POST /api/v1/creators/bulk") == 5);
  }

  TEST_CASE("run: the limiter holds with thousands of lookups") {
    sim::SimConfig config;
    config.tenants = {{"sk_test_demo", "Demo", 100000}};
    config.min_job = 10min;
    config.max_job = 20min;
    SimHarness h(config);
    auto records = numbered_lookups(3000);
    const auto outcome = h.run(records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(busiest_minute(h.transport.sent_at()) <= 120);
    CHECK(h.stats()["responses_429"] == 0);
  }

  TEST_CASE("run: a job is polled no more often than its cadence, 60 s young and 5 min after 30 min") {
    sim::SimConfig config;
    config.cached_percent = 0;
    config.min_job = 80min;
    config.max_job = 80min;
    SimHarness h(config);
    auto records = numbered_lookups(1);
    const auto outcome = h.run(records);
    REQUIRE(outcome.ending == engine::RunOutcome::Ending::completed);
    std::vector<util::TimePoint> polls;
    for (std::size_t i = 0; i < h.transport.targets().size(); ++i) {
      if (h.transport.targets()[i] == "POST /api/v1/jobs/bulk-status") {
        polls.push_back(h.transport.sent_at()[i]);
      }
    }
    REQUIRE(polls.size() >= 2);
    REQUIRE(h.transport.targets()[0] == "POST /api/v1/creators/bulk");
    const util::TimePoint submitted = h.transport.sent_at()[0];
    for (std::size_t i = 1; i < polls.size(); ++i) {
      const util::Duration gap = polls[i] - polls[i - 1];
      const bool young = polls[i - 1] - submitted < util::Duration(30min);
      CHECK(gap >= (young ? util::Duration(60s) : util::Duration(5min)));
    }
    // Guided by the eta, an 80-minute job is asked about three times: at 60 s, which calibrates
    // its eta, once more before the end to pin the end down, and just after the end.
    CHECK(polls.size() <= 3);
    // So its end is seen within seconds, not one slow cadence tick later.
    const util::Duration lag = polls.back() - (util::TimePoint{} + util::Duration(80min));
    CHECK(lag >= util::Duration(0s));
    CHECK(lag <= creatorscore::k_end_margin + util::Duration(2s));
  }

  TEST_CASE("run: --max-credits shrinks batches and skips what does not fit") {
    sim::SimConfig config;
    config.cached_percent = 0;
    SimHarness h(config);
    auto records = numbered_lookups(4, core::Platform::youtube);  // 3 credits each, worst case 12
    creatorscore::ScoreRunConfig engine_config;
    engine_config.max_credits = 7;
    const auto outcome = h.run(records, engine_config);
    CHECK(count_status(records, LookupStatus::scored) == 2);
    CHECK(count_status(records, LookupStatus::skipped) == 2);
    CHECK(records[3].error == "budget_exhausted");
    CHECK(outcome.unsubmitted_left);
    CHECK(h.progress.credits_spent == 6);
  }

  TEST_CASE("run: insufficient credits mid-batch stops submitting, queued jobs are still collected") {
    sim::SimConfig config;
    config.cached_percent = 0;
    config.tenants = {{"sk_test_demo", "Demo", 3}};
    SimHarness h(config);
    auto records = numbered_lookups(5);
    const auto outcome = h.run(records);
    CHECK(count_status(records, LookupStatus::scored) == 3);
    CHECK(count_status(records, LookupStatus::skipped) == 2);
    CHECK(records[4].error == "insufficient_credits");
    CHECK(outcome.unsubmitted_left);
  }

  TEST_CASE("run: a 402 for the whole request skips the batch") {
    sim::SimConfig config;
    config.tenants = {{"sk_test_demo", "Demo", 0}};
    config.zero_balance_402 = true;
    SimHarness h(config);
    auto records = numbered_lookups(3);
    const auto outcome = h.run(records);
    CHECK(count_status(records, LookupStatus::skipped) == 3);
    CHECK(outcome.unsubmitted_left);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
  }

  TEST_CASE("run: failed jobs are final and refunded") {
    sim::SimConfig config;
    config.cached_percent = 0;
    SimHarness h(config);
    auto records = numbered_lookups(2, core::Platform::tiktok, "missing_");
    h.run(records);
    CHECK(count_status(records, LookupStatus::failed) == 2);
    CHECK(records[0].credits_refunded == 1);
    CHECK(h.progress.credits_refunded == 2);
  }

  TEST_CASE("run: the deadline stops waiting and keeps pending jobs") {
    sim::SimConfig config;
    config.cached_percent = 0;
    config.min_job = 60min;
    config.max_job = 90min;
    SimHarness h(config);
    auto records = numbered_lookups(5);
    creatorscore::ScoreRunConfig engine_config;
    engine_config.deadline = 20min;
    const auto outcome = h.run(records, engine_config);
    CHECK(outcome.ending == engine::RunOutcome::Ending::deadline);
    CHECK(count_status(records, LookupStatus::pending) == 5);
    CHECK(h.clock.now() - util::TimePoint{} <= util::Duration(20min) + util::Duration(1s));
  }

  TEST_CASE("run: a stop request ends it as interrupted") {
    sim::SimConfig config;
    config.cached_percent = 0;
    SimHarness h(config);
    auto records = numbered_lookups(5);
    h.clock.stop_at(util::TimePoint{} + util::Duration(5min));
    const auto outcome = h.run(records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::interrupted);
    CHECK(count_status(records, LookupStatus::pending) == 5);
  }

  TEST_CASE("run: a resumed run polls the jobs it holds and never resubmits them") {
    sim::SimConfig config;
    config.cached_percent = 0;
    SimHarness h(config);
    auto records = numbered_lookups(10);
    h.clock.stop_at(util::TimePoint{} + util::Duration(2min));
    h.run(records);
    REQUIRE(count_status(records, LookupStatus::pending) == 10);
    REQUIRE(h.transport.count("POST /api/v1/creators/bulk") == 1);

    // The same records, as a later invocation loads them from the state file, finish the run.
    h.clock.clear_stop();
    const auto outcome = h.run(records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(count_status(records, LookupStatus::scored) == 10);
    CHECK(h.transport.count("POST /api/v1/creators/bulk") == 1);
    CHECK(h.stats()["credits_charged_total"] == 10);
  }

  TEST_CASE("run: --include fetches the extra fields once the score is in") {
    SimHarness h;
    auto records = numbered_lookups(3);
    creatorscore::ScoreRunConfig engine_config;
    engine_config.include = {"narrative"};
    h.run(records, engine_config);
    for (const auto& record : records) {
      CHECK(record.include_fetched);
      CHECK(record.creator_json.find("\"narrative\"") != std::string::npos);
    }
  }

  TEST_CASE("run: a rejected key ends the run with exit 77") {
    SimHarness h;
    creatorscore::Client wrong(h.http_client, "http://127.0.0.1:1", "sk_wrong");
    engine::Engine engine(h.clock, h.observer, {});
    auto records = numbered_lookups(2);
    creatorscore::ScoreProvider score(engine, wrong, h.store, h.clock, h.observer, {}, records);
    const auto outcome = creatorscore::run_alone(engine, score);
    CHECK(outcome.ending == engine::RunOutcome::Ending::fatal);
    CHECK(outcome.fatal_code == core::ExitCode::key_rejected);
  }
}

TEST_SUITE("engine::Engine progress") {
  // Statuses every way a run changes them: cached, scored, failed, per-item errors, skipped for
  // the budget or for credits, a resumed run's skipped lookups submitted again, --include.
  TEST_CASE("progress: every report counts the records as they are at that moment") {
    sim::SimConfig config;
    config.cached_percent = 30;
    config.tenants = {{"sk_test_demo", "Demo", 24}};
    SimHarness h(config);
    auto records = numbered_lookups(3, core::Platform::tiktok, "missing_");  // their jobs fail
    auto rest = numbered_lookups(60);
    records.insert(records.end(), rest.begin(), rest.end());
    records.push_back(numbered_lookups(1, core::Platform::tiktok, "bad handle!")[0]);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].index = i;
    }
    h.observer.watched = &records;
    creatorscore::ScoreRunConfig engine_config;
    engine_config.batch_size = 7;
    engine_config.max_credits = 20;
    engine_config.include = {"narrative"};
    h.run(records, engine_config);
    REQUIRE(count_status(records, LookupStatus::skipped) > 0);
    CHECK(count_status(records, LookupStatus::failed) > 0);
    CHECK(count_status(records, LookupStatus::cached) > 0);

    // Resumed with a budget that runs out of credits at the API instead.
    engine_config.max_credits.reset();
    h.run(records, engine_config);
    CHECK(std::any_of(h.observer.warnings.begin(), h.observer.warnings.end(),
                      [](const std::string& w) { return w.starts_with("out of credits"); }));
    CHECK(count_status(records, LookupStatus::skipped) > 0);
    CHECK(h.observer.progress_checked > 100);
    CHECK(h.observer.progress_wrong == 0);
  }
}

TEST_SUITE("creatorscore::plan_batch") {
  TEST_CASE("plan_batch: a dear lookup is passed over for cheaper ones behind it") {
    auto records = numbered_lookups(3);
    records[0].platform = core::Platform::youtube;
    const auto plan = creatorscore::plan_batch(records, creatorscore::Pricing::vendor_table(), 100, 2);
    CHECK(plan.indices == std::vector<std::size_t>{1, 2});
    CHECK(plan.worst_case == 2);
    CHECK_FALSE(creatorscore::plan_batch(records, creatorscore::Pricing::vendor_table(), 100, 0).indices.size());
    CHECK(creatorscore::plan_batch(records, creatorscore::Pricing::vendor_table(), 100, 0).budget_exhausted);
  }

  TEST_CASE("plan_batch: starts at `from` and says where the first unsubmitted lookup is") {
    auto records = numbered_lookups(6);
    records[0].status = LookupStatus::pending;
    records[1].status = LookupStatus::cached;
    records[4].status = LookupStatus::error;
    const auto pricing = creatorscore::Pricing::vendor_table();
    const auto from_start = creatorscore::plan_batch(records, pricing, 2, std::nullopt);
    CHECK(from_start.indices == std::vector<std::size_t>{2, 3});
    CHECK(from_start.first_waiting == 2);
    const auto later = creatorscore::plan_batch(records, pricing, 100, std::nullopt, 3);
    CHECK(later.indices == std::vector<std::size_t>{3, 5});
    CHECK(later.first_waiting == 3);
    records[0].platform = core::Platform::youtube;  // too dear for the budget, still waiting
    records[0].status = LookupStatus::unsubmitted;
    const auto passed_over = creatorscore::plan_batch(records, pricing, 100, 1);
    CHECK(passed_over.indices == std::vector<std::size_t>{2});
    CHECK(passed_over.first_waiting == 0);
    const auto none = creatorscore::plan_batch(records, pricing, 100, std::nullopt, 6);
    CHECK(none.indices.empty());
    CHECK(none.first_waiting == 6);
    CHECK_FALSE(none.budget_exhausted);
  }
}
