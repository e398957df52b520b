#pragma once

// When each job is worth a request, following the vendor's guidance (creatorscore-v1.md, "Polling
// guidance"): at most every poll_interval while a job is younger than slow_after, then every
// slow_poll_interval, guided by the eta_seconds it last reported. Pure functions of the records
// and the instant, so the cadence is tested without a network.

#include <optional>
#include <string>
#include <vector>

#include "engine/engine_config.hpp"
#include "state/lookup_record.hpp"

namespace engine {

// The cadence of a job submitted at `submitted_at`, at instant `now`.
util::Duration cadence(const EngineConfig& config, util::TimePoint submitted_at, util::TimePoint now);

// The first instant the cadence allows another poll of `record` (a pending job).
util::TimePoint earliest_poll(const EngineConfig& config, const state::LookupRecord& record);

// When `record` is worth a request: not before earliest_poll, and not long before its eta says it
// will end. The eta carries an error of about a third either way, so polling starts at 70% of it.
util::TimePoint next_useful_poll(const EngineConfig& config, const state::LookupRecord& record);

// The job ids to ask about now, at most `max_ids`: every job whose next_useful_poll has come (the
// most overdue first); if there is one, the request is filled up with other jobs the cadence
// already allows (an extra id costs nothing), the nearest to their eta first. Empty when no job is
// due yet.
std::vector<std::size_t> jobs_to_poll(const EngineConfig& config, const std::vector<state::LookupRecord>& records,
                                      util::TimePoint now, std::size_t max_ids);

// The instant the next job becomes due, or nullopt when no job is pending.
std::optional<util::TimePoint> next_due(const EngineConfig& config, const std::vector<state::LookupRecord>& records);

}  // namespace engine
