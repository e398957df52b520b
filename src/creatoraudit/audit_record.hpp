#pragma once

// What a run knows of one unique lookup on the CreatorAudit side (PRODUCT.md's CreatorAudit
// section): the account it maps to, the durable Idempotency-Key of its track, its first refresh,
// and the metrics item as the API sent it. Stored as a state::ProviderRecord (to_stored/from_stored),
// read by the audit output columns.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/platform.hpp"
#include "state/provider_record.hpp"

namespace creatoraudit {

inline constexpr std::string_view k_provider_name = "creatoraudit";

// The audit statuses the output writes (`audit_status`).
enum class AuditStatus {
  pending,         // not yet tracked, or tracked and awaiting its first refresh or metrics
  metrics,         // metrics fetched for the period asked
  not_covered,     // a platform CreatorAudit does not serve; no request
  not_tracked,     // --audit-track existing and the organization does not track it
  quota_exceeded,  // the plan's quota or --audit-max-new left it untracked
  error,           // the API refused it (422) or answered something unusable about it
  invalid,         // the roster cell cannot be looked up; never sent
};

std::string_view audit_status_name(AuditStatus status);
std::optional<AuditStatus> parse_audit_status(std::string_view name);

struct AuditRecord {
  std::size_t index = 0;  // position in roster::RosterIndex::lookups
  core::Platform platform = core::Platform::tiktok;
  std::string handle;  // as sent (the roster's first spelling)

  AuditStatus status = AuditStatus::pending;
  std::string error;            // one line: the API's code, detail and request id, or our reason
  std::string account_id;       // once the account is known (listed, tracked, or replayed)
  std::string idempotency_key;  // durable before POST /accounts; re-sent while its outcome is unknown
  bool tracked_anew = false;    // this run's track created it (it took one account of the quota)
  std::string etag;             // of the last GET /accounts/{id}
  std::string last_scrape_time; // empty until the first refresh
  std::string period;           // of the metrics held ("30d"); empty without metrics
  std::string metrics_json;     // the metrics item verbatim (key order kept); empty without metrics
};

state::ProviderRecord to_stored(const AuditRecord& record);
AuditRecord from_stored(const state::ProviderRecord& stored);

}  // namespace creatoraudit
