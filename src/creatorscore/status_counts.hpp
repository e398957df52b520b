#pragma once

// How many lookups are in each status, for progress. Kept up to date from the records a request
// touched rather than recounted over every record after each request and each second of waiting,
// which at 200,000 lookups cost most of the run's CPU.

#include <array>
#include <cstddef>
#include <vector>

#include "core/lookup_status.hpp"
#include "engine/observer.hpp"
#include "state/lookup_record.hpp"

namespace creatorscore {

class StatusCounts {
 public:
  // Counts every record afresh (the start of a run).
  void count_all(const std::vector<state::LookupRecord>& records);
  // Counts the record at `index` again: to call whenever its status may have changed.
  void recount(const std::vector<state::LookupRecord>& records, std::size_t index);

  std::size_t of(core::LookupStatus status) const { return m_counts[slot(status)]; }
  // Sets the status fields of `progress` (unique to skipped).
  void fill(engine::Progress& progress) const;

 private:
  static constexpr std::size_t k_statuses = static_cast<std::size_t>(core::LookupStatus::error) + 1;
  static std::size_t slot(core::LookupStatus status) { return static_cast<std::size_t>(status); }

  std::array<std::size_t, k_statuses> m_counts{};
  std::vector<core::LookupStatus> m_counted_as;  // per record, the status it is counted under
};

}  // namespace creatorscore
