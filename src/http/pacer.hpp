#pragma once

// What http::Client asks before each attempt and tells after it: the seam that lets each API pace
// its own way. http::RateLimiter counts requests in a fixed window (CreatorScore); a pacer that
// learns its limit from response headers (creatoraudit::HeaderPacer) reads every answer.
// Like the client, a pacer is driven from one thread, one request at a time.

#include "http/transport.hpp"
#include "util/clock.hpp"

namespace http {

class Pacer {
 public:
  virtual ~Pacer() = default;

  // Waits (through the clock) until one more request may go, then records it as sent now.
  // Returns false, recording nothing, when the wait was cut short by a stop. `waited` is set to
  // whether any wait was needed.
  virtual bool acquire(bool* waited = nullptr) = 0;

  // The answer to the last acquired request arrived at `answered` (or the transport gave up then).
  virtual void settle_last(util::TimePoint answered) = 0;

  // Holds every request back until `instant` (a Retry-After), without recording one.
  virtual void block_until(util::TimePoint instant) = 0;

  // Every response as it arrives, right after settle_last; a pacer that learns from headers reads
  // them here. The default ignores it.
  virtual void learn(const Response& response) { (void)response; }
};

}  // namespace http
