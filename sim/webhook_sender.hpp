#pragma once

// Sends creatorscore-sim's webhook deliveries (sim/webhook_outbox.hpp) over HTTP: a thread of its own
// takes the attempts due from the model every few milliseconds, POSTs each to the webhook URL with
// the vendor's headers (X-CreatorScore-Event, -Signature, -Delivery, -Attempt, Content-Type
// application/json) and reports the status back. An answer slower than the vendor's 10 s (API time,
// at least 1 s of real time) counts as none. Only loopback URLs: the simulator never talks to
// another machine.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "sim/http_server.hpp"
#include "sim/model.hpp"
#include "util/expected.hpp"

namespace sim {

// The parts of an `http://HOST:PORT/PATH` URL whose HOST is a loopback address, or an error line.
struct WebhookTarget {
  std::string host;
  int port = 80;
  std::string path;
};
util::Expected<WebhookTarget, std::string> parse_webhook_url(const std::string& url);

class WebhookSender {
 public:
  // `model` and `server` must outlive the sender; `model` is reached only through server.with_model.
  WebhookSender(Simulator& model, HttpServer& server, WebhookTarget target, std::string secret);
  ~WebhookSender();  // stops
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void start();
  void stop();

 private:
  void run();
  int post(const WebhookAttempt& attempt);

  Simulator& m_model;
  HttpServer& m_server;
  WebhookTarget m_target;
  std::string m_secret;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace sim
