#pragma once

// Every wait in the program goes through a Clock, so unit tests run 90 simulated minutes in
// milliseconds (ManualClock in tests/unit/support) and ROSTER_ENRICH_TIME_SCALE divides every wait.
//
// Time here is "API time": the time the CreatorScore API and its cadence guidance speak in. With a
// time scale F, one real second is F API seconds, so waits of API durations take 1/F of the time.

#include <atomic>
#include <chrono>

namespace util {

using Duration = std::chrono::milliseconds;

// A steady, monotonic instant on a clock's own time line; only differences are meaningful.
struct TimePoint {
  Duration since_epoch{0};

  friend auto operator<=>(const TimePoint&, const TimePoint&) = default;
  friend TimePoint operator+(TimePoint t, Duration d) { return TimePoint{t.since_epoch + d}; }
  friend TimePoint operator-(TimePoint t, Duration d) { return TimePoint{t.since_epoch - d}; }
  friend Duration operator-(TimePoint a, TimePoint b) { return a.since_epoch - b.since_epoch; }
};

class Clock {
 public:
  virtual ~Clock() = default;

  // The current instant in API time.
  virtual TimePoint now() const = 0;

  // Waits until `deadline` (API time). Returns false when the wait was cut short because the stop
  // flag was raised (SIGINT/SIGTERM), true when the deadline was reached.
  virtual bool sleep_until(TimePoint deadline) = 0;

  bool sleep_for(Duration duration) { return sleep_until(now() + duration); }

  // True once a stop was requested; callers check it between units of work.
  virtual bool stop_requested() const = 0;
};

// The real clock: steady_clock, scaled, anchored at the (scaled) Unix time of its construction
// so that instants stored by one process (job submission times, last polls) mean the same to the
// next one: with a time scale F, API time is Unix time run F times faster from a fixed epoch, for
// every process alike (exact Unix time at F = 1). Sleeps wake early when `stop_flag` is raised.
class RealClock final : public Clock {
 public:
  // `time_scale` > 0: API time runs that many times faster than real time.
  // `stop_flag` may be null (never interrupted); it must outlive the clock.
  explicit RealClock(double time_scale = 1.0, const std::atomic<bool>* stop_flag = nullptr);

  TimePoint now() const override;
  bool sleep_until(TimePoint deadline) override;
  bool stop_requested() const override;

  double time_scale() const { return m_time_scale; }

  // Real time that an API-time duration takes at this scale.
  std::chrono::nanoseconds to_real(Duration api_duration) const;

 private:
  static Duration scaled_unix_now(double time_scale);

  double m_time_scale;
  const std::atomic<bool>* m_stop_flag;
  std::chrono::steady_clock::time_point m_origin;
  Duration m_origin_unix;
};

// Reads ROSTER_ENRICH_TIME_SCALE; 1 when unset. Returns 0 for a value that is not a positive
// number, so the caller can report a usage error.
double time_scale_from_environment();

}  // namespace util
