#pragma once

// The webhook listener: `POST /creatorscore/webhook` on cpp-httplib, for the deliveries CreatorScore
// sends when a job ends (README, "Webhooks"; docs/webhooks.md says what is wired and what is next).
//
// Each request, in this order, the first failing check deciding the answer:
//   not POST                                   405 (Allow: POST)      rejected: method
//   Content-Type not application/json           415                    rejected: content_type
//   body over `max_body` (1 MiB)                413, body not read     rejected: too_large
//   a body slower than `read_timeout` per read  400 or closed          rejected: unreadable
//   X-CreatorScore-Signature not the HMAC       401                    rejected: signature
//   no X-CreatorScore-Delivery                  400                    rejected: no_delivery_id
//   a delivery id answered before               200, sink not called   duplicated
//   body not a score.completed/score.failed     400                    rejected: bad_payload
//   the sink: stored / already_had / unknown_job / failed
//                                               200 / 200 / 200 / 503  accepted / duplicated /
//                                                                      unknown_job / rejected: sink_failed
// Nothing unsigned reaches the sink or the de-duplication set, so a forged request can neither store
// a result nor make a later genuine delivery look like a duplicate. Deliveries reach the sink one at
// a time (the listener's lock), so two copies of one delivery arriving together are told apart.
// The secret and the bodies are never logged; the listener writes nothing itself.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "util/expected.hpp"
#include "webhook/delivery_sink.hpp"
#include "webhook/secret.hpp"

namespace webhook {

inline constexpr const char* k_webhook_path = "/creatorscore/webhook";
inline constexpr std::size_t k_default_max_body = 1024 * 1024;

struct ListenerConfig {
  std::string host = "127.0.0.1";  // a loopback address unless both TLS files are given
  int port = 0;                    // 0: a free port (Listener::port tells which)
  std::string tls_cert_file;       // PEM; with tls_key_file, serve HTTPS (then any address)
  std::string tls_key_file;
  std::size_t max_body = k_default_max_body;
  // Longest wait for the next bytes of a request (a slow or stalled sender): the vendor itself gives
  // up after 10 s, so a genuine delivery never needs longer between two reads.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::size_t remembered_deliveries = 100000;  // de-duplication memory (DeliveryIds)
};

// Why a request was refused (the counters' names).
enum class RejectReason {
  method,          // not POST
  content_type,    // not application/json
  too_large,       // over max_body
  unreadable,      // the body did not arrive in full: a sender slower than read_timeout, a cut connection
  signature,       // X-CreatorScore-Signature missing or wrong
  no_delivery_id,  // signed, but no X-CreatorScore-Delivery
  bad_payload,     // signed, but not an event we know
  sink_failed,     // could not be made durable
};
const char* reject_reason_name(RejectReason reason);

struct ListenerCounters {
  std::int64_t received = 0;     // requests to the webhook path, whatever came of them
  std::int64_t accepted = 0;     // stored by the sink
  std::int64_t duplicated = 0;   // a delivery id seen before, or a job end the sink already had
  std::int64_t unknown_job = 0;  // signed and well-formed, but for no job the run holds
  std::map<RejectReason, std::int64_t> rejected;

  std::int64_t rejected_total() const;
};

// True for an IPv4 address in 127.0.0.0/8, ::1, ::ffff:127.x.y.z, or `localhost`.
bool is_loopback_host(const std::string& host);

class Listener {
 public:
  // Binds and starts serving on a thread of its own. Errors are one line: a non-loopback address
  // without TLS (say --webhook-tls-cert and --webhook-tls-key, or a loopback address), one TLS file
  // without the other, TLS files that do not load, an address that cannot be bound.
  static util::Expected<std::unique_ptr<Listener>, std::string> start(ListenerConfig config, Secret secret,
                                                                      DeliverySink& sink);
  ~Listener();  // stops
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int port() const;
  bool uses_tls() const;
  ListenerCounters counters() const;
  // Stops accepting and waits for the serving thread; requests in progress end first.
  void stop();

 private:
  struct Impl;
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace webhook
