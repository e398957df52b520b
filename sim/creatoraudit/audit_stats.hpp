#pragma once

// Counters behind creatoraudit-sim's GET /_sim/stats: what the client under test did to the API.
// A correct client keeps duplicate_accounts, second_tracks, retry_after_violations,
// requests_while_exhausted, idempotency_key_mismatches, tracks_without_idempotency_key and
// cursor_errors at 0. The model adds the live parts (windows, quota use) when it renders them.

#include <cstdint>
#include <map>
#include <string>

#include "sim/payloads.hpp"

namespace sim::audit {

struct AuditStats {
  std::int64_t total_requests = 0;
  std::map<std::string, std::int64_t> by_route;   // "POST /v2/accounts", ...
  std::map<std::string, std::int64_t> by_status;  // "201", "304", "dropped", ...
  std::int64_t responses_4xx = 0;
  std::int64_t responses_5xx = 0;
  std::int64_t responses_429 = 0;
  // A request that arrived before the Retry-After (429 or 503) last given to its key had passed.
  std::int64_t retry_after_violations = 0;
  // A request that arrived while the last answer to its key said Remaining 0, before its Reset.
  std::int64_t requests_while_exhausted = 0;
  std::map<std::string, std::int64_t> faults;  // "500", "503", "503_retry_after", "drop", ...
  std::int64_t accounts_created = 0;           // by POST /accounts
  std::int64_t duplicate_accounts = 0;         // accounts beyond the first of one platform+username
  std::int64_t second_tracks = 0;              // a tracked username tracked again with a fresh key
  std::int64_t idempotent_replays = 0;
  std::int64_t idempotency_key_mismatches = 0;  // a key reused for another body (422)
  std::int64_t tracks_without_idempotency_key = 0;
  std::int64_t quota_exceeded = 0;
  std::int64_t unknown_usernames = 0;
  std::int64_t cursor_errors = 0;  // altered cursors and cursors sent with other filters
  std::int64_t include_total_requests = 0;
  std::int64_t not_modified = 0;
  std::int64_t metrics_calls = 0;
  std::int64_t metrics_ids_requested = 0;

  // One /v2 request by its route template and the status label of its answer.
  void record_request(const std::string& route, int status, bool dropped);

  // Every counter above as fields of `out`.
  void write_json(Json& out) const;
};

}  // namespace sim::audit
