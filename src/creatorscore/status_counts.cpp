#include "creatorscore/status_counts.hpp"

namespace creatorscore {

using core::LookupStatus;

void StatusCounts::count_all(const std::vector<state::LookupRecord>& records) {
  m_counts.fill(0);
  m_counted_as.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    m_counted_as[i] = records[i].status;
    ++m_counts[slot(records[i].status)];
  }
}

void StatusCounts::recount(const std::vector<state::LookupRecord>& records, std::size_t index) {
  const LookupStatus now = records[index].status;
  LookupStatus& counted = m_counted_as[index];
  if (counted != now) {
    --m_counts[slot(counted)];
    ++m_counts[slot(now)];
    counted = now;
  }
}

void StatusCounts::fill(engine::Progress& p) const {
  p.unique = m_counted_as.size();
  p.cached = of(LookupStatus::cached);
  p.scored = of(LookupStatus::scored);
  p.failed = of(LookupStatus::failed);
  p.not_found = of(LookupStatus::not_found);
  p.errors = of(LookupStatus::error) + of(LookupStatus::invalid);
  p.in_flight = of(LookupStatus::pending);
  p.unsubmitted = of(LookupStatus::unsubmitted);
  p.skipped = of(LookupStatus::skipped);
}

}  // namespace creatorscore
