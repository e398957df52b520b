#pragma once

// What a creatorscore-sim instance simulates: its tenants, how creators and jobs behave, and which
// faults it injects. Every field has the default the integration tests assume, so `SimConfig{}` is a
// well-behaved API with one tenant (`sk_test_demo`, "Demo Agency", 1000 credits).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/webhook_config.hpp"
#include "util/clock.hpp"

namespace sim {

using Credits = std::int64_t;

// One API key and the tenant that owns it (each tenant has exactly one key here).
struct TenantConfig {
  std::string key;
  std::string name;
  Credits balance = 0;
};

// Probabilities in [0, 1], drawn independently per /api/v1 request from the fault stream of the
// seeded RNG. Faults are decided after authentication and rate limiting, and a request hit by
// `fault_500`, `fault_503`, `fault_drop` or `fault_malformed` changes no state (nothing charged,
// no job created). `fault_slow` only delays an otherwise normal response by `slow_delay` of real
// time; that request is processed as usual (the "response arrived too late" case). `fault_huge_body`
// and `fault_deep_json` answer hostile 200s without touching state either, for the client's size cap
// and nesting guard.
struct FaultConfig {
  double fault_500 = 0.0;        // 500 queue_failed
  double fault_503 = 0.0;        // 503 auth_unavailable
  double fault_drop = 0.0;       // connection cut before a full response
  double fault_malformed = 0.0;  // 200 with a truncated or garbage body
  double fault_slow = 0.0;       // normal response after `slow_delay`
  double fault_huge_body = 0.0;  // 200 with a k_huge_body_bytes JSON body, streamed chunked
  double fault_deep_json = 0.0;  // 200 with valid JSON nested k_deep_json_levels deep
  bool huge_body_sized = false;  // the huge body announces its Content-Length instead of chunking
  util::Duration slow_delay{std::chrono::seconds(2)};
  // 429 rate_limit_exceeded with `Retry-After: <fault_retry_after in seconds>`, past the client's cap.
  double fault_429 = 0.0;
  util::Duration fault_retry_after{std::chrono::hours(1)};
  // A vendor bug: every `error` and `message` text of an /api/v1 answer ends with the caller's key.
  bool echo_key = false;
};

// 50 MiB: far past any client's sensible cap (an answer for 100 jobs is well under 1 MB).
inline constexpr std::size_t k_huge_body_bytes = 50 * 1024 * 1024;
// Deep enough to overflow the stack of a recursive parser.
inline constexpr std::size_t k_deep_json_levels = 100000;

// Answers a well-behaved API never gives, each on for every answer it concerns (not drawn at
// random), for the client's checks on what it is told (tests/integration/hardening_output.sh).
struct HostileAnswers {
  bool done_without_creator = false;  // done jobs are reported `"creator": null`
  bool reuse_job_ids = false;         // a bulk answer gives every queued creator its first queued job id
  bool formula_text = false;          // creator payloads and job ids hold text a spreadsheet would run
};

struct SimConfig {
  std::vector<TenantConfig> tenants{TenantConfig{"sk_test_demo", "Demo Agency", 1000}};
  std::uint64_t seed = 1;
  // A creator is pre-cached (free) when hash(platform, lower(handle)) mod 100 < cached_percent.
  int cached_percent = 30;
  // Fresh-score jobs take a uniformly drawn API duration in [min_job, max_job].
  util::Duration min_job{std::chrono::minutes(10)};
  util::Duration max_job{std::chrono::minutes(90)};
  // Probability that a job not already doomed by its handle (`missing_`, `ghost_`) fails.
  double failure_rate = 0.0;
  // Requests per rolling 60 API seconds per key; 0 disables the limit.
  int rate_limit = 120;
  // When a tenant's balance is 0, answer whole lookup requests with 402 instead of per-item errors.
  bool zero_balance_402 = false;
  // Reuse a tenant's in-flight job only for a creator named twice in one request, as the vendor
  // documents ("the API de-duplicates only inside one batch"); a later request naming a creator
  // whose job is still running is charged again. Off: in-flight jobs are reused across requests.
  bool dedup_within_batch_only = false;
  FaultConfig faults;
  // Request bodies above this many bytes are refused with 413.
  std::size_t max_body = 1024 * 1024;
  // Last, so that configs written field by field in order keep their meaning.
  HostileAnswers hostile;
  // Webhook deliveries when jobs end (off while `webhooks.url` is empty).
  WebhookConfig webhooks;
};

// Parses the `--tenant` flag's `KEY:NAME:BALANCE`. NAME may itself contain ':' (the key is up to the
// first one, the balance after the last). Returns nullopt for an empty key or name or a balance that
// is not a non-negative integer.
std::optional<TenantConfig> parse_tenant_spec(std::string_view spec);

// Empty when `config` is consistent; otherwise a one-line reason (a probability outside [0, 1],
// min_job > max_job, no tenants, duplicate keys, cached_percent outside 0..100, ...).
std::string validate_config(const SimConfig& config);

}  // namespace sim
