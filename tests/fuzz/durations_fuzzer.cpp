// libFuzzer target: any text as a Retry-After header and as a duration (--deadline, --slow-after,
// --poll-interval). Never a crash or undefined behaviour (signed overflow included); a parsed
// duration is never negative and format_duration() writes it as text that parses back to it; a
// Retry-After is never negative, and the wait the retry policy makes of it stays within [1 s, the
// cap]. Build and run with tests/fuzz/run_fuzz.sh durations.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "http/retry_policy.hpp"
#include "util/duration.hpp"

namespace {

using namespace std::chrono_literals;

void check_retry_after(std::string_view text, std::int64_t now) {
  const auto wait = http::parse_retry_after(text, now);
  if (!wait) {
    return;
  }
  if (wait->count() < 0) {
    std::abort();  // a wait in the past
  }
  http::RetryPolicy policy;
  for (int status : {429, 503}) {
    http::AttemptOutcome outcome;
    outcome.status = status;
    outcome.retry_after = wait;
    const http::RetryDecision decision = policy.decide(outcome, 1);
    if (!decision.retry || decision.delay < 1s || decision.delay > policy.config().max_retry_after) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto duration = util::parse_duration(text)) {
    if (duration->count() < 0) {
      std::abort();
    }
    const auto again = util::parse_duration(util::format_duration(*duration));
    if (!again || *again != *duration) {
      std::abort();  // the text we print is not read back as what it says
    }
    (void)util::format_whole_seconds(*duration);
  }

  // Retry-After against clocks from the epoch to far ahead, and against one taken from the input.
  for (std::int64_t now : {std::int64_t{0}, std::int64_t{1'780'000'000}, std::int64_t{253'402'300'799}}) {
    check_retry_after(text, now);
  }
  if (size >= 8) {
    std::int64_t now = 0;
    std::memcpy(&now, data, sizeof now);
    check_retry_after(text.substr(8), now);
    // Any count of milliseconds formats without overflow (differences of instants reach it).
    (void)util::format_duration(util::Duration(now));
  }
  return 0;
}
