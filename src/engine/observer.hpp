#pragma once

// What the engine tells the outside world while it runs: progress for the live line, one event per
// batch and per poll round for log lines, and warnings. output/ implements it for terminals, logs
// and JSON events; tests record the events.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/platform.hpp"
#include "engine/provider.hpp"
#include "util/clock.hpp"

namespace engine {

// A snapshot of the whole run, for the live line and the final summary.
struct Progress {
  std::size_t unique = 0;      // unique valid lookups in the run
  std::size_t cached = 0;
  std::size_t scored = 0;
  std::size_t failed = 0;
  std::size_t not_found = 0;
  std::size_t errors = 0;      // per-item API errors
  std::size_t in_flight = 0;   // jobs queued or processing (`pending`)
  std::size_t unsubmitted = 0; // not sent yet
  std::size_t skipped = 0;     // budget or credits ran out
  std::int64_t credits_spent = 0;
  std::int64_t credits_refunded = 0;
  std::map<core::Platform, std::int64_t> credits_by_platform;
  std::optional<std::int64_t> balance;  // as last reported by the API
  std::optional<util::TimePoint> next_poll;
  util::Duration elapsed{0};
  std::uint64_t requests = 0;
  std::uint64_t rate_limit_waits = 0;
  // Each provider's own counts (Provider::progress), in the order the run was given them. The
  // fields above are CreatorScore's (ProgressSource, engine.hpp), as the live line prints them.
  std::vector<ProviderProgress> providers;

  std::size_t done() const { return cached + scored + failed + not_found + errors; }
};

struct BatchEvent {
  std::size_t submitted = 0;  // lookups in the request
  std::size_t cached = 0;
  std::size_t queued = 0;
  std::size_t deduplicated = 0;
  std::size_t errors = 0;
  std::int64_t credits_spent = 0;  // by this batch
};

struct PollEvent {
  std::size_t polled = 0;  // job ids asked about in this round
  std::size_t done = 0;    // of them, newly scored
  std::size_t failed = 0;
  std::size_t not_found = 0;
  std::size_t still_in_flight = 0;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_batch(const BatchEvent& /*event*/, const Progress& /*progress*/) {}
  virtual void on_poll_round(const PollEvent& /*event*/, const Progress& /*progress*/) {}
  // Called on every change and at least once per second of waiting (real or virtual).
  virtual void on_progress(const Progress& /*progress*/) {}
  virtual void on_warning(const std::string& /*message*/) {}
};

}  // namespace engine
