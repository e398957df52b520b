#pragma once

// An http::Transport over the in-process CreatorAudit model (sim/creatoraudit/audit_model.hpp) on a
// virtual clock, as sim_transport.hpp is for CreatorScore: the whole audit stack (pacer, retries,
// decoders, AuditProvider) runs against a faithful API in milliseconds. It can also "kill" the
// client after a POST /accounts took effect and before its answer arrived, and log each send into
// a shared event list so a test can check what the store saw first.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/transport.hpp"
#include "sim/creatoraudit/audit_model.hpp"
#include "support/sim_transport.hpp"
#include "util/clock.hpp"

namespace test {

// Thrown by AuditSimTransport in place of the answer it "lost": the process died there.
struct AuditKilled : std::runtime_error {
  AuditKilled() : std::runtime_error("killed after the request took effect") {}
};

class AuditSimTransport final : public http::Transport {
 public:
  AuditSimTransport(sim::audit::Simulator& simulator, const util::Clock& clock)
      : m_sim(simulator), m_clock(clock) {}

  util::Expected<http::Response, http::Error> send(const http::Request& request) override {
    const sim::SimRequest sim_request = to_sim_request(request);
    m_targets.push_back(sim_request.target);
    const std::string key = sim::find_header(request.headers, "Idempotency-Key").value_or("");
    if (m_events != nullptr) {
      m_events->push_back("send " + sim_request.method + " " + key);
    }
    const bool track = sim_request.method == "POST" && sim_request.target == "/v2/accounts";
    if (track) {
      m_track_keys.push_back(key);
    }
    const sim::SimResponse answer = m_sim.handle(sim_request, m_clock.now());
    if (track && m_kill_after_tracks && m_track_keys.size() == *m_kill_after_tracks) {
      throw AuditKilled();
    }
    if (answer.drop_connection) {
      return util::unexpected(http::Error{http::ErrorKind::dropped, "connection dropped"});
    }
    return http::Response{answer.status, answer.headers, answer.body, {}};
  }

  // The process "dies" once the n-th POST /accounts has taken effect, before its answer is read.
  void kill_after_tracks(std::size_t n) { m_kill_after_tracks = n; }
  void log_events_into(std::vector<std::string>* events) { m_events = events; }

  const std::vector<std::string>& targets() const { return m_targets; }  // path and query, in order
  const std::vector<std::string>& track_keys() const { return m_track_keys; }
  std::size_t count_prefix(const std::string& prefix) const {
    std::size_t n = 0;
    for (const auto& target : m_targets) {
      n += target.rfind(prefix, 0) == 0 ? 1 : 0;
    }
    return n;
  }

 private:
  sim::audit::Simulator& m_sim;
  const util::Clock& m_clock;
  std::vector<std::string> m_targets;
  std::vector<std::string> m_track_keys;
  std::optional<std::size_t> m_kill_after_tracks;
  std::vector<std::string>* m_events = nullptr;
};

}  // namespace test
