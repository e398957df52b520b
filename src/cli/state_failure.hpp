#pragma once

// What `run` tells the user when the state file could not be written during the run (a full disk,
// most often): the engine kept what it held, submitted nothing more and collected the jobs already
// paid for (engine::RunOutcome::state_error). man/roster-enrich.1, "STATE FILE", documents it.

#include <optional>
#include <string>
#include <vector>

#include "state/lookup_record.hpp"

namespace cli {

struct StateFailure {
  std::string error;                        // the first failure's one-line message
  std::vector<std::size_t> unsaved;         // records paid for and not in the state file
  std::size_t skipped = 0;                  // lookups not submitted because of it
  std::string output;                       // where the output went ("-" = stdout)
  std::optional<std::string> output_error;  // why the output could not be written, if it could not
};

// One stderr line per job paid for and not saved, so nothing paid for is lost even when no file can
// be written: every such job when the output could not be written, else those still running (the
// output holds the rest). On stderr, not in a file: it needs no disk, and cron mails it.
std::vector<std::string> unsaved_job_lines(const StateFailure& failure,
                                           const std::vector<state::LookupRecord>& records);

// The last line (exit 73): what failed, what was kept where, and what to do next.
std::string state_failure_message(const StateFailure& failure,
                                  const std::vector<state::LookupRecord>& records);

}  // namespace cli
