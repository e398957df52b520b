#include "sim/creatoraudit/audit_stats.hpp"

namespace sim::audit {

void AuditStats::record_request(const std::string& route, int status, bool dropped) {
  ++total_requests;
  ++by_route[route];
  ++by_status[dropped ? "dropped" : std::to_string(status)];
  if (dropped) {
    return;  // the client saw no status
  }
  if (status == 429) {
    ++responses_429;
  }
  if (status >= 400 && status < 500) {
    ++responses_4xx;
  } else if (status >= 500) {
    ++responses_5xx;
  }
}

void AuditStats::write_json(Json& out) const {
  out["total_requests"] = total_requests;
  out["requests_by_route"] = by_route;
  out["requests_by_status"] = by_status;
  out["responses_4xx"] = responses_4xx;
  out["responses_5xx"] = responses_5xx;
  out["responses_429"] = responses_429;
  out["retry_after_violations"] = retry_after_violations;
  out["requests_while_exhausted"] = requests_while_exhausted;
  out["faults"] = faults;
  out["accounts_created"] = accounts_created;
  out["duplicate_accounts"] = duplicate_accounts;
  out["second_tracks"] = second_tracks;
  out["idempotent_replays"] = idempotent_replays;
  out["idempotency_key_mismatches"] = idempotency_key_mismatches;
  out["tracks_without_idempotency_key"] = tracks_without_idempotency_key;
  out["quota_exceeded"] = quota_exceeded;
  out["unknown_usernames"] = unknown_usernames;
  out["cursor_errors"] = cursor_errors;
  out["include_total_requests"] = include_total_requests;
  out["not_modified"] = not_modified;
  out["metrics_calls"] = metrics_calls;
  out["metrics_ids_requested"] = metrics_ids_requested;
}

}  // namespace sim::audit
