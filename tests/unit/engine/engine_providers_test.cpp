// The generic run loop through fake providers (as ninja tests its Builder through a fake
// CommandRunner): overlapping waits, round-robin turns, a fatal provider stopping alone, the
// deadline and a stop ending all, every wait through the Clock.

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "support/manual_clock.hpp"

namespace engine_providers_test {

using namespace std::chrono_literals;

// Sends `requests` requests, each `gap` after the previous one's answer; optionally fails for good
// at request number `fatal_at`.
class FakeProvider final : public engine::Provider {
 public:
  FakeProvider(util::Clock& clock, std::string name, int requests, util::Duration gap)
      : m_clock(clock), m_name(std::move(name)), m_left(requests), m_gap(gap), m_due(clock.now() + gap) {}

  std::optional<int> fatal_at;
  std::vector<util::TimePoint> sent;
  std::vector<std::string>* order = nullptr;  // names of the providers in the order they sent

  std::string_view name() const override { return m_name; }
  engine::RepeatSafety repeat_safety() const override { return engine::RepeatSafety::durable_idempotency_key; }
  bool step() override {
    if (m_fatal || m_left == 0 || m_clock.now() < m_due) {
      return false;
    }
    sent.push_back(m_clock.now());
    if (order != nullptr) {
      order->push_back(m_name);
    }
    if (fatal_at && static_cast<int>(sent.size()) == *fatal_at) {
      m_fatal = true;
      return true;
    }
    --m_left;
    m_due = m_clock.now() + m_gap;
    return true;
  }
  std::optional<util::TimePoint> next_due() const override {
    if (m_fatal || m_left == 0) {
      return std::nullopt;
    }
    return m_due;
  }
  engine::ProviderProgress progress() const override {
    engine::ProviderProgress progress;
    progress.name = m_name;
    progress.done = sent.size();
    progress.next_due = next_due();
    return progress;
  }
  engine::ProviderOutcome finish() override {
    engine::ProviderOutcome outcome;
    outcome.pending_left = m_left > 0 && !m_fatal;
    if (m_fatal) {
      outcome.fatal_code = core::ExitCode::api_unavailable;
      outcome.fatal_message = m_name + " failed";
    }
    return outcome;
  }

 private:
  util::Clock& m_clock;
  std::string m_name;
  int m_left;
  util::Duration m_gap;
  util::TimePoint m_due;
  bool m_fatal = false;
};

struct CountingObserver : engine::Observer {
  std::size_t reports = 0;
  std::size_t providers_seen = 0;
  void on_progress(const engine::Progress& progress) override {
    ++reports;
    providers_seen = progress.providers.size();
  }
};

TEST_SUITE("engine::Engine over fake providers") {
  TEST_CASE("providers: overlapping waits finish in max(a, b), not a + b") {
    test::ManualClock clock;
    CountingObserver observer;
    const util::TimePoint start = clock.now();
    FakeProvider slow(clock, "slow", 1, 10min);
    FakeProvider quick(clock, "quick", 1, 4min);
    engine::Engine engine(clock, observer, {});
    const auto outcome = engine.run({&slow, &quick});
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(slow.sent.size() == 1);
    CHECK(quick.sent.size() == 1);
    CHECK(clock.now() - start == util::Duration(10min));
    CHECK(observer.providers_seen == 2);
  }

  TEST_CASE("providers: one always due does not starve the other") {
    test::ManualClock clock;
    CountingObserver observer;
    FakeProvider busy(clock, "busy", 50, 0s);
    FakeProvider other(clock, "other", 3, 0s);
    std::vector<std::string> order;
    busy.order = &order;
    other.order = &order;
    engine::Engine engine(clock, observer, {});
    engine.run({&busy, &other});
    REQUIRE(other.sent.size() == 3);
    REQUIRE(busy.sent.size() == 50);
    // Turn by turn: the other's three requests went in the first three passes.
    const std::vector<std::string> first(order.begin(), order.begin() + 6);
    CHECK(first == std::vector<std::string>{"busy", "other", "busy", "other", "busy", "other"});
    CHECK(engine.progress().providers.at(1).done == 3);
  }

  TEST_CASE("providers: a fatal provider stops alone and the outcome says so") {
    test::ManualClock clock;
    CountingObserver observer;
    FakeProvider failing(clock, "failing", 5, 1min);
    failing.fatal_at = 2;
    FakeProvider healthy(clock, "healthy", 5, 1min);
    engine::Engine engine(clock, observer, {});
    const auto outcome = engine.run({&failing, &healthy});
    CHECK(failing.sent.size() == 2);
    CHECK(healthy.sent.size() == 5);
    CHECK(outcome.fatal_code == core::ExitCode::api_unavailable);
    CHECK(outcome.fatal_message == "failing failed");
    CHECK(outcome.ending == engine::RunOutcome::Ending::fatal);
    REQUIRE(outcome.providers.size() == 2);
    CHECK(outcome.providers[0].fatal_code);
    CHECK_FALSE(outcome.providers[1].fatal_code);
    CHECK_FALSE(outcome.providers[1].pending_left);
  }

  TEST_CASE("providers: the deadline ends both with their work pending") {
    test::ManualClock clock;
    CountingObserver observer;
    const util::TimePoint start = clock.now();
    FakeProvider a(clock, "a", 10, 1min);
    FakeProvider b(clock, "b", 10, 90s);
    engine::EngineConfig config;
    config.deadline = 5min;
    engine::Engine engine(clock, observer, config);
    const auto outcome = engine.run({&a, &b});
    CHECK(outcome.ending == engine::RunOutcome::Ending::deadline);
    CHECK(clock.now() - start == util::Duration(5min));
    REQUIRE(outcome.providers.size() == 2);
    CHECK(outcome.providers[0].pending_left);
    CHECK(outcome.providers[1].pending_left);
    CHECK(a.sent.size() == 4);
    CHECK(b.sent.size() == 3);
  }

  TEST_CASE("providers: a stop ends both, and every wait went through the Clock in slices") {
    test::ManualClock clock;
    CountingObserver observer;
    const util::TimePoint start = clock.now();
    clock.stop_at(start + 3min);
    FakeProvider a(clock, "a", 10, 1min);
    FakeProvider b(clock, "b", 10, 2min);
    engine::Engine engine(clock, observer, {});
    const auto outcome = engine.run({&a, &b});
    CHECK(outcome.ending == engine::RunOutcome::Ending::interrupted);
    CHECK(outcome.providers.at(0).pending_left);
    CHECK(outcome.providers.at(1).pending_left);
    // Three minutes of waiting in one-second slices, each a Clock sleep.
    CHECK(clock.sleeps() >= 180);
    CHECK(clock.now() - start == util::Duration(3min));
  }
}

}  // namespace engine_providers_test
