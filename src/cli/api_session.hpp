#pragma once

// Everything a command needs to talk to the API, built from the global options: the key, the
// base URL (checked before any request), the time-scaled clock, one transport, one rate limiter
// and one retry policy shared by every request, and the CreatorScore client on top.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "cli/global_options.hpp"
#include "core/exit_code.hpp"
#include "creatorscore/types.hpp"

namespace util {
class RealClock;
}
namespace http {
class Client;
class RateLimiter;
class Transport;
}  // namespace http
namespace creatorscore {
class Client;
}  // namespace creatorscore

namespace cli {

// `flag_value`, else the environment variable `env_name` when set and not empty, else
// `default_url`, without a trailing slash.
std::string configured_url(const std::string& flag_value, const char* env_name, const char* default_url);

// The base URL from --base-url, CREATORSCORE_BASE_URL or the default, without a trailing slash,
// unchecked: for commands that send nothing (`status` derives the state file's name from it).
std::string configured_base_url(const GlobalOptions& options);

// configured_base_url(), checked before any request. Throws core::Fatal(usage) for a URL that is
// not http(s), or is plain http to a non-loopback host or through a proxy (from the environment)
// that is not on loopback, without --allow-insecure-http: the key would travel in clear.
std::string resolve_base_url(const GlobalOptions& options);

// `url` checked by the same rules (the CreatorAudit base URL goes through them too).
std::string checked_base_url(std::string url, bool allow_insecure_http);

// The key from --api-key-file (`-` = stdin, first line, surrounding white space dropped) or
// CREATORSCORE_API_KEY. Returns an empty string when neither is set; throws core::Fatal
// (key_rejected) when the file cannot be read or is empty.
std::string read_api_key(const GlobalOptions& options);

// A key from `key_file` (`-` = stdin, first line, surrounding white space dropped), else from the
// environment variable `env_name`; `what` ("API key", "CreatorAudit key") names it in errors. Empty
// when neither is set; the process is made not dumpable once a key is held.
std::string read_key(const char* env_name, const std::string& key_file, const std::string& what);

// The time scale from ROSTER_ENRICH_TIME_SCALE; throws core::Fatal(usage) when it is not a
// positive number.
double resolve_time_scale();

// The curl transport with the proxy/TLS settings of `options`; exit 69 when libcurl cannot load.
std::unique_ptr<http::Transport> make_transport(const GlobalOptions& options, const std::atomic<bool>* stop_flag);

// A retry-jitter seed drawn per process.
std::uint64_t fresh_jitter_seed();

// Logs each request on stderr with -v (the key masked), and a capped Retry-After as a warning.
void observe_requests(http::Client& client, const GlobalOptions& options);

class ApiSession {
 public:
  // Throws core::Fatal(key_rejected) when `api_key` is empty: every request needs it.
  ApiSession(const GlobalOptions& options, std::string base_url, std::string api_key,
             const std::atomic<bool>* stop_flag);
  ~ApiSession();

  util::RealClock& clock() { return *m_clock; }
  http::Client& http() { return *m_http; }
  http::RateLimiter& limiter() { return *m_limiter; }
  creatorscore::Client& api() { return *m_api; }
  const std::string& base_url() const { return m_base_url; }
  // Drawn per process; tests use it to predict the back-off delays.
  std::uint64_t retry_jitter_seed() const { return m_jitter_seed; }

 private:
  std::string m_base_url;
  std::uint64_t m_jitter_seed = 0;
  std::unique_ptr<util::RealClock> m_clock;
  std::unique_ptr<http::Transport> m_transport;
  std::unique_ptr<http::RateLimiter> m_limiter;
  std::unique_ptr<http::Client> m_http;
  std::unique_ptr<creatorscore::Client> m_api;
};

// The exit code and one-line message for an API error that ends a command: 77 for a rejected
// key, 3 for no credits, 75 for a stop, 69 for everything the API or network kept failing at.
core::Fatal fatal_from(const creatorscore::ApiError& error);

}  // namespace cli
