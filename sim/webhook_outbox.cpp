#include "sim/webhook_outbox.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace sim {

namespace {

// Distinct from the job and fault streams' seeds, so turning webhooks on changes no other draw.
constexpr std::uint64_t k_webhook_stream = 0x7765626865636b73ULL;

std::string delivery_id_of(Rng& rng) {
  char text[40];
  std::snprintf(text, sizeof text, "dlv_%016llx%08llx", static_cast<unsigned long long>(rng.next()),
                static_cast<unsigned long long>(rng.next() & 0xffffffffULL));
  return text;
}

}  // namespace

util::Duration webhook_retry_wait(int attempt) {
  using namespace std::chrono_literals;
  static constexpr std::array<std::chrono::seconds, 5> k_waits{30s, 1min, 5min, 30min, 2h};
  const auto index = static_cast<std::size_t>(std::clamp(attempt, 1, 5) - 1);
  return std::chrono::duration_cast<util::Duration>(k_waits[index]);
}

WebhookOutbox::WebhookOutbox(WebhookConfig config, std::uint64_t seed)
    : m_config(std::move(config)), m_rng(seed ^ k_webhook_stream) {}

void WebhookOutbox::queue(const std::string& event, const std::string& job_id, const Json& body,
                          util::TimePoint ended) {
  ++m_counts["deliveries"];
  WebhookAttempt attempt;
  attempt.delivery_id = delivery_id_of(m_rng);
  attempt.event = event;
  attempt.job_id = job_id;
  attempt.body = body.dump();
  // Every draw is made for every delivery, so one knob's value does not shift the others' draws.
  const bool dropped = m_rng.unit() < m_config.drop;
  attempt.bad_signature = m_rng.unit() < m_config.bad_signature;
  if (dropped) {
    ++m_counts["dropped"];
    return;
  }
  if (m_config.delay.count() > 0) {
    ++m_counts["delayed"];
  }
  m_pending.push_back({std::move(attempt), ended + m_config.delay});
}

std::vector<WebhookAttempt> WebhookOutbox::take_due(util::TimePoint now) {
  std::vector<WebhookAttempt> due;
  const auto first_later = std::stable_partition(
      m_pending.begin(), m_pending.end(), [now](const Pending& pending) { return pending.due <= now; });
  for (auto it = m_pending.begin(); it != first_later; ++it) {
    due.push_back(std::move(it->attempt));
  }
  m_pending.erase(m_pending.begin(), first_later);
  m_taken += static_cast<std::int64_t>(due.size());
  m_counts["attempts"] += static_cast<std::int64_t>(due.size());
  for (const WebhookAttempt& attempt : due) {
    if (attempt.bad_signature) {
      ++m_counts["bad_signature_attempts"];
    }
    if (attempt.duplicate_copy) {
      ++m_counts["duplicates_sent"];
    }
  }
  return due;
}

void WebhookOutbox::report(const WebhookAttempt& attempt, int status, util::TimePoint now) {
  --m_taken;
  ++m_by_status[status == 0 ? "no_answer" : std::to_string(status)];
  const bool success = status >= 200 && status < 300;
  if (attempt.duplicate_copy) {
    return;
  }
  if (success) {
    ++m_counts["delivered"];
    if (m_rng.unit() < m_config.duplicate) {
      WebhookAttempt copy = attempt;
      copy.duplicate_copy = true;
      m_pending.push_back({std::move(copy), now});
    }
    return;
  }
  ++m_counts["failed_attempts"];
  if (attempt.attempt >= k_webhook_max_attempts) {
    ++m_counts["gave_up"];
    return;
  }
  ++m_counts["retries"];
  WebhookAttempt next = attempt;
  ++next.attempt;
  m_pending.push_back({std::move(next), now + webhook_retry_wait(attempt.attempt)});
}

Json WebhookOutbox::stats() const {
  Json out = Json::object();
  for (const char* name : {"deliveries", "attempts", "delivered", "failed_attempts", "retries", "gave_up",
                           "dropped", "duplicates_sent", "bad_signature_attempts", "delayed"}) {
    const auto it = m_counts.find(name);
    out[name] = it == m_counts.end() ? 0 : it->second;
  }
  out["in_progress"] = static_cast<std::int64_t>(m_pending.size()) + m_taken;
  Json by_status = Json::object();
  for (const auto& [status, count] : m_by_status) {
    by_status[status] = count;
  }
  out["attempts_by_status"] = by_status;
  return out;
}

}  // namespace sim
