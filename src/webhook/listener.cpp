#include "webhook/listener.hpp"

#include <arpa/inet.h>
#include <httplib.h>

#include <atomic>
#include <charconv>
#include <mutex>
#include <thread>

#include "creatorscore/decode.hpp"
#include "util/text.hpp"
#include "webhook/delivery_ids.hpp"
#include "webhook/signature.hpp"

namespace webhook {

namespace {

// Set by the route handlers of the request the current worker thread is answering, read and
// cleared by the logger httplib calls on that same thread once the answer is written: a request the
// logger sees unmarked never reached a handler (httplib refused its size, or could not read it).
thread_local bool t_request_handled = false;

bool is_json_content_type(const std::string& header) {
  const std::string_view media = util::trim(std::string_view(header).substr(0, header.find(';')));
  return util::equals_ignoring_case(media, "application/json");
}

int attempt_of(const std::string& header) {
  int attempt = 0;
  const auto [end, error] = std::from_chars(header.data(), header.data() + header.size(), attempt);
  return error == std::errc{} && end == header.data() + header.size() && attempt > 0 ? attempt : 0;
}

void answer(httplib::Response& response, int status, const char* text) {
  response.status = status;
  response.set_content(std::string(text) + "\n", "text/plain");
}

}  // namespace

const char* reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::method:
      return "method";
    case RejectReason::content_type:
      return "content_type";
    case RejectReason::too_large:
      return "too_large";
    case RejectReason::unreadable:
      return "unreadable";
    case RejectReason::signature:
      return "signature";
    case RejectReason::no_delivery_id:
      return "no_delivery_id";
    case RejectReason::bad_payload:
      return "bad_payload";
    case RejectReason::sink_failed:
      return "sink_failed";
  }
  return "unknown";
}

std::int64_t ListenerCounters::rejected_total() const {
  std::int64_t total = 0;
  for (const auto& [reason, count] : rejected) {
    total += count;
  }
  return total;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") {
    return true;
  }
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) {
      return true;
    }
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;  // a name: what it resolves to is not ours to trust
}

struct Listener::Impl {
  ListenerConfig config;
  Secret secret;
  DeliverySink& sink;
  std::unique_ptr<httplib::Server> server;
  int port = -1;
  bool tls = false;
  std::thread serving;
  std::atomic<bool> finished{false};

  mutable std::mutex mutex;  // the counters, the delivery ids, and one delivery at a time to the sink
  ListenerCounters counters;
  DeliveryIds delivered;

  Impl(ListenerConfig listener_config, Secret signing_secret, DeliverySink& delivery_sink)
      : config(std::move(listener_config)),
        secret(std::move(signing_secret)),
        sink(delivery_sink),
        delivered(config.remembered_deliveries) {}

  void reject(RejectReason reason) {
    const std::lock_guard<std::mutex> lock(mutex);
    ++counters.rejected[reason];
  }

  void refuse_method(const httplib::Request&, httplib::Response& response) {
    t_request_handled = true;
    count_received();
    reject(RejectReason::method);
    response.set_header("Allow", "POST");
    answer(response, 405, "only POST");
  }

  void count_received() {
    const std::lock_guard<std::mutex> lock(mutex);
    ++counters.received;
  }

  void handle_post(const httplib::Request& request, httplib::Response& response) {
    t_request_handled = true;
    count_received();
    if (!is_json_content_type(request.get_header_value("Content-Type"))) {
      reject(RejectReason::content_type);
      return answer(response, 415, "Content-Type must be application/json");
    }
    // The raw body, exactly as received: the signature covers these bytes, not a re-encoding.
    if (!signature_matches(secret, request.body, request.get_header_value("X-CreatorScore-Signature"))) {
      reject(RejectReason::signature);
      return answer(response, 401, "bad signature");
    }
    const std::string delivery_id = request.get_header_value("X-CreatorScore-Delivery");
    if (delivery_id.empty()) {
      reject(RejectReason::no_delivery_id);
      return answer(response, 400, "no X-CreatorScore-Delivery");
    }
    const std::lock_guard<std::mutex> lock(mutex);
    if (delivered.contains(delivery_id)) {
      ++counters.duplicated;
      return answer(response, 200, "ok (duplicate)");
    }
    auto event = creatorscore::decode_webhook_event(request.body);
    if (!event) {
      ++counters.rejected[RejectReason::bad_payload];
      return answer(response, 400, "the body is not a score.completed or score.failed event");
    }
    const Delivery delivery{delivery_id, attempt_of(request.get_header_value("X-CreatorScore-Attempt")),
                            std::move(*event)};
    // The answer is written only after deliver() has returned, so what it stored is durable first.
    switch (sink.deliver(delivery)) {
      case SinkVerdict::stored:
        ++counters.accepted;
        break;
      case SinkVerdict::already_had:
        ++counters.duplicated;
        break;
      case SinkVerdict::unknown_job:
        ++counters.unknown_job;
        break;
      case SinkVerdict::failed:
        // Not remembered: the vendor's retry must reach the sink again.
        ++counters.rejected[RejectReason::sink_failed];
        return answer(response, 503, "not stored; try again later");
    }
    delivered.remember(delivery_id);
    answer(response, 200, "ok");
  }

  // Called by httplib after every answer, on the thread that wrote it.
  void after_answer(const httplib::Request& request, const httplib::Response& response) {
    const bool handled = t_request_handled;
    t_request_handled = false;
    if (handled || request.path != k_webhook_path) {
      return;
    }
    const std::lock_guard<std::mutex> lock(mutex);
    ++counters.received;
    ++counters.rejected[response.status == 413 ? RejectReason::too_large : RejectReason::unreadable];
  }

  void install_routes() {
    httplib::Server& s = *server;
    s.set_payload_max_length(config.max_body);
    s.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(config.read_timeout));
    s.set_write_timeout(std::chrono::seconds(10));
    s.set_keep_alive_timeout(5);
    s.Post(k_webhook_path, [this](const httplib::Request& request, httplib::Response& response) {
      handle_post(request, response);
    });
    const auto refuse = [this](const httplib::Request& request, httplib::Response& response) {
      refuse_method(request, response);
    };
    s.Get(k_webhook_path, refuse);
    s.Put(k_webhook_path, refuse);
    s.Patch(k_webhook_path, refuse);
    s.Delete(k_webhook_path, refuse);
    s.Options(k_webhook_path, refuse);
    s.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
      after_answer(request, response);
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
      answer(response, 500, "internal error");
    });
  }
};

Listener::Listener(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Listener::~Listener() { stop(); }

util::Expected<std::unique_ptr<Listener>, std::string> Listener::start(ListenerConfig config, Secret secret,
                                                                       DeliverySink& sink) {
  const std::string where = config.host + ":" + std::to_string(config.port);
  const bool tls = !config.tls_cert_file.empty() || !config.tls_key_file.empty();
  if (tls && (config.tls_cert_file.empty() || config.tls_key_file.empty())) {
    return util::unexpected(
        "the webhook listener needs both --webhook-tls-cert and --webhook-tls-key, "
        "or neither");
  }
  if (!tls && !is_loopback_host(config.host)) {
    return util::unexpected("the webhook listener serves plain HTTP on loopback addresses only, not " +
                            where +
                            ": listen on 127.0.0.1 behind an HTTPS proxy, or give --webhook-tls-cert and "
                            "--webhook-tls-key");
  }
  auto impl = std::make_unique<Impl>(std::move(config), std::move(secret), sink);
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(impl->config.tls_cert_file.c_str(),
                                                    impl->config.tls_key_file.c_str());
    if (!ssl->is_valid()) {
      return util::unexpected("cannot load the webhook TLS certificate " + impl->config.tls_cert_file +
                              " or its key " + impl->config.tls_key_file +
                              ": are both readable PEM files "
                              "of one pair?");
    }
    impl->server = std::move(ssl);
    impl->tls = true;
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  impl->install_routes();
  const std::string host = impl->config.host == "localhost" ? "127.0.0.1" : impl->config.host;
  if (impl->config.port == 0) {
    impl->port = impl->server->bind_to_any_port(host);
  } else {
    impl->port = impl->server->bind_to_port(host, impl->config.port) ? impl->config.port : -1;
  }
  if (impl->port <= 0) {
    return util::unexpected("cannot listen for webhooks on " + where +
                            ": is the address this machine's and the port free?");
  }
  Impl* raw = impl.get();
  // Bound and listening already: connections queue until the thread accepts them.
  raw->serving = std::thread([raw] {
    raw->server->listen_after_bind();
    raw->finished = true;
  });
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

int Listener::port() const { return m_impl->port; }

bool Listener::uses_tls() const { return m_impl->tls; }

ListenerCounters Listener::counters() const {
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->counters;
}

void Listener::stop() {
  if (!m_impl || !m_impl->serving.joinable()) {
    return;
  }
  // httplib's stop() does nothing until listening has begun: repeat until the thread has ended.
  while (!m_impl->finished) {
    m_impl->server->stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  m_impl->serving.join();
}

}  // namespace webhook
