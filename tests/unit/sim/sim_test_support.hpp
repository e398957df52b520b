#pragma once

// A thin driver for sim::Simulator in unit tests: requests by target and body, responses parsed as
// JSON, and a virtual API clock the test moves by hand.

#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "sim/model.hpp"
#include "sim/payloads.hpp"

namespace test {

using sim::Json;
using namespace std::chrono_literals;

inline constexpr const char* k_demo_key = "sk_test_demo";

class SimDriver {
 public:
  explicit SimDriver(sim::SimConfig config = {}) : m_sim(std::move(config)) {}

  sim::SimResponse get(const std::string& target, const std::string& key = k_demo_key) {
    return send("GET", target, "", key);
  }
  sim::SimResponse post(const std::string& target, const Json& body, const std::string& key = k_demo_key) {
    return send("POST", target, body.dump(), key);
  }
  sim::SimResponse post_raw(const std::string& target, const std::string& body, const std::string& key = k_demo_key) {
    return send("POST", target, body, key);
  }
  // An empty `key` sends no X-API-Key header at all.
  sim::SimResponse send(const std::string& method, const std::string& target, const std::string& body,
                        const std::string& key) {
    sim::SimRequest request{method, target, {}, body};
    if (!key.empty()) {
      request.headers.emplace_back("X-API-Key", key);
    }
    request.headers.emplace_back("Content-Type", "application/json");
    return m_sim.handle(request, m_now);
  }

  void advance(util::Duration by) {
    m_now = m_now + by;
    m_sim.advance_to(m_now);
  }
  util::TimePoint now() const { return m_now; }
  sim::Simulator& sim() { return m_sim; }
  sim::Credits balance(const std::string& key = k_demo_key) { return m_sim.balance(key).value_or(-1); }
  Json stats() { return m_sim.stats_json(m_now); }

 private:
  sim::Simulator m_sim;
  util::TimePoint m_now{};
};

inline Json json_of(const sim::SimResponse& response) {
  const Json parsed = Json::parse(response.body, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  return parsed;
}

// The `n`-th handle (0-based) with prefix `prefix` on `platform` that is, or is not, pre-cached at
// the default 30 %.
inline std::string handle_where(core::Platform platform, bool precached, int n = 0,
                                const std::string& prefix = "creator_") {
  for (int i = 0;; ++i) {
    const std::string handle = prefix + std::to_string(i);
    if (sim::is_precached(sim::make_creator_id(platform, handle), 30) == precached && n-- == 0) {
      return handle;
    }
  }
}

inline Json bulk_body(std::initializer_list<std::pair<std::string, std::string>> items) {
  Json creators = Json::array();
  for (const auto& [platform, handle] : items) {
    creators.push_back(Json{{"platform", platform}, {"handle", handle}});
  }
  return Json{{"creators", creators}};
}

}  // namespace test
