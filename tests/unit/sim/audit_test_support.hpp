#pragma once

// A thin driver for sim::audit::Simulator in unit tests: requests with the bearer key and JSON
// headers a correct client sends, responses parsed as JSON, and a virtual API clock moved by hand.

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "sim/creatoraudit/audit_model.hpp"

namespace test {

inline constexpr const char* k_audit_key = "ca_test_demo";

class AuditDriver {
 public:
  explicit AuditDriver(sim::audit::AuditConfig config = {}) : m_sim(std::move(config)) {}

  sim::SimResponse get(const std::string& target, sim::Headers extra = {}) {
    return send("GET", target, "", std::move(extra));
  }
  sim::SimResponse post(const std::string& target, const sim::Json& body, sim::Headers extra = {}) {
    return send("POST", target, body.dump(), std::move(extra));
  }
  // POST /v2/accounts with an Idempotency-Key (none when `idempotency_key` is empty).
  sim::SimResponse track(const std::string& platform, const std::string& username,
                         const std::string& idempotency_key) {
    sim::Headers extra;
    if (!idempotency_key.empty()) {
      extra.emplace_back("Idempotency-Key", idempotency_key);
    }
    return post("/v2/accounts", sim::Json{{"platform", platform}, {"username", username}}, std::move(extra));
  }
  // Sends `extra` headers after the defaults; a default named again in `extra` is left out. An empty
  // Authorization value in `extra` sends none.
  sim::SimResponse send(const std::string& method, const std::string& target, const std::string& body,
                        sim::Headers extra) {
    sim::SimRequest request{method, target, {}, body};
    for (const auto& [name, value] : sim::Headers{{"Authorization", std::string("Bearer ") + m_key},
                                                  {"Accept", "application/json"},
                                                  {"Content-Type", "application/json"}}) {
      if (!sim::find_header(extra, name)) {
        request.headers.emplace_back(name, value);
      }
    }
    for (auto& [name, value] : extra) {
      if (!value.empty()) {
        request.headers.emplace_back(name, value);
      }
    }
    return m_sim.handle(request, m_now);
  }

  void use_key(std::string key) { m_key = std::move(key); }
  void advance(util::Duration by) { m_now = m_now + by; }
  util::TimePoint now() const { return m_now; }
  sim::audit::Simulator& sim() { return m_sim; }
  sim::Json stats() const { return m_sim.stats_json(m_now); }

 private:
  sim::audit::Simulator m_sim;
  util::TimePoint m_now{};
  std::string m_key = k_audit_key;
};

inline sim::Json audit_json(const sim::SimResponse& response) {
  const sim::Json parsed = sim::Json::parse(response.body, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  return parsed;
}

}  // namespace test
