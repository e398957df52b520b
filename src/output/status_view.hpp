#pragma once

// What `roster-enrich status` prints (stdout): a run's progress as read from its state file, as
// aligned text for people or one JSON object for scripts. Times are UTC ISO-8601 to the second;
// JSON durations are whole seconds. Counts are of unique lookups (what the state file holds),
// keyed by the statuses of PRODUCT.md, "Statuses"; `pending` includes lookups not submitted yet.

#include <string>

#include "state/status_report.hpp"
#include "util/clock.hpp"

namespace output {

// `now`: the current API time, for the run's age and how far off the latest eta is.
std::string status_text(const state::StatusReport& report, util::TimePoint now);
std::string status_json(const state::StatusReport& report, util::TimePoint now);

// `instant` (Unix milliseconds, as RealClock stores it) as UTC ISO-8601 to the second, e.g.
// 2026-11-22T03:00:01Z.
std::string iso8601_utc(util::TimePoint instant);

}  // namespace output
