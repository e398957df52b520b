#pragma once

// The whole client stack on a virtual clock against the in-process simulator: requests go through
// the real rate limiter, retry policy, HTTP client and API client, answered by a sim::Simulator.
// Engine test harnesses derive from it and add a store and an observer.

#include <nlohmann/json.hpp>
#include <string>

#include "creatorscore/client.hpp"
#include "http/client.hpp"
#include "http/rate_limiter.hpp"
#include "http/retry_policy.hpp"
#include "sim/model.hpp"
#include "support/manual_clock.hpp"
#include "support/sim_transport.hpp"

namespace test {

struct SimStack {
  explicit SimStack(sim::SimConfig config = {}, std::size_t client_rate_limit = 120,
                    const std::string& key = "sk_test_demo")
      : simulator(std::move(config)),
        transport(simulator, clock),
        limiter(clock, client_rate_limit),
        http_client(transport, clock, limiter, http::RetryPolicy{}),
        api(http_client, "http://127.0.0.1:1", key) {}

  // GET /_sim/stats as the simulator would answer it now.
  nlohmann::json stats() { return nlohmann::json::parse(simulator.stats_json(clock.now()).dump()); }

  ManualClock clock;
  sim::Simulator simulator;
  SimTransport transport;
  http::RateLimiter limiter;
  http::Client http_client;
  creatorscore::Client api;
};

}  // namespace test
