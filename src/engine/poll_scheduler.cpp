#include "engine/poll_scheduler.hpp"

#include <algorithm>

namespace engine {

namespace {

bool is_pending_job(const state::LookupRecord& record) {
  return record.status == core::LookupStatus::pending && !record.job_id.empty();
}

}  // namespace

util::Duration cadence(const EngineConfig& config, util::TimePoint submitted_at, util::TimePoint now) {
  return now - submitted_at < config.slow_after ? config.poll_interval : config.slow_poll_interval;
}

util::TimePoint earliest_poll(const EngineConfig& config, const state::LookupRecord& record) {
  const util::TimePoint submitted = record.submitted_at.value_or(util::TimePoint{});
  const util::TimePoint last = record.last_polled_at.value_or(submitted);
  return last + cadence(config, submitted, last);
}

util::TimePoint next_useful_poll(const EngineConfig& config, const state::LookupRecord& record) {
  const util::TimePoint allowed = earliest_poll(config, record);
  if (!record.expected_done_at) {
    return allowed;
  }
  const util::TimePoint reported = record.last_polled_at.value_or(record.submitted_at.value_or(util::TimePoint{}));
  const util::Duration eta = *record.expected_done_at - reported;
  const util::TimePoint worth = reported + eta * 7 / 10;
  return std::max(allowed, worth);
}

std::vector<std::size_t> jobs_to_poll(const EngineConfig& config, const std::vector<state::LookupRecord>& records,
                                      util::TimePoint now, std::size_t max_ids) {
  struct Candidate {
    util::TimePoint due;
    std::size_t index;
  };
  std::vector<Candidate> due;
  std::vector<Candidate> allowed;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const state::LookupRecord& record = records[i];
    if (!is_pending_job(record)) {
      continue;
    }
    const util::TimePoint useful = next_useful_poll(config, record);
    if (useful <= now) {
      due.push_back({useful, i});
    } else if (earliest_poll(config, record) <= now) {
      allowed.push_back({useful, i});
    }
  }
  std::vector<std::size_t> chosen;
  if (due.empty()) {
    return chosen;
  }
  const auto by_due = [](const Candidate& a, const Candidate& b) {
    return a.due < b.due || (a.due == b.due && a.index < b.index);
  };
  std::sort(due.begin(), due.end(), by_due);
  std::sort(allowed.begin(), allowed.end(), by_due);
  for (const Candidate& candidate : due) {
    if (chosen.size() == max_ids) {
      return chosen;
    }
    chosen.push_back(candidate.index);
  }
  for (const Candidate& candidate : allowed) {
    if (chosen.size() == max_ids) {
      break;
    }
    chosen.push_back(candidate.index);
  }
  return chosen;
}

std::optional<util::TimePoint> next_due(const EngineConfig& config, const std::vector<state::LookupRecord>& records) {
  std::optional<util::TimePoint> earliest;
  for (const state::LookupRecord& record : records) {
    if (is_pending_job(record)) {
      const util::TimePoint due = next_useful_poll(config, record);
      if (!earliest || due < *earliest) {
        earliest = due;
      }
    }
  }
  return earliest;
}

}  // namespace engine
