#include "cli/state_failure.hpp"

#include "core/platform.hpp"

namespace cli {

namespace {

bool still_running(const state::LookupRecord& record) { return record.status == core::LookupStatus::pending; }

std::size_t count_running(const StateFailure& failure, const std::vector<state::LookupRecord>& records) {
  std::size_t running = 0;
  for (std::size_t index : failure.unsaved) {
    running += still_running(records[index]) ? 1 : 0;
  }
  return running;
}

// "cannot write the state file F: database or disk is full (save results)": the store's message
// without its advice, which the caller replaces with advice for this case.
std::string without_advice(const std::string& message) {
  const std::size_t advice = message.rfind("; ");
  return advice == std::string::npos ? message : message.substr(0, advice);
}

}  // namespace

std::vector<std::string> unsaved_job_lines(const StateFailure& failure,
                                           const std::vector<state::LookupRecord>& records) {
  std::vector<std::string> lines;
  for (std::size_t index : failure.unsaved) {
    const state::LookupRecord& record = records[index];
    if (!failure.output_error && !still_running(record)) {
      continue;
    }
    lines.push_back("paid for, not in the state file: job " + record.job_id + " " +
                    std::string(core::platform_name(record.platform)) + " " + record.handle + " (" +
                    std::string(core::status_name(record.status)) + ", charged " +
                    std::to_string(record.credits_charged) +
                    (record.credits_charged == 1 ? " credit)" : " credits)"));
  }
  return lines;
}

std::string state_failure_message(const StateFailure& failure,
                                  const std::vector<state::LookupRecord>& records) {
  std::string message = without_advice(failure.error);
  const std::size_t paid = failure.unsaved.size();
  const std::size_t running = count_running(failure, records);
  std::string again = "free some space and run the same command again";
  if (failure.skipped > 0) {
    again += " to submit the " + std::to_string(failure.skipped) + " lookups skipped";
  }
  if (paid == 0) {
    return message + "; every job paid for is in the state file: " + again;
  }
  if (failure.output_error) {
    message += "; the output could not be written either (" + *failure.output_error + "): the " +
               std::to_string(paid) + " jobs paid for and not saved are listed above";
  } else {
    const std::string where = failure.output == "-" ? "the output" : failure.output;
    message += "; " + std::to_string(paid) + " jobs paid for are in " + where + " but not in the state file";
    if (running > 0) {
      message += ", " + std::to_string(running) + " of them still running (listed above)";
    }
  }
  if (running > 0) {
    return message + ": " + again + " once the running jobs have ended (sooner, the API charges them again)";
  }
  return message + ": " + again + "; their scores are cached now and cost nothing again";
}

}  // namespace cli
