#pragma once

// Lookup records as a run starts with them, for the engine and state tests.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "core/lookup_status.hpp"
#include "core/platform.hpp"
#include "state/lookup_record.hpp"

namespace test {

// `count` lookups on `platform` named PREFIX0, PREFIX1, ..., in roster order, nothing known yet.
inline std::vector<state::LookupRecord> numbered_lookups(std::size_t count,
                                                         core::Platform platform = core::Platform::tiktok,
                                                         const std::string& prefix = "creator_") {
  std::vector<state::LookupRecord> records(count);
  for (std::size_t i = 0; i < count; ++i) {
    records[i].index = i;
    records[i].platform = platform;
    records[i].handle = prefix + std::to_string(i);
  }
  return records;
}

inline std::size_t count_status(const std::vector<state::LookupRecord>& records, core::LookupStatus status) {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [&](const auto& r) { return r.status == status; }));
}

}  // namespace test
