#pragma once

// CreatorAudit's own pacer (http::Pacer), apart from CreatorScore's fixed-window limiter: it learns
// the limit at run time from the X-RateLimit-Limit, -Remaining and -Reset headers of each answer
// (no limit number is published).
//   - Remaining 0: nothing is sent before Reset has passed. Reset is the number of seconds until
//     the window has room again, counted from the instant the answer arrived; a value above 10^9
//     is a Unix time instead. After that wait the next answer's Remaining is trusted, not a refill.
//   - Remaining low (at most a quarter of the limit, or 4 without a limit): the requests left are
//     spread over the time until Reset, so a run slows down before it runs out.
//   - Before any header is seen (or while answers carry none): one request at a time, each at
//     least `unlearnt_interval` after the previous answer.
// Retry-After (block_until) holds everything back as well. Every wait goes through util::Clock.
// Driven from one thread, like http::Client, which sends one request at a time.

#include <cstdint>
#include <functional>
#include <optional>

#include "http/pacer.hpp"
#include "util/clock.hpp"

namespace creatoraudit {

struct HeaderPacerConfig {
  util::Duration unlearnt_interval = std::chrono::seconds(1);
  util::Duration max_reset_wait = std::chrono::hours(1);  // a longer (or hostile) Reset is capped
  // Unix time now, for a Reset given as a Unix time; the system clock when empty (tests inject).
  std::function<std::int64_t()> unix_now;
};

// What the headers taught so far (for `account` and the tests); unset parts were never sent.
struct LearntLimit {
  std::optional<long long> limit;
  std::optional<long long> remaining;       // as last sent, less the requests sent since
  std::optional<util::TimePoint> reset_at;  // when the window has room again
};

class HeaderPacer final : public http::Pacer {
 public:
  explicit HeaderPacer(util::Clock& clock, HeaderPacerConfig config = {});

  bool acquire(bool* waited = nullptr) override;
  void settle_last(util::TimePoint answered) override;
  void block_until(util::TimePoint instant) override;
  void learn(const http::Response& response) override;

  // When the next request could go without waiting.
  util::TimePoint next_free() const;
  const LearntLimit& learnt() const { return m_learnt; }

 private:
  util::Clock& m_clock;
  HeaderPacerConfig m_config;
  LearntLimit m_learnt;
  bool m_sent_any = false;
  util::TimePoint m_last_answer{};
  util::Duration m_spacing{0};  // between requests while Remaining is low
  util::TimePoint m_blocked_until{};
};

// A header's value as a non-negative number ("12", "1.5"); nullopt for anything else.
std::optional<double> parse_rate_limit_number(std::string_view value);

}  // namespace creatoraudit
