#pragma once

// What every client_http test case uses: a simulator child (SimProcess), the simulator's own
// counters and switches under /_sim/* (read through a separate CurlTransport, so they pass neither
// our rate limiter nor the simulator's API counters), and the real client stack as the CLI wires it
// (cli::ApiSession: RealClock at the simulator's time scale, CurlTransport, RateLimiter,
// RetryPolicy, http::Client, creatorscore::Client), with every exchange recorded.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/api_session.hpp"
#include "creatorscore/client.hpp"
#include "creatorscore/types.hpp"
#include "http/client.hpp"
#include "http/curl_transport.hpp"
#include "sim_process.hpp"
#include "util/clock.hpp"

namespace client_http {

inline constexpr int k_max_attempts = 8;  // http::RetryConfig's default, as cli::ApiSession builds it

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using nlohmann::json;

inline constexpr const char* k_key = "sk_test_demo";

// Job lengths short enough that a test waits about a second for a job to end, long enough that a
// job just created is certainly still in flight when polled at once (0.8 s real at least).
inline constexpr double k_scale = 300;
inline const std::vector<std::string> k_short_jobs = {"--min-job", "4m", "--max-job", "5m"};

// A simulator with the short jobs and `extra` flags, at k_scale unless told otherwise.
std::vector<std::string> sim_flags(std::vector<std::string> extra = {});

// GET/POST on the simulator's test endpoints.
class SimAdmin {
 public:
  explicit SimAdmin(const SimProcess& sim);

  json stats();
  json config();
  json set_config(const json& patch);  // POST /_sim/config; REQUIREs a 200
  void set_balance(const std::string& key, long long balance);
  long long now_ms();

  // Waits (real time) until the simulator's clock has passed `api_ms`.
  void wait_until(long long api_ms);
  // Waits until the job has ended (done or failed) on the simulator's clock.
  void wait_for_job_end(const std::string& job_id);

 private:
  json call(http::Method method, const std::string& path, const std::string& body = {});

  std::string m_base;
  double m_scale;
  http::CurlTransport m_transport;
};

// One exchange as http::Client saw it (its observer), on the client's API-time clock.
struct Exchange {
  int attempt = 0;
  int status = 0;  // 0 when the transport failed
  http::ErrorKind error = http::ErrorKind::other;
  std::string url;
  std::string api_key_header;  // the X-API-Key value the observer was shown (redacted)
  std::string retry_after;     // the Retry-After header of the response, if any
  util::TimePoint started;     // when the attempt was handed to the transport
  util::TimePoint answered;    // when its response or error came back
};

// The client stack the CLI builds (cli::ApiSession), pointed at `sim` with `api_key`.
class Stack {
 public:
  explicit Stack(const SimProcess& sim, std::string api_key = k_key, int rate_limit = 120);

  creatorscore::Client& api() { return m_session->api(); }
  http::Client& http() { return m_session->http(); }
  util::RealClock& clock() { return m_session->clock(); }
  const std::string& base_url() const { return m_base_url; }
  const std::vector<Exchange>& exchanges() const { return m_exchanges; }
  std::uint64_t retry_jitter_seed() const { return m_session->retry_jitter_seed(); }

  // Called after each exchange is recorded (e.g. to clear a fault between two attempts).
  void on_exchange(std::function<void(const Exchange&)> hook) { m_hook = std::move(hook); }

 private:
  std::string m_base_url;
  std::unique_ptr<cli::ApiSession> m_session;
  std::vector<Exchange> m_exchanges;
  std::function<void(const Exchange&)> m_hook;
};

// A handle on `platform`, `prefix` followed by the first number that makes it pre-cached
// (`cached` true) or not in a simulator with the default --cached-percent 30.
std::string pick_handle(core::Platform platform, const std::string& prefix, bool cached);

// The key of /_sim/stats' per-creator maps ("youtube:lowerhandle").
std::string creator_key(core::Platform platform, const std::string& handle);

// The balance as GET /api/v1/account reports it through the client (REQUIREs success).
long long balance_of(Stack& stack);

}  // namespace client_http
