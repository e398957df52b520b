#pragma once

// When each job is worth a request, following the vendor's guidance (creatorscore-v1.md, "Polling
// guidance"): at most every poll_interval while a job is younger than slow_after, then every
// slow_poll_interval, guided by the eta_seconds it reports. Pure functions of the records, the
// earlier reports the provider remembers and the instant, so the schedule is tested without a network.
//
// The eta is off by a factor that stays the same for a job (up to a third either way), so one
// report cannot say when a job ends, but two can: the eta falls at that factor per second of real
// time. A job is asked about just after the end its last two reports predict, and jobs that end
// close together share one request.

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "creatorscore/score_config.hpp"
#include "state/lookup_record.hpp"

namespace creatorscore {

// A job's report: at `at`, it said it would end `eta` later.
struct EtaReport {
  util::TimePoint at;
  util::Duration eta;
};

// Per record (same positions as the records; may be shorter), an earlier report of the same job
// than the one the record holds, to measure the eta's error against. Engine memory only: after a
// resume, the next report re-establishes it.
using EtaHistory = std::vector<std::optional<EtaReport>>;

// A job's reports must be at least this far apart to give a rate: eta_seconds comes in whole
// seconds and is stamped with the instant its answer arrived, so a second or two of error over a
// shorter span would throw the predicted end of a long job off by minutes.
inline constexpr util::Duration k_min_calibration_span = std::chrono::seconds(30);
// The rates taken as sane: the vendor's eta is off by up to about a third; beyond these, two
// reports disagree (the vendor re-estimated, or the eta is stale) and the last one is taken as is.
inline constexpr double k_min_eta_rate = 0.5;
inline constexpr double k_max_eta_rate = 2.0;
// How far off a report's eta may be besides the vendor's factor: two roundings to whole seconds
// and the jitter of the instants we stamp answers with.
inline constexpr util::Duration k_eta_noise = std::chrono::seconds(2);
// How long after its predicted end a job is asked about: rounding and arrival stamps leave about
// a second of error, and a job asked about a moment too early costs a whole cadence tick (5 min
// when it is old).
inline constexpr util::Duration k_end_margin = std::chrono::seconds(3);
// How long a job that is due may wait for jobs due soon after it, so they share one request. A
// job waits on average half of it, so it trades detection lag for requests. On the benchmark's
// 1,000-row roster (jobs ending about 8 a minute), 60 s gave a median lag of 30 s but about as many
// requests as the naive client (80 bulk-status against its 79-89); 70 s gives about 34 s and 71.
inline constexpr util::Duration k_group_window = std::chrono::seconds(70);

// The record's last report (the submit's answer or the last poll's), if it carried an eta.
std::optional<EtaReport> last_report(const state::LookupRecord& record);

// The earlier report to keep once `latest` has arrived, given the one kept so far (`anchor`) and
// the report `latest` replaces in the record (`previous`): the anchor while the rate from it to
// `latest` is sane (the longest span measures the rate best), else `previous`, so a job whose eta
// was re-estimated is measured afresh.
std::optional<EtaReport> next_anchor(const std::optional<EtaReport>& anchor, const std::optional<EtaReport>& previous,
                                     const EtaReport& latest);

// The rate at which the eta fell between two reports, if they are far enough apart and it is sane.
std::optional<double> eta_rate(const EtaReport& earlier, const EtaReport& later);

struct EndEstimate {
  enum class Basis {
    single_report,  // one report: the end is anywhere in [0.74, 1.33] × eta, too wide to aim at
    face_value,     // two reports that disagree: the last eta taken as it is
    rate,           // two reports: the last eta divided by the rate it falls at
  };
  util::TimePoint at;
  Basis basis = Basis::single_report;
  // How far `at` may be off when predicted from a rate: k_eta_noise over the eta's fall between
  // the two reports, scaled to the time left.
  util::Duration uncertainty{};
};

// When `record` (a pending job) should end, from its last report and `earlier`; nullopt without an eta.
std::optional<EndEstimate> predicted_end(const state::LookupRecord& record, const std::optional<EtaReport>& earlier);

// The cadence of a job submitted at `submitted_at`, at instant `now`.
util::Duration cadence(const ScoreConfig& config, util::TimePoint submitted_at, util::TimePoint now);

// The first instant the cadence allows another poll of `record` (a pending job).
util::TimePoint earliest_poll(const ScoreConfig& config, const state::LookupRecord& record);

// The latest instant a poll leaves a poll at `end` allowed by the cadence, even if its request
// waits out a grouping window.
util::TimePoint refine_by(const ScoreConfig& config, util::TimePoint submitted_at, util::TimePoint end);

// When `record` is worth a request of its own, never before earliest_poll:
// - one report or none: as soon as the cadence allows; the answer is the second report that
//   calibrates it (one request per batch of young jobs);
// - a prediction too uncertain to aim at (two reports close together, long before the end): at
//   refine_by its end, for a report that pins the end down, and still leaves the end's poll allowed;
//   if that instant has passed, its end plus the uncertainty (a poll slightly late beats one that
//   comes too early and waits a whole cadence tick);
// - otherwise k_end_margin after its predicted end.

util::TimePoint next_useful_poll(const ScoreConfig& config, const state::LookupRecord& record,
                                 const std::optional<EtaReport>& earlier);

// A pending job and the instant it is worth a request (its next_useful_poll).
struct PollCandidate {
  util::TimePoint due;
  std::size_t index;  // into the records
};

// The pending jobs ranked by next_useful_poll, the earliest first. A job's next_useful_poll
// depends on its record and its earlier report alone, never on the instant, so the ranking changes
// only where a request changed a record: the provider re-ranks those (rank) rather than every job
// for each request and each wake-up. Re-ranked that way, it answers as one ranked afresh.
class PollSchedule {
 public:
  // Ranks every record afresh (the start of a run).
  void rank_all(const ScoreConfig& config, const std::vector<state::LookupRecord>& records, const EtaHistory& history);
  // Ranks the record at `index` again: to call whenever it or its entry in `history` changed.
  void rank(const ScoreConfig& config, const std::vector<state::LookupRecord>& records, const EtaHistory& history,
            std::size_t index);

  // The instant the next request should go: the latest next_useful_poll among the jobs due within
  // k_group_window of the first one, or the instant `max_ids` of them are due; nullopt when no job
  // is pending. Reads at most `max_ids` of the ranking.
  std::optional<util::TimePoint> next_due(std::size_t max_ids) const;

  // The job ids to ask about at `now`, at most `max_ids`; empty before next_due. Every job whose
  // next_useful_poll has come (the most overdue first), then, since an extra id costs nothing, jobs
  // the cadence allows whose poll now would not hold back their poll at the predicted end (a fresh
  // report sharpens the prediction), the nearest to their end first. The jobs not yet due are
  // looked at only when the due ones leave room for extras.
  std::vector<std::size_t> jobs_to_poll(const ScoreConfig& config, const std::vector<state::LookupRecord>& records,
                                        const EtaHistory& history, util::TimePoint now, std::size_t max_ids) const;

 private:
  struct ByDue {
    bool operator()(const PollCandidate& a, const PollCandidate& b) const;
  };
  std::set<PollCandidate, ByDue> m_ranked;
  std::vector<std::optional<util::TimePoint>> m_due_of;  // per record, its place in m_ranked if ranked
};

}  // namespace creatorscore
