#pragma once

// Counters behind GET /_sim/stats: what the client under test did to the API (requests per route and
// status, 429s, Retry-After violations) and what the API charged and refunded per creator. The
// simulator adds the live parts (balances, rate windows, jobs) when it renders the report.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sim/payloads.hpp"

namespace sim {

class Stats {
 public:
  // One /api/v1 request, by its route template (e.g. "GET /api/v1/jobs/{job_id}") and the status
  // label of its answer ("200", "429", ..., "dropped" for a cut connection).
  void record_request(const std::string& route, const std::string& status);
  void record_429() { ++m_responses_429; }
  void record_violation() { ++m_retry_after_violations; }
  // `kind`: "500", "503", "drop", "malformed" or "slow".
  void record_fault(const std::string& kind) { ++m_faults[kind]; }
  void record_charge(const std::string& creator_key, Credits credits);
  void record_refund(const std::string& creator_key, Credits credits);

  std::int64_t total_requests() const { return m_total_requests; }
  Credits total_charged() const { return m_total_charged; }
  Credits total_refunded() const { return m_total_refunded; }

  // The counters as JSON fields of `out`: total_requests, requests_by_route, requests_by_status,
  // responses_429, retry_after_violations, faults, credits_charged_by_creator,
  // credits_refunded_by_creator, credits_charged_total, credits_refunded_total.
  void write_json(Json& out) const;

 private:
  std::int64_t m_total_requests = 0;
  std::map<std::string, std::int64_t> m_by_route;
  std::map<std::string, std::int64_t> m_by_status;
  std::int64_t m_responses_429 = 0;
  std::int64_t m_retry_after_violations = 0;
  std::map<std::string, std::int64_t> m_faults;
  std::map<std::string, Credits> m_charged;
  std::map<std::string, Credits> m_refunded;
  Credits m_total_charged = 0;
  Credits m_total_refunded = 0;
};

}  // namespace sim
