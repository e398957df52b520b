// PollSchedule keeps the ranking of pending jobs across requests; it must answer exactly as a
// PollSchedule that ranks every record afresh. Random records and random
// requests (each touching a few records, as the engine's do), compared at many instants.

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "creatorscore/poll_scheduler.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;
using core::LookupStatus;
using test::at;

namespace {

class RandomJobs {
 public:
  explicit RandomJobs(unsigned seed) : m_random(seed) {}

  int between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_random); }
  util::Duration seconds_between(int low, int high) { return util::Duration(std::chrono::seconds(between(low, high))); }
  bool one_in(int n) { return between(1, n) == 1; }

  // Gives the record a random state a run can reach: mostly a pending job with zero, one or two
  // reports (the second consistent with an eta off by a factor, sometimes not), else final.
  void reshape(state::LookupRecord& record, std::optional<creatorscore::EtaReport>& earlier, std::size_t i) {
    record = {};
    record.index = i;
    record.handle = "h" + std::to_string(i);
    earlier.reset();
    if (one_in(5)) {
      record.status = one_in(2) ? LookupStatus::scored : LookupStatus::unsubmitted;
      return;
    }
    record.status = LookupStatus::pending;
    record.job_id = one_in(30) ? "" : "job-" + std::to_string(i);
    const util::TimePoint submitted = at(seconds_between(0, 3600));
    record.submitted_at = submitted;
    const util::TimePoint last = submitted + seconds_between(0, 2400);
    if (!one_in(6)) {
      record.last_polled_at = last;
    }
    if (one_in(8)) {
      return;  // no eta reported
    }
    const util::TimePoint reported = record.last_polled_at.value_or(submitted);
    const util::Duration eta = seconds_between(0, 2400);
    record.expected_done_at = reported + eta;
    if (one_in(3)) {
      return;  // one report so far
    }
    const util::Duration span = seconds_between(5, 900);
    const double rate = std::uniform_real_distribution<double>(0.3, 2.4)(m_random);
    earlier = creatorscore::EtaReport{reported - span,
                                eta + std::chrono::round<util::Duration>(std::chrono::duration<double>(
                                          rate * std::chrono::duration<double>(span).count()))};
  }

 private:
  std::mt19937 m_random;
};

void check_same_answers(const creatorscore::ScoreConfig& config, const creatorscore::PollSchedule& schedule,
                        const std::vector<state::LookupRecord>& records, const creatorscore::EtaHistory& history,
                        RandomJobs& random) {
  creatorscore::PollSchedule fresh;
  fresh.rank_all(config, records, history);
  for (const std::size_t max_ids : {std::size_t{3}, std::size_t{100}}) {
    const auto due = fresh.next_due(max_ids);
    REQUIRE(schedule.next_due(max_ids) == due);
    std::vector<util::TimePoint> instants = {at(random.seconds_between(0, 7200)), at(random.seconds_between(0, 7200))};
    if (due) {
      instants.insert(instants.end(), {*due - 1s, *due, *due + random.seconds_between(1, 600)});
    }
    for (const util::TimePoint now : instants) {
      CHECK(schedule.jobs_to_poll(config, records, history, now, max_ids) ==
            fresh.jobs_to_poll(config, records, history, now, max_ids));
    }
  }
}

}  // namespace

TEST_SUITE("creatorscore::PollSchedule") {
  TEST_CASE("PollSchedule: re-ranking what each request touched answers as ranking every job afresh") {
    creatorscore::ScoreConfig quick;
    quick.poll_interval = 2min;
    quick.slow_after = 10min;
    quick.slow_poll_interval = 7min;
    for (const creatorscore::ScoreConfig& config : {creatorscore::ScoreConfig{}, quick}) {
      for (unsigned seed = 1; seed <= 20; ++seed) {
        CAPTURE(seed);
        RandomJobs random(seed);
        std::vector<state::LookupRecord> records(150);
        creatorscore::EtaHistory history(records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
          random.reshape(records[i], history[i], i);
        }
        creatorscore::PollSchedule schedule;
        schedule.rank_all(config, records, history);
        check_same_answers(config, schedule, records, history, random);
        for (int request = 0; request < 40; ++request) {
          const int touched = random.between(1, 12);
          for (int k = 0; k < touched; ++k) {
            const auto i = static_cast<std::size_t>(random.between(0, 149));
            random.reshape(records[i], history[i], i);
            schedule.rank(config, records, history, i);
          }
          check_same_answers(config, schedule, records, history, random);
        }
      }
    }
  }

  TEST_CASE("PollSchedule: a job that ended leaves the ranking; none pending means nothing due") {
    creatorscore::ScoreConfig config;
    std::vector<state::LookupRecord> records(2);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].status = LookupStatus::pending;
      records[i].job_id = "job-" + std::to_string(i);
      records[i].submitted_at = at(0s);
      records[i].last_polled_at = at(std::chrono::seconds(10 * i));
    }
    creatorscore::EtaHistory history(records.size());
    creatorscore::PollSchedule schedule;
    schedule.rank_all(config, records, history);
    CHECK(schedule.next_due(100) == at(70s));  // both within the grouping window: the later one
    CHECK(schedule.jobs_to_poll(config, records, history, at(70s), 100) == std::vector<std::size_t>{0, 1});
    records[1].status = LookupStatus::scored;
    schedule.rank(config, records, history, 1);
    CHECK(schedule.next_due(100) == at(60s));
    CHECK(schedule.jobs_to_poll(config, records, history, at(60s), 100) == std::vector<std::size_t>{0});
    records[0].status = LookupStatus::failed;
    schedule.rank(config, records, history, 0);
    CHECK_FALSE(schedule.next_due(100).has_value());
    CHECK(schedule.jobs_to_poll(config, records, history, at(60s), 100).empty());
  }
}
