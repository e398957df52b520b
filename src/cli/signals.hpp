#pragma once

// SIGINT and SIGTERM raise one flag that every wait (util::Clock) watches, so the run stops
// cleanly: state committed, output written, exit 75. A second SIGINT exits at once with 75; the
// state is consistent at every instant, so nothing is lost by that either.

#include <atomic>

namespace cli {

// Installs the handlers (once) and returns the flag they raise.
const std::atomic<bool>& install_stop_handlers();

}  // namespace cli
