#pragma once

// `quote`'s CreatorAudit part: the instagram and tiktok lookups (the platforms CreatorAudit
// covers), how many the organization tracks already (known only with a key), and how many a run
// would track anew, each taking one account of the plan's quota.

#include <cstddef>
#include <optional>
#include <string>

namespace output {

struct AuditQuote {
  std::size_t instagram = 0;
  std::size_t tiktok = 0;
  std::size_t not_covered = 0;                 // lookups of other platforms
  std::optional<std::size_t> already_tracked;  // unknown without a key
  std::string tracked_note;                    // why it is unknown

  std::size_t covered() const { return instagram + tiktok; }
};

std::string audit_quote_text(const AuditQuote& quote);

// `report_json` (quote_json's document) with "creatoraudit": {"instagram","tiktok","not_covered",
// "already_tracked" (null when unknown),"to_track" (null when unknown),"max_to_track","note"}.
std::string quote_json_with_audit(const std::string& report_json, const AuditQuote& quote);

}  // namespace output
