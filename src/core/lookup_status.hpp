#pragma once

// The per-lookup statuses of PRODUCT.md ("Statuses"), plus the engine's internal `unsubmitted`.

#include <optional>
#include <string_view>

namespace core {

// Stored in the state file: values are explicit and never reused.
enum class LookupStatus : int {
  unsubmitted = 0,  // not sent yet (never appears in output: written as `pending`)
  cached = 1,       // free score served from the cache
  scored = 2,       // fresh score, job done
  failed = 3,       // job failed; the API refunded it
  not_found = 4,    // job unknown or expired
  pending = 5,      // job still running
  skipped = 6,      // not submitted: budget or credits ran out
  invalid = 7,      // the roster cell cannot be looked up; never sent
  error = 8,        // other per-item API error
};

// The text written to output; `unsubmitted` is written as `pending`.
std::string_view status_name(LookupStatus status);

std::optional<LookupStatus> parse_status(std::string_view name);

// True for statuses that end a lookup for this run (nothing more will be requested for it).
bool is_final(LookupStatus status);

}  // namespace core
