#include "sim/webhook_sender.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "webhook/listener.hpp"
#include "webhook/signature.hpp"

namespace sim {

namespace {

// A wrong signature of the right shape: what a forger or a rotated secret sends.
std::string bad_signature_of(const std::string& signature) {
  std::string wrong = signature;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  return wrong;
}

}  // namespace

util::Expected<WebhookTarget, std::string> parse_webhook_url(const std::string& url) {
  constexpr std::string_view k_scheme = "http://";
  if (url.rfind(k_scheme, 0) != 0) {
    return util::unexpected("--webhook-url must be http://HOST:PORT/PATH on loopback, got '" + url + "'");
  }
  const std::string rest = url.substr(k_scheme.size());
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  WebhookTarget target;
  target.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    target.host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
      port_text = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    target.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (!port_text.empty()) {
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), target.port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || target.port <= 0 ||
        target.port > 65535) {
      return util::unexpected("--webhook-url has a bad port: '" + url + "'");
    }
  }
  if (!webhook::is_loopback_host(target.host)) {
    return util::unexpected(
        "--webhook-url must name a loopback address (the simulator sends nowhere else), got '" + url + "'");
  }
  return target;
}

WebhookSender::WebhookSender(Simulator& model, HttpServer& server, WebhookTarget target, std::string secret)
    : m_model(model), m_server(server), m_target(std::move(target)), m_secret(std::move(secret)) {}

WebhookSender::~WebhookSender() { stop(); }

void WebhookSender::start() {
  m_thread = std::thread([this] { run(); });
}

void WebhookSender::stop() {
  m_stopping = true;
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

int WebhookSender::post(const WebhookAttempt& attempt) {
  httplib::Client client(m_target.host, m_target.port);
  // The vendor waits 10 s for an answer; in API time, but never under 1 s of real time.
  const double real_seconds = std::max(1.0, 10.0 / m_server.time_scale());
  const auto timeout = std::chrono::microseconds(static_cast<std::int64_t>(real_seconds * 1e6));
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  std::string signature = "";
  if (auto secret = webhook::Secret::from(m_secret)) {
    signature = webhook::sign(*secret, attempt.body);
  }
  if (attempt.bad_signature) {
    signature = bad_signature_of(signature.empty() ? std::string(64, '0') : signature);
  }
  const httplib::Headers headers{{"X-CreatorScore-Event", attempt.event},
                                 {"X-CreatorScore-Signature", signature},
                                 {"X-CreatorScore-Delivery", attempt.delivery_id},
                                 {"X-CreatorScore-Attempt", std::to_string(attempt.attempt)}};
  const auto result = client.Post(m_target.path, headers, attempt.body, "application/json");
  return result ? result->status : 0;
}

void WebhookSender::run() {
  while (!m_stopping) {
    std::vector<WebhookAttempt> due;
    m_server.with_model([&](util::TimePoint now) { due = m_model.take_due_webhooks(now); });
    for (const WebhookAttempt& attempt : due) {
      const int status = m_stopping ? 0 : post(attempt);
      m_server.with_model([&](util::TimePoint now) { m_model.webhook_answered(attempt, status, now); });
    }
    if (due.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace sim
