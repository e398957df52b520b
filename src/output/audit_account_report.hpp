#pragma once

// `account`'s CreatorAudit part: the organization, the key's name, the API version (GET /meta) and
// the rate limit learnt from the X-RateLimit-* headers of those answers. Server text is made one
// line before it is shown.

#include <optional>
#include <string>

namespace output {

struct AuditAccountReport {
  std::string organization_id;
  std::string key_name;
  std::string api_version;
  std::optional<long long> rate_limit;        // X-RateLimit-Limit
  std::optional<long long> remaining;         // X-RateLimit-Remaining, less what was sent since
  std::optional<long long> reset_in_seconds;  // until the window has room again
};

// "creatoraudit" lines: organization, key, API version, rate limit.
std::string audit_account_text(const AuditAccountReport& report);

// {"organization_id","key_name","api_version","rate_limit":{"limit","remaining","reset_in_seconds"}}
// under "creatoraudit" (null where a header never came), pretty-printed, one trailing newline.
std::string audit_account_json(const AuditAccountReport& report);

// `creatorscore_json` (account_json's document) with "creatoraudit": audit_account_json added.
std::string account_json_with_audit(const std::string& creatorscore_json, const AuditAccountReport& report);

}  // namespace output
