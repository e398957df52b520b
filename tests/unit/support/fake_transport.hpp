#pragma once

// An http::Transport for unit tests: answers from a script (or a handler), records every request
// and the clock instant it was sent at. No network.

#include <deque>
#include <functional>
#include <vector>

#include "http/transport.hpp"
#include "util/clock.hpp"

namespace test {

using TransportResult = util::Expected<http::Response, http::Error>;

inline http::Response response(int status, std::string body, http::Headers headers = {}) {
  return http::Response{status, std::move(headers), std::move(body), {}};
}

class FakeTransport final : public http::Transport {
 public:
  explicit FakeTransport(const util::Clock* clock = nullptr) : m_clock(clock) {}

  void push(TransportResult result) { m_script.push_back(std::move(result)); }
  void set_handler(std::function<TransportResult(const http::Request&)> handler) { m_handler = std::move(handler); }

  TransportResult send(const http::Request& request) override {
    m_requests.push_back(request);
    m_sent_at.push_back(m_clock != nullptr ? m_clock->now() : util::TimePoint{});
    if (!m_script.empty()) {
      TransportResult next = std::move(m_script.front());
      m_script.pop_front();
      return next;
    }
    if (m_handler) {
      return m_handler(request);
    }
    return util::unexpected(http::Error{http::ErrorKind::connect, "no scripted response left"});
  }

  const std::vector<http::Request>& requests() const { return m_requests; }
  const std::vector<util::TimePoint>& sent_at() const { return m_sent_at; }

 private:
  const util::Clock* m_clock;
  std::deque<TransportResult> m_script;
  std::function<TransportResult(const http::Request&)> m_handler;
  std::vector<http::Request> m_requests;
  std::vector<util::TimePoint> m_sent_at;
};

}  // namespace test
