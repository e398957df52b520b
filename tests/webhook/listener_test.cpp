#include "webhook/listener.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "webhook/signature.hpp"

namespace {

using namespace std::chrono_literals;

constexpr const char* k_listener_test_secret = "whsec_listener_test";

// A DeliverySink that keeps what it stored in memory: the jobs it knows, each stored once.
class RecordingSink : public webhook::DeliverySink {
 public:
  explicit RecordingSink(std::set<std::string> known_jobs) : m_known(std::move(known_jobs)) {}

  webhook::SinkVerdict deliver(const webhook::Delivery& delivery) override {
    const std::lock_guard<std::mutex> lock(m_mutex);
    ++m_calls;
    if (!m_known.contains(delivery.event.job.job_id)) {
      return webhook::SinkVerdict::unknown_job;
    }
    if (m_fail) {
      return webhook::SinkVerdict::failed;
    }
    if (!m_stored.insert(delivery.event.job.job_id).second) {
      return webhook::SinkVerdict::already_had;
    }
    m_deliveries.push_back(delivery);
    return webhook::SinkVerdict::stored;
  }

  int calls() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_calls;
  }
  std::vector<webhook::Delivery> deliveries() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_deliveries;
  }
  void set_failing(bool fail) {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_fail = fail;
  }

 private:
  mutable std::mutex m_mutex;
  std::set<std::string> m_known;
  std::set<std::string> m_stored;
  std::vector<webhook::Delivery> m_deliveries;
  int m_calls = 0;
  bool m_fail = false;
};

webhook::Secret listener_secret() { return *webhook::Secret::from(k_listener_test_secret); }

std::unique_ptr<webhook::Listener> start_listener(RecordingSink& sink, webhook::ListenerConfig config = {}) {
  auto listener = webhook::Listener::start(std::move(config), listener_secret(), sink);
  REQUIRE_MESSAGE(listener.has_value(), (listener.has_value() ? "" : listener.error()));
  return std::move(*listener);
}

std::string completed_body(const std::string& job_id) {
  return R"({"event":"score.completed","job_id":")" + job_id +
         R"(","platform":"tiktok","handle":"alix",)"
         R"("creator":{"platform":"tiktok","handle":"alix","score":80},)"
         R"("delivered_at":"2026-05-25T03:42:11Z"})";
}

httplib::Result post_event(int port, const std::string& body, const std::string& delivery_id,
                           const std::string& signature) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10s);
  const httplib::Headers headers{{"X-CreatorScore-Event", "score.completed"},
                                 {"X-CreatorScore-Signature", signature},
                                 {"X-CreatorScore-Delivery", delivery_id},
                                 {"X-CreatorScore-Attempt", "1"}};
  return client.Post(webhook::k_webhook_path, headers, body, "application/json");
}

httplib::Result post_signed(int port, const std::string& body, const std::string& delivery_id) {
  return post_event(port, body, delivery_id, webhook::sign(listener_secret(), body));
}

std::int64_t rejected(const webhook::ListenerCounters& counters, webhook::RejectReason reason) {
  const auto it = counters.rejected.find(reason);
  return it == counters.rejected.end() ? 0 : it->second;
}

// What httplib refuses itself (413, an unreadable body) is counted by the logger it calls after the
// answer is written, so the client may see the answer first: wait for the count, up to 10 s.
std::int64_t rejected_eventually(const webhook::Listener& listener, webhook::RejectReason reason) {
  for (int i = 0; i < 1000 && rejected(listener.counters(), reason) == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  return rejected(listener.counters(), reason);
}

}  // namespace

TEST_SUITE("webhook::Listener") {
  TEST_CASE("a signed delivery reaches the sink before its 200; the event decoded with its headers") {
    RecordingSink sink({"job-1"});
    auto listener = start_listener(sink);
    const auto result = post_signed(listener->port(), completed_body("job-1"), "dlv-1");
    REQUIRE(result);
    CHECK(result->status == 200);
    const auto deliveries = sink.deliveries();
    REQUIRE(deliveries.size() == 1);
    CHECK(deliveries[0].delivery_id == "dlv-1");
    CHECK(deliveries[0].attempt == 1);
    CHECK(deliveries[0].event.job.job_id == "job-1");
    CHECK(deliveries[0].event.job.state == creatorscore::JobState::done);
    const auto counters = listener->counters();
    CHECK(counters.received == 1);
    CHECK(counters.accepted == 1);
    CHECK(counters.rejected_total() == 0);
  }

  TEST_CASE("signature mismatch: 401, nothing handed on, and the delivery id stays unspent") {
    RecordingSink sink({"job-1"});
    auto listener = start_listener(sink);
    const std::string body = completed_body("job-1");
    std::string wrong = webhook::sign(listener_secret(), body);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    for (const std::string& signature : {wrong, std::string(), wrong.substr(0, 40),
                                         webhook::sign(*webhook::Secret::from("whsec_other"), body)}) {
      const auto result = post_event(listener->port(), body, "dlv-1", signature);
      REQUIRE(result);
      CHECK(result->status == 401);
    }
    CHECK(sink.calls() == 0);
    CHECK(rejected(listener->counters(), webhook::RejectReason::signature) == 4);
    // A forged request with a genuine delivery's id must not make the genuine one a duplicate.
    const auto genuine = post_signed(listener->port(), body, "dlv-1");
    REQUIRE(genuine);
    CHECK(genuine->status == 200);
    CHECK(sink.deliveries().size() == 1);
  }

  TEST_CASE("replayed delivery: 200 again, the sink called once, counted duplicated") {
    RecordingSink sink({"job-1"});
    auto listener = start_listener(sink);
    const std::string body = completed_body("job-1");
    for (int i = 0; i < 3; ++i) {
      const auto result = post_signed(listener->port(), body, "dlv-1");
      REQUIRE(result);
      CHECK(result->status == 200);
    }
    // Another delivery id for the same job's end: the sink knows it already.
    const auto other = post_signed(listener->port(), body, "dlv-2");
    REQUIRE(other);
    CHECK(other->status == 200);
    CHECK(sink.calls() == 2);
    CHECK(sink.deliveries().size() == 1);
    const auto counters = listener->counters();
    CHECK(counters.accepted == 1);
    CHECK(counters.duplicated == 3);
  }

  TEST_CASE("unknown job: 200 and counted, so the vendor does not retry it") {
    RecordingSink sink({"job-1"});
    auto listener = start_listener(sink);
    const auto result = post_signed(listener->port(), completed_body("job-nobody-asked-for"), "dlv-9");
    REQUIRE(result);
    CHECK(result->status == 200);
    CHECK(sink.deliveries().empty());
    CHECK(listener->counters().unknown_job == 1);
  }

  TEST_CASE("oversized body: 413 before it is read, nothing handed on") {
    RecordingSink sink({"job-1"});
    webhook::ListenerConfig config;
    config.max_body = 4096;
    auto listener = start_listener(sink, config);
    std::string body = completed_body("job-1");
    body.insert(body.size() - 1, ",\"pad\":\"" + std::string(5000, 'x') + "\"");
    const auto result = post_signed(listener->port(), body, "dlv-1");
    REQUIRE(result);
    CHECK(result->status == 413);
    CHECK(sink.calls() == 0);
    CHECK(rejected_eventually(*listener, webhook::RejectReason::too_large) == 1);
    CHECK(listener->counters().received == 1);
    // At the limit exactly, it is read.
    std::string fits = completed_body("job-1");
    fits.insert(fits.size() - 1, ",\"pad\":\"\"");
    fits.insert(fits.size() - 2, std::string(4096 - fits.size(), 'y'));
    REQUIRE(fits.size() == 4096);
    const auto at_limit = post_signed(listener->port(), fits, "dlv-2");
    REQUIRE(at_limit);
    CHECK(at_limit->status == 200);
  }

  TEST_CASE("slow sender: a body that stops arriving is given up after the read timeout, nothing handed on") {
    RecordingSink sink({"job-1"});
    webhook::ListenerConfig config;
    config.read_timeout = 300ms;
    auto listener = start_listener(sink, config);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(listener->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const std::string body = completed_body("job-1");
    const std::string head =
        "POST /creatorscore/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nX-CreatorScore-Delivery: dlv-1\r\n"
        "X-CreatorScore-Signature: " +
        webhook::sign(listener_secret(), body) + "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body.substr(0, 10);
    REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
    // The listener must give up on the body by itself (a 400, or the connection closed), well before
    // this socket's own 10 s timeout.
    timeval wait{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    const auto started = std::chrono::steady_clock::now();
    char buffer[4096];
    std::string answer;
    ssize_t got = 0;
    while (answer.find("\r\n\r\n") == std::string::npos &&
           (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
      answer.append(buffer, static_cast<std::size_t>(got));
    }
    const auto waited = std::chrono::steady_clock::now() - started;
    ::close(fd);
    CAPTURE(answer);
    CHECK((got == 0 || answer.rfind("HTTP/1.1 400 ", 0) == 0));  // not timed out here
    CAPTURE(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
    CHECK(waited < 3s);  // 300 ms configured; httplib's own default is 5 s
    CHECK(answer.find(" 200 ") == std::string::npos);
    CHECK(sink.calls() == 0);
    CHECK(rejected_eventually(*listener, webhook::RejectReason::unreadable) == 1);
  }

  TEST_CASE("POST only, application/json only, a delivery id, a decodable event; a sink failure is a 503") {
    RecordingSink sink({"job-1"});
    auto listener = start_listener(sink);
    httplib::Client client("127.0.0.1", listener->port());
    const auto get = client.Get(webhook::k_webhook_path);
    REQUIRE(get);
    CHECK(get->status == 405);
    CHECK(get->get_header_value("Allow") == "POST");

    const std::string body = completed_body("job-1");
    const httplib::Headers signed_headers{
        {"X-CreatorScore-Signature", webhook::sign(listener_secret(), body)},
        {"X-CreatorScore-Delivery", "dlv-1"}};
    const auto text = client.Post(webhook::k_webhook_path, signed_headers, body, "text/plain");
    REQUIRE(text);
    CHECK(text->status == 415);
    const auto with_charset =
        client.Post(webhook::k_webhook_path, signed_headers, body, "Application/JSON; charset=utf-8");
    REQUIRE(with_charset);
    CHECK(with_charset->status == 200);

    const auto no_id = post_signed(listener->port(), completed_body("job-1"), "");
    REQUIRE(no_id);
    CHECK(no_id->status == 400);

    const std::string bad = R"({"event":"score.completed","job_id":"job-1","creator":null})";
    const auto undecodable = post_signed(listener->port(), bad, "dlv-bad");
    REQUIRE(undecodable);
    CHECK(undecodable->status == 400);

    RecordingSink failing({"job-2"});
    failing.set_failing(true);
    auto second = start_listener(failing);
    const auto not_stored = post_signed(second->port(), completed_body("job-2"), "dlv-2");
    REQUIRE(not_stored);
    CHECK(not_stored->status == 503);
    failing.set_failing(false);
    // Not remembered as answered: the vendor's retry of the same delivery is stored.
    const auto retried = post_signed(second->port(), completed_body("job-2"), "dlv-2");
    REQUIRE(retried);
    CHECK(retried->status == 200);
    CHECK(failing.deliveries().size() == 1);

    const auto counters = listener->counters();
    CHECK(rejected(counters, webhook::RejectReason::method) == 1);
    CHECK(rejected(counters, webhook::RejectReason::content_type) == 1);
    CHECK(rejected(counters, webhook::RejectReason::no_delivery_id) == 1);
    CHECK(rejected(counters, webhook::RejectReason::bad_payload) == 1);
    CHECK(rejected(second->counters(), webhook::RejectReason::sink_failed) == 1);
  }

  TEST_CASE("start: a non-loopback address without TLS is refused; TLS needs both files, and loadable ones") {
    RecordingSink sink({});
    webhook::ListenerConfig config;
    config.host = "0.0.0.0";
    auto refused = webhook::Listener::start(config, listener_secret(), sink);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().find("loopback addresses only, not 0.0.0.0:0") != std::string::npos);
    CHECK(refused.error().find(k_listener_test_secret) == std::string::npos);

    config.tls_cert_file = "cert.pem";
    auto half = webhook::Listener::start(config, listener_secret(), sink);
    REQUIRE_FALSE(half.has_value());
    CHECK(half.error().find("needs both --webhook-tls-cert and --webhook-tls-key") != std::string::npos);

    config.tls_key_file = "/no/such/key.pem";
    config.tls_cert_file = "/no/such/cert.pem";
    auto unloadable = webhook::Listener::start(config, listener_secret(), sink);
    REQUIRE_FALSE(unloadable.has_value());
    CHECK(unloadable.error().find("cannot load the webhook TLS certificate /no/such/cert.pem") == 0);

    for (const char* loopback : {"127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1", "localhost"}) {
      CHECK(webhook::is_loopback_host(loopback));
    }
    for (const char* other : {"0.0.0.0", "10.0.0.1", "::", "128.0.0.1", "example.com", ""}) {
      CHECK_FALSE(webhook::is_loopback_host(other));
    }
  }
}
