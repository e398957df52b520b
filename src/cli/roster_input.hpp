#pragma once

// Reading the roster for a command: options into roster::Options (usage errors exit 64), standard
// input or a pipe spooled to a file so it can be read twice (its digest in the index, for the state
// file), the first pass indexed.

#include <memory>

#include "cli/commands.hpp"
#include "roster/roster.hpp"

namespace cli {

struct LoadedRoster {
  std::unique_ptr<roster::SpooledInput> spool;  // set for `-` or a pipe; keeps the spool file alive
  roster::RosterIndex index;
  roster::Options options;
};

roster::Options to_reader_options(const RosterOptions& options);

// Throws core::Fatal with 64, 65 or 66 as the roster module reports.
LoadedRoster load_roster(const RosterOptions& options);

}  // namespace cli
