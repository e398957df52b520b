#include "creatorscore/poll_scheduler.hpp"

#include <algorithm>
#include <chrono>

namespace creatorscore {

namespace {

bool is_pending_job(const state::LookupRecord& record) {
  return record.status == core::LookupStatus::pending && !record.job_id.empty();
}

const std::optional<EtaReport>& earlier_of(const EtaHistory& history, std::size_t index) {
  static const std::optional<EtaReport> none;
  return index < history.size() ? history[index] : none;
}

double seconds(util::Duration duration) { return std::chrono::duration<double>(duration).count(); }

util::Duration to_duration(double seconds) {
  return std::chrono::round<util::Duration>(std::chrono::duration<double>(seconds));
}



bool by_due(const PollCandidate& a, const PollCandidate& b) {
  return a.due < b.due || (a.due == b.due && a.index < b.index);
}

}  // namespace

std::optional<EtaReport> last_report(const state::LookupRecord& record) {
  if (!record.expected_done_at) {
    return std::nullopt;
  }
  const util::TimePoint at = record.last_polled_at.value_or(record.submitted_at.value_or(util::TimePoint{}));
  return EtaReport{at, *record.expected_done_at - at};
}

std::optional<double> eta_rate(const EtaReport& earlier, const EtaReport& later) {
  const util::Duration span = later.at - earlier.at;
  if (span < k_min_calibration_span) {
    return std::nullopt;
  }
  const double rate = seconds(earlier.eta - later.eta) / seconds(span);
  if (rate < k_min_eta_rate || rate > k_max_eta_rate) {
    return std::nullopt;
  }
  return rate;
}

std::optional<EtaReport> next_anchor(const std::optional<EtaReport>& anchor, const std::optional<EtaReport>& previous,
                                     const EtaReport& latest) {
  if (anchor && eta_rate(*anchor, latest)) {
    return anchor;
  }
  return previous;
}

std::optional<EndEstimate> predicted_end(const state::LookupRecord& record, const std::optional<EtaReport>& earlier) {
  const std::optional<EtaReport> latest = last_report(record);
  if (!latest) {
    return std::nullopt;
  }
  if (!earlier) {
    return EndEstimate{latest->at + latest->eta, EndEstimate::Basis::single_report};
  }
  const std::optional<double> rate = eta_rate(*earlier, *latest);
  if (!rate) {
    return EndEstimate{latest->at + latest->eta, EndEstimate::Basis::face_value};
  }
  const double remaining = std::max(0.0, seconds(latest->eta)) / *rate;
  const double fall = seconds(earlier->eta - latest->eta);
  return EndEstimate{latest->at + to_duration(remaining), EndEstimate::Basis::rate,
                     to_duration(remaining * seconds(k_eta_noise) / fall)};
}

util::TimePoint refine_by(const ScoreConfig& config, util::TimePoint submitted_at, util::TimePoint end) {
  const util::Duration slack = k_end_margin + k_group_window;
  const util::TimePoint young = end - slack - config.poll_interval;
  if (young + k_group_window - submitted_at < config.slow_after) {
    return young;
  }
  return end - slack - std::max(config.poll_interval, config.slow_poll_interval);
}

util::Duration cadence(const ScoreConfig& config, util::TimePoint submitted_at, util::TimePoint now) {
  return now - submitted_at < config.slow_after ? config.poll_interval : config.slow_poll_interval;
}

util::TimePoint earliest_poll(const ScoreConfig& config, const state::LookupRecord& record) {
  const util::TimePoint submitted = record.submitted_at.value_or(util::TimePoint{});
  const util::TimePoint last = record.last_polled_at.value_or(submitted);
  return last + cadence(config, submitted, last);
}

util::TimePoint next_useful_poll(const ScoreConfig& config, const state::LookupRecord& record,
                                 const std::optional<EtaReport>& earlier) {
  const util::TimePoint allowed = earliest_poll(config, record);
  const std::optional<EndEstimate> end = predicted_end(record, earlier);
  if (!end || end->basis == EndEstimate::Basis::single_report) {
    return allowed;
  }
  if (end->uncertainty > k_end_margin) {
    const util::TimePoint refine = refine_by(config, record.submitted_at.value_or(util::TimePoint{}), end->at);
    if (allowed <= refine) {
      return refine;
    }
  }
  return std::max(allowed, end->at + std::max(k_end_margin, end->uncertainty));
}

bool PollSchedule::ByDue::operator()(const PollCandidate& a, const PollCandidate& b) const { return by_due(a, b); }

void PollSchedule::rank(const ScoreConfig& config, const std::vector<state::LookupRecord>& records,
                        const EtaHistory& history, std::size_t index) {
  if (m_due_of.size() < records.size()) {
    m_due_of.resize(records.size());
  }
  std::optional<util::TimePoint>& ranked_at = m_due_of[index];
  if (ranked_at) {
    m_ranked.erase({*ranked_at, index});
    ranked_at.reset();
  }
  if (is_pending_job(records[index])) {
    ranked_at = next_useful_poll(config, records[index], earlier_of(history, index));
    m_ranked.insert({*ranked_at, index});
  }
}

void PollSchedule::rank_all(const ScoreConfig& config, const std::vector<state::LookupRecord>& records,
                            const EtaHistory& history) {
  m_ranked.clear();
  m_due_of.assign(records.size(), std::nullopt);
  for (std::size_t i = 0; i < records.size(); ++i) {
    rank(config, records, history, i);
  }
}

std::optional<util::TimePoint> PollSchedule::next_due(std::size_t max_ids) const {
  if (m_ranked.empty()) {
    return std::nullopt;
  }
  const util::TimePoint window_end = m_ranked.begin()->due + k_group_window;
  util::TimePoint due = m_ranked.begin()->due;
  std::size_t taken = 0;
  for (auto it = m_ranked.begin();
       it != m_ranked.end() && taken < std::max<std::size_t>(max_ids, 1) && it->due <= window_end; ++it, ++taken) {
    due = it->due;
  }
  return due;
}

std::vector<std::size_t> PollSchedule::jobs_to_poll(const ScoreConfig& config,
                                                     const std::vector<state::LookupRecord>& records,
                                                     const EtaHistory& history, util::TimePoint now,
                                                     std::size_t max_ids) const {
  std::vector<std::size_t> chosen;
  const std::optional<util::TimePoint> due = next_due(max_ids);
  if (!due || *due > now) {
    return chosen;
  }
  auto it = m_ranked.begin();
  for (; it != m_ranked.end() && it->due <= now; ++it) {
    if (chosen.size() < max_ids) {
      chosen.push_back(it->index);
    }
  }
  if (chosen.size() >= max_ids) {
    return chosen;  // no room for extras: the jobs not yet due need not be looked at
  }
  std::vector<PollCandidate> extra;
  for (; it != m_ranked.end(); ++it) {
    const state::LookupRecord& record = records[it->index];
    const std::optional<EndEstimate> end = predicted_end(record, earlier_of(history, it->index));
    if (!end || earliest_poll(config, record) > now) {
      continue;
    }
    // Asked about now, the job may next be asked about one cadence later: only worth it if that
    // still comes before its predicted end.
    const util::TimePoint submitted = record.submitted_at.value_or(util::TimePoint{});
    if (now + cadence(config, submitted, now) <= end->at) {
      extra.push_back({end->at, it->index});
    }
  }
  std::sort(extra.begin(), extra.end(), by_due);
  for (const PollCandidate& candidate : extra) {
    if (chosen.size() >= max_ids) {
      break;
    }
    chosen.push_back(candidate.index);
  }
  return chosen;
}

}  // namespace creatorscore
