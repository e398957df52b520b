#include "cli/state_failure.hpp"

#include <doctest/doctest.h>

#include "support/lookup_records.hpp"

using core::LookupStatus;

namespace {

const std::string k_full =
    "cannot write the state file /s.db: database or disk is full (save results); free some disk space or "
    "pass "
    "--state FILE";

// Creator 0 scored, 1 still running, 2 skipped; 0 and 1 paid for and not saved.
std::vector<state::LookupRecord> records() {
  auto records = test::numbered_lookups(3);
  records[0].status = LookupStatus::scored;
  records[0].job_id = "job-0";
  records[0].credits_charged = 1;
  records[1].status = LookupStatus::pending;
  records[1].job_id = "job-1";
  records[1].credits_charged = 1;
  records[2].status = LookupStatus::skipped;
  return records;
}

}  // namespace

TEST_SUITE("cli::state_failure") {
  TEST_CASE(
      "unsaved_job_lines: the running jobs when the output holds the rest, every job when it could not") {
    const auto held = records();
    cli::StateFailure failure{k_full, {0, 1}, 1, "out.csv", std::nullopt};
    CHECK(cli::unsaved_job_lines(failure, held) ==
          std::vector<std::string>{
              "paid for, not in the state file: job job-1 tiktok creator_1 (pending, charged 1 credit)"});
    failure.output_error = "cannot write out.csv: No space left on device";
    CHECK(cli::unsaved_job_lines(failure, held).size() == 2);
  }

  TEST_CASE("state_failure_message: what failed, where the paid jobs are, and when to run again") {
    const auto held = records();
    cli::StateFailure failure{k_full, {0, 1}, 1, "out.csv", std::nullopt};
    const std::string message = cli::state_failure_message(failure, held);
    CHECK(message.find("cannot write the state file /s.db: database or disk is full (save results); ") == 0);
    CHECK(message.find("2 jobs paid for are in out.csv but not in the state file, 1 of them still running") !=
          std::string::npos);
    CHECK(message.find("once the running jobs have ended") != std::string::npos);
    CHECK(message.find("run the same command again to submit the 1 lookups skipped") != std::string::npos);
    CHECK(message.find("pass --state FILE") == std::string::npos);  // the store's advice is replaced
    CHECK(message.find('\n') == std::string::npos);

    failure.unsaved = {};
    CHECK(cli::state_failure_message(failure, held).find("every job paid for is in the state file") !=
          std::string::npos);
    failure.unsaved = {0};
    failure.output_error = "cannot write out.csv: No space left on device";
    const std::string nothing_written = cli::state_failure_message(failure, held);
    CHECK(nothing_written.find("the output could not be written either") != std::string::npos);
    CHECK(nothing_written.find("listed above") != std::string::npos);
    CHECK(nothing_written.find("cached now and cost nothing again") != std::string::npos);
  }
}
