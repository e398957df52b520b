#pragma once

// What the run knows of one unique lookup: everything the API told us about it. This is the unit
// the state file makes durable and the output writers read.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/lookup_status.hpp"
#include "core/platform.hpp"
#include "util/clock.hpp"

namespace state {

struct LookupRecord {
  std::size_t index = 0;  // position in roster::RosterIndex::lookups
  core::Platform platform = core::Platform::tiktok;
  std::string handle;  // as sent (the roster's first spelling)

  core::LookupStatus status = core::LookupStatus::unsubmitted;
  std::string job_id;        // kept once known, also after the job ended
  std::string creator_json;  // verbatim creator payload (cached or done), with include fields if fetched
  std::string error;         // an API error code or our reason: insufficient_credits, budget_exhausted, ...
  int credits_charged = 0;   // what the API charged for this lookup (0 when cached or deduplicated)
  int credits_refunded = 0;  // a failed job's charge, refunded by the API

  std::optional<util::TimePoint> submitted_at;  // when the job was created (API time)
  std::optional<util::TimePoint> last_polled_at;
  std::optional<util::TimePoint> expected_done_at;  // submitted/polled instant + the last eta_seconds
  bool include_fetched = false;  // --include fields fetched into creator_json
};

// The key a lookup is stored under: core::lookup_key, the identity roster de-duplication uses, so
// a roster edited between runs (rows moved, added, re-spelt in another case) maps each stored
// result to the right lookup regardless of `index`.
using core::lookup_key;
inline std::string lookup_key(const LookupRecord& record) { return lookup_key(record.platform, record.handle); }

}  // namespace state
