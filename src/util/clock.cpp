#include "util/clock.hpp"

#include <cstdlib>
#include <string>
#include <thread>

namespace util {

namespace {
// How long one real sleep may last before the stop flag is looked at again: short enough that
// Ctrl-C feels immediate, long enough that an idle wait costs no measurable CPU.
constexpr std::chrono::milliseconds k_stop_check_interval{50};
}  // namespace

RealClock::RealClock(double time_scale, const std::atomic<bool>* stop_flag)
    : m_time_scale(time_scale > 0 ? time_scale : 1.0),
      m_stop_flag(stop_flag),
      m_origin(std::chrono::steady_clock::now()),
      m_origin_unix(scaled_unix_now(m_time_scale)) {}

Duration RealClock::scaled_unix_now(double time_scale) {
  // API time = E + (Unix time - E) x F, one time line for every process at scale F: an instant
  // stored by one invocation (a job's last poll, its expected end) is then in the past of the
  // next one, as it is at F = 1. Anchoring each process at its own Unix time put the previous
  // invocation's instants up to F times its run length into the future of the next one: a
  // resumed run with a --deadline shorter than that never polled again. E (2025-01-01) keeps the
  // product within range; for a scale too large for that, each process keeps its own anchor.
  constexpr double k_epoch_ms = 1'735'689'600'000.0;
  const auto unix_ms = std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
  const double scaled = k_epoch_ms + (static_cast<double>(unix_ms.count()) - k_epoch_ms) * time_scale;
  if (!(scaled > -4e18 && scaled < 4e18)) {
    return unix_ms;
  }
  return Duration(static_cast<long long>(scaled));
}

TimePoint RealClock::now() const {
  const auto real = std::chrono::steady_clock::now() - m_origin;
  const double api_ms = std::chrono::duration<double, std::milli>(real).count() * m_time_scale;
  return TimePoint{m_origin_unix + Duration(static_cast<long long>(api_ms))};
}

std::chrono::nanoseconds RealClock::to_real(Duration api_duration) const {
  const double ns = std::chrono::duration<double, std::nano>(api_duration).count() / m_time_scale;
  return std::chrono::nanoseconds(static_cast<long long>(ns));
}

bool RealClock::sleep_until(TimePoint deadline) {
  for (;;) {
    if (stop_requested()) {
      return false;
    }
    const Duration remaining = deadline - now();
    if (remaining <= Duration::zero()) {
      return true;
    }
    const auto real_remaining = to_real(remaining) + std::chrono::microseconds(100);
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(real_remaining, k_stop_check_interval));
  }
}

bool RealClock::stop_requested() const {
  return m_stop_flag != nullptr && m_stop_flag->load();
}

double time_scale_from_environment() {
  const char* value = std::getenv("ROSTER_ENRICH_TIME_SCALE");
  if (value == nullptr || *value == '\0') {
    return 1.0;
  }
  try {
    std::size_t used = 0;
    const double scale = std::stod(value, &used);
    if (used != std::string(value).size() || !(scale > 0) || scale > 1e9) {
      return 0;
    }
    return scale;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace util
