#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "sim/http_server.hpp"
#include "sim/model.hpp"
#include "sim/webhook_sender.hpp"
#include "webhook/listener.hpp"

namespace {

using namespace std::chrono_literals;

constexpr const char* k_sender_test_secret = "whsec_sender_test";

// Answers 503 to the first `failures` deliveries it is handed, then stores; counts attempts per job.
class FlakySink : public webhook::DeliverySink {
 public:
  explicit FlakySink(int failures) : m_failures_left(failures) {}

  webhook::SinkVerdict deliver(const webhook::Delivery& delivery) override {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_attempts.push_back(delivery.attempt);
    if (m_failures_left > 0) {
      --m_failures_left;
      return webhook::SinkVerdict::failed;
    }
    m_stored.push_back(delivery);
    return webhook::SinkVerdict::stored;
  }

  std::vector<int> attempts() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_attempts;
  }
  std::vector<webhook::Delivery> stored() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_stored;
  }

 private:
  mutable std::mutex m_mutex;
  int m_failures_left;
  std::vector<int> m_attempts;
  std::vector<webhook::Delivery> m_stored;
};

// A simulator whose one job (a 1-minute fresh score) ends at once at time scale 600 (a second of
// real time is ten minutes of API time), sending its deliveries to `listener_port`.
struct SenderRig {
  sim::Simulator model;
  sim::HttpServer server;
  sim::WebhookSender sender;

  SenderRig(int listener_port, sim::WebhookConfig webhooks)
      : model(config_with(webhooks)),
        server(model, sim::ServerOptions{600.0}),
        sender(model, server,
               *sim::parse_webhook_url("http://127.0.0.1:" + std::to_string(listener_port) +
                                       webhook::k_webhook_path),
               webhooks.secret) {}

  static sim::SimConfig config_with(sim::WebhookConfig webhooks) {
    sim::SimConfig config;
    config.cached_percent = 0;
    config.min_job = 1min;
    config.max_job = 1min;
    config.webhooks = std::move(webhooks);
    return config;
  }

  std::string submit(const std::string& handle) {
    std::string job_id;
    server.with_model([&](util::TimePoint now) {
      const sim::SimResponse response = model.handle(
          sim::SimRequest{"GET", "/api/v1/creators/tiktok/" + handle, {{"X-API-Key", "sk_test_demo"}}, ""},
          now);
      job_id = sim::Json::parse(response.body).value("job_id", "");
    });
    return job_id;
  }

  sim::Json webhook_stats() {
    sim::Json stats;
    server.with_model([&](util::TimePoint now) { stats = model.stats_json(now)["webhooks"]; });
    return stats;
  }
};

sim::WebhookConfig sender_test_webhooks(int port) {
  sim::WebhookConfig webhooks;
  webhooks.url = "http://127.0.0.1:" + std::to_string(port) + webhook::k_webhook_path;
  webhooks.secret = k_sender_test_secret;
  return webhooks;
}

// Waits up to 30 s of real time (a loaded machine) for `done`.
template <typename Done>
bool sender_test_wait_for(Done done) {
  for (int i = 0; i < 3000; ++i) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

}  // namespace

TEST_SUITE("sim::WebhookSender") {
  TEST_CASE("deliveries arrive signed, and a non-2xx answer is retried with the next attempt number") {
    FlakySink sink(2);
    auto listener = webhook::Listener::start({}, *webhook::Secret::from(k_sender_test_secret), sink);
    REQUIRE(listener.has_value());
    const int port = (*listener)->port();
    SenderRig rig(port, sender_test_webhooks(port));
    const std::string job_id = rig.submit("sender_person");
    REQUIRE_FALSE(job_id.empty());
    rig.sender.start();
    // Attempts 1 and 2 are answered 503; attempt 3 (30 s + 1 m of API time later: 0.1 s real) stored.
    REQUIRE(sender_test_wait_for([&] { return !sink.stored().empty(); }));
    rig.sender.stop();
    CHECK(sink.attempts() == std::vector<int>{1, 2, 3});
    const auto stored = sink.stored();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].event.job.job_id == job_id);
    CHECK(stored[0].event.job.state == creatorscore::JobState::done);
    const auto counters = (*listener)->counters();
    CHECK(counters.rejected_total() == 2);  // the two 503s (sink_failed); no signature was wrong
    CHECK(counters.accepted == 1);
    const sim::Json stats = rig.webhook_stats();
    CHECK(stats["attempts"] == 3);
    CHECK(stats["retries"] == 2);
    CHECK(stats["delivered"] == 1);
    CHECK(stats["attempts_by_status"]["503"] == 2);
    CHECK(stats["attempts_by_status"]["200"] == 1);
  }

  TEST_CASE(
      "bad signatures are refused (401) on every attempt, nothing stored; duplicates are counted as such") {
    FlakySink sink(0);
    auto listener = webhook::Listener::start({}, *webhook::Secret::from(k_sender_test_secret), sink);
    REQUIRE(listener.has_value());
    const int port = (*listener)->port();
    auto forged = sender_test_webhooks(port);
    forged.bad_signature = 1.0;
    SenderRig forging(port, forged);
    REQUIRE_FALSE(forging.submit("forged_person").empty());
    forging.sender.start();
    // Five attempts over 30 s + 1 m + 5 m + 30 m of API time: about 3.7 s of real time at 600x.
    REQUIRE(sender_test_wait_for([&] { return forging.webhook_stats()["gave_up"] == 1; }));
    forging.sender.stop();
    CHECK(sink.attempts().empty());
    CHECK(forging.webhook_stats()["bad_signature_attempts"] == 5);
    CHECK(forging.webhook_stats()["attempts_by_status"]["401"] == 5);
    const auto after_forgery = (*listener)->counters();
    CHECK(after_forgery.rejected.at(webhook::RejectReason::signature) == 5);

    auto doubled = sender_test_webhooks(port);
    doubled.duplicate = 1.0;
    SenderRig duplicating(port, doubled);
    REQUIRE_FALSE(duplicating.submit("doubled_person").empty());
    duplicating.sender.start();
    REQUIRE(sender_test_wait_for([&] { return (*listener)->counters().duplicated == 1; }));
    duplicating.sender.stop();
    CHECK(sink.stored().size() == 1);
    CHECK(duplicating.webhook_stats()["duplicates_sent"] == 1);
  }
}
