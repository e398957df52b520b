#pragma once

// An Engine running a creatorscore::ScoreProvider on a virtual clock against a scripted API: `Api` is built from the clock and exposes
// `transport` (a test::FakeTransport); requests go through the real rate limiter (120 a minute),
// retry policy and API client, results into a MemoryStore, events to an `EventObserver`.

#include <memory>
#include <vector>

#include "creatorscore/client.hpp"
#include "creatorscore/score_provider.hpp"
#include "engine/engine.hpp"
#include "http/client.hpp"
#include "http/rate_limiter.hpp"
#include "http/retry_policy.hpp"
#include "state/store.hpp"
#include "support/manual_clock.hpp"

namespace test {

template <class Api, class EventObserver = engine::Observer>
struct EngineHarness {
  EngineHarness()
      : limiter(clock, 120),
        http_client(api.transport, clock, limiter, http::RetryPolicy{}),
        client(http_client, "http://127.0.0.1:1", "sk_test_demo") {}

  // A new engine each call (kept in `engine` for the checks that follow) over `records`.
  engine::RunOutcome run(std::vector<state::LookupRecord>& records, creatorscore::ScoreRunConfig config = {}) {
    score.reset();
    engine = std::make_unique<engine::Engine>(clock, observer, config);
    score = std::make_unique<creatorscore::ScoreProvider>(*engine, client, store, clock, observer, config, records);
    return creatorscore::run_alone(*engine, *score);
  }

  ManualClock clock;
  Api api{clock};
  http::RateLimiter limiter;
  http::Client http_client;
  creatorscore::Client client;
  state::MemoryStore store;
  EventObserver observer;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<creatorscore::ScoreProvider> score;
};

}  // namespace test
