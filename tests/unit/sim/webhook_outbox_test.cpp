#include "sim/webhook_outbox.hpp"

#include <doctest/doctest.h>

#include "sim/model.hpp"

namespace {

using namespace std::chrono_literals;

util::TimePoint outbox_test_at(util::Duration since_start) { return util::TimePoint{since_start}; }

sim::WebhookConfig outbox_test_config() {
  sim::WebhookConfig config;
  config.url = "http://127.0.0.1:1/creatorscore/webhook";
  config.secret = "whsec_test";
  return config;
}

}  // namespace

TEST_SUITE("sim::WebhookOutbox") {
  TEST_CASE("report: non-2xx is retried after 30 s, 1 m, 5 m, 30 m; five attempts in all, then given up") {
    sim::WebhookOutbox outbox(outbox_test_config(), 7);
    outbox.queue("score.completed", "job1", sim::Json{{"event", "score.completed"}}, outbox_test_at(0ms));
    util::TimePoint now = outbox_test_at(0ms);
    const std::vector<util::Duration> waits{30s, 1min, 5min, 30min};
    std::string delivery_id;
    for (int attempt = 1; attempt <= 5; ++attempt) {
      CAPTURE(attempt);
      if (attempt > 1) {
        CHECK(outbox.take_due(now + waits[attempt - 2] - 1ms).empty());
        now = now + waits[attempt - 2];
      }
      const auto due = outbox.take_due(now);
      REQUIRE(due.size() == 1);
      CHECK(due[0].attempt == attempt);
      if (attempt == 1) {
        delivery_id = due[0].delivery_id;
      }
      CHECK(due[0].delivery_id == delivery_id);
      CHECK(due[0].body == R"({"event":"score.completed"})");
      outbox.report(due[0], attempt % 2 == 0 ? 0 : 500, now);
    }
    CHECK(outbox.take_due(now + 24h).empty());
    const sim::Json stats = outbox.stats();
    CHECK(stats["attempts"] == 5);
    CHECK(stats["retries"] == 4);
    CHECK(stats["gave_up"] == 1);
    CHECK(stats["delivered"] == 0);
    CHECK(stats["attempts_by_status"]["500"] == 3);
    CHECK(stats["attempts_by_status"]["no_answer"] == 2);
    CHECK(stats["in_progress"] == 0);
  }

  TEST_CASE(
      "knobs: drop never sends, duplicate sends one more copy, bad_signature marks every attempt, delay") {
    auto config = outbox_test_config();
    config.drop = 1.0;
    sim::WebhookOutbox dropping(config, 7);
    dropping.queue("score.failed", "job1", sim::Json::object(), outbox_test_at(0ms));
    CHECK(dropping.take_due(outbox_test_at(24h)).empty());
    CHECK(dropping.stats()["dropped"] == 1);

    config = outbox_test_config();
    config.duplicate = 1.0;
    config.bad_signature = 0.0;
    config.delay = 2min;
    sim::WebhookOutbox duplicating(config, 7);
    duplicating.queue("score.completed", "job1", sim::Json::object(), outbox_test_at(0ms));
    CHECK(duplicating.take_due(outbox_test_at(2min - 1ms)).empty());
    auto due = duplicating.take_due(outbox_test_at(2min));
    REQUIRE(due.size() == 1);
    duplicating.report(due[0], 200, outbox_test_at(2min));
    const auto copy = duplicating.take_due(outbox_test_at(2min));
    REQUIRE(copy.size() == 1);
    CHECK(copy[0].duplicate_copy);
    CHECK(copy[0].delivery_id == due[0].delivery_id);
    CHECK(copy[0].body == due[0].body);
    duplicating.report(copy[0], 500, outbox_test_at(2min));  // a copy is never retried
    CHECK(duplicating.take_due(outbox_test_at(24h)).empty());
    CHECK(duplicating.stats()["duplicates_sent"] == 1);
    CHECK(duplicating.stats()["delayed"] == 1);

    config = outbox_test_config();
    config.bad_signature = 1.0;
    sim::WebhookOutbox forging(config, 7);
    forging.queue("score.completed", "job1", sim::Json::object(), outbox_test_at(0ms));
    due = forging.take_due(outbox_test_at(0ms));
    REQUIRE(due.size() == 1);
    CHECK(due[0].bad_signature);
    forging.report(due[0], 401, outbox_test_at(0ms));
    due = forging.take_due(outbox_test_at(30s));
    REQUIRE(due.size() == 1);
    CHECK(due[0].bad_signature);
    CHECK(forging.stats()["bad_signature_attempts"] == 2);
  }

  TEST_CASE("Simulator: a job's end queues one delivery of the vendor's body; a 2xx reports the job ended") {
    sim::SimConfig config;
    config.cached_percent = 0;
    config.min_job = 10min;
    config.max_job = 10min;
    config.webhooks = outbox_test_config();
    sim::Simulator model(config);
    sim::SimRequest request{
        "GET", "/api/v1/creators/tiktok/webhook_person", {{"X-API-Key", "sk_test_demo"}}, ""};
    const sim::SimResponse queued = model.handle(request, outbox_test_at(0ms));
    REQUIRE(queued.status == 202);
    CHECK(model.take_due_webhooks(outbox_test_at(10min - 1ms)).empty());
    const auto due = model.take_due_webhooks(outbox_test_at(10min));
    REQUIRE(due.size() == 1);
    const sim::Json body = sim::Json::parse(due[0].body);
    CHECK(body["event"] == "score.completed");
    CHECK(body["job_id"] == sim::Json::parse(queued.body)["job_id"]);
    CHECK(body["platform"] == "tiktok");
    CHECK(body["handle"] == "webhook_person");
    CHECK(body["creator"]["handle"] == "webhook_person");
    CHECK(body.contains("delivered_at"));
    model.webhook_answered(due[0], 200, outbox_test_at(10min + 1s));
    const sim::Json stats = model.stats_json(outbox_test_at(10min + 1s));
    CHECK(stats["webhooks"]["delivered"] == 1);
    CHECK(stats["jobs"][0]["first_reported_done_at_ms"] == (10min + 1s) / 1ms);
  }
}
