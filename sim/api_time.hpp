#pragma once

// API time as the simulator's JSON shows it. The model never reads a real clock: instant 0 of API
// time is a fixed calendar date, so every timestamp in every response is reproducible.

#include <string>

#include "util/clock.hpp"

namespace sim {

// 2026-11-01T00:00:00Z as milliseconds since the Unix epoch: API time 0.
inline constexpr long long k_base_unix_ms = 1'793'491'200'000LL;

// ISO-8601 UTC with second precision, e.g. `2026-11-01T00:10:00Z`, for `k_base_unix_ms` + `at`.
// Instants before API time 0 (pre-cached scores) are valid.
std::string format_api_time(util::TimePoint at);

}  // namespace sim
