#pragma once

// The seam between the run loop and one API (docs/providers.md, ARCHITECTURE.md). The engine drives
// a list of providers on one thread: each pass it lets every provider send at most one request that
// is due, and when none is due it sleeps until the earliest next_due() of any, so waiting for one
// API's results overlaps waiting for the other's. A provider owns its client, pacing, decoding and
// lifecycle, and makes every answer durable through state::Store before acting on it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/exit_code.hpp"
#include "util/clock.hpp"

namespace engine {

// How a start that may have taken effect without our knowing (a kill or a dropped connection
// between the request and its saved answer) is made harmless to repeat.
enum class RepeatSafety {
  server_deduplication,     // the API answers a repeated start with what it already holds (CreatorScore)
  durable_idempotency_key,  // the key is in the state file before the request and re-sent (CreatorAudit)
};

// One provider's counts for the live line and the summary.
struct ProviderProgress {
  std::string name;          // "creatorscore", "creatoraudit"
  std::size_t covered = 0;   // unique lookups this provider serves in this run
  std::size_t done = 0;      // of them, with their final result (success or not)
  std::size_t waiting = 0;   // started, awaiting the API (jobs running, first refresh pending)
  std::size_t failed = 0;    // ended without a result (error, not_tracked, quota_exceeded, ...)
  std::size_t not_covered = 0;  // lookups on platforms it does not serve (no request)
  std::optional<util::TimePoint> next_due;
};

// What one provider's part of a run came to; the CLI maps it to PRODUCT.md's exit codes.
struct ProviderOutcome {
  // A limit left covered lookups without a start: credits or --max-credits, the plan's quota or
  // --audit-max-new (exit 3).
  bool limit_left = false;
  // Some covered lookup ended error or not_tracked (exit 1).
  bool some_failed = false;
  // Work was left when the loop stopped (deadline or signal): lookups still pending (exit 75).
  bool pending_left = false;
  // The API failed for good or rejected the key (69, 77), or the state file failed (73); the
  // message names the provider. This provider stopped there; the others went on.
  std::optional<core::ExitCode> fatal_code;
  std::string fatal_message;
};

class Provider {
 public:
  virtual ~Provider() = default;

  virtual std::string_view name() const = 0;
  virtual RepeatSafety repeat_safety() const = 0;

  // Sends at most one request that is due at the clock's now and makes its answer durable.
  // Returns false when nothing was due (then next_due() says when something will be).
  virtual bool step() = 0;

  // When step() will next have a request to send; nullopt once this provider has nothing left to
  // do (every lookup it covers has its final result, a limit or a fatal error stopped it).
  virtual std::optional<util::TimePoint> next_due() const = 0;

  virtual ProviderProgress progress() const = 0;

  // Once the loop has stopped (everything done, deadline, signal): makes what is held durable and
  // says how this provider ended.
  virtual ProviderOutcome finish() = 0;
};

}  // namespace engine
