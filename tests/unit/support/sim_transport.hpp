#pragma once

// An http::Transport over an in-process sim::Simulator on a virtual clock: the whole client stack
// (limiter, retries, decoders, engine) runs against a faithful API in milliseconds.

#include "http/transport.hpp"
#include "sim/model.hpp"
#include "util/clock.hpp"

namespace test {

// The request as a simulator model sees it: the path and query of the absolute URL.
inline sim::SimRequest to_sim_request(const http::Request& request) {
  const auto scheme = request.url.find("://");
  const auto path = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return sim::SimRequest{request.method == http::Method::get ? "GET" : "POST",
                         path == std::string::npos ? "/" : request.url.substr(path), request.headers,
                         request.body};
}

class SimTransport final : public http::Transport {
 public:
  SimTransport(sim::Simulator& simulator, const util::Clock& clock) : m_sim(simulator), m_clock(clock) {}

  util::Expected<http::Response, http::Error> send(const http::Request& request) override {
    const sim::SimRequest sim_request = to_sim_request(request);
    m_sent_at.push_back(m_clock.now());
    m_targets.push_back(sim_request.method + " " + sim_request.target.substr(0, sim_request.target.find('?')));
    const sim::SimResponse answer = m_sim.handle(sim_request, m_clock.now());
    if (answer.drop_connection) {
      return util::unexpected(http::Error{http::ErrorKind::dropped, "connection dropped"});
    }
    return http::Response{answer.status, answer.headers, answer.body, {}};
  }

  const std::vector<util::TimePoint>& sent_at() const { return m_sent_at; }
  const std::vector<std::string>& targets() const { return m_targets; }
  std::size_t count(const std::string& target) const {
    std::size_t n = 0;
    for (const auto& t : m_targets) {
      n += t == target ? 1 : 0;
    }
    return n;
  }

 private:
  sim::Simulator& m_sim;
  const util::Clock& m_clock;
  std::vector<util::TimePoint> m_sent_at;
  std::vector<std::string> m_targets;
};

}  // namespace test
